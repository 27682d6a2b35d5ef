/**
 * Values coat shares between records, such as the fixed parts of its envelopes: frozen with every
 * object inside them and never changed, so what is derived from one can be kept by identity.
 */
const shared = new WeakSet<object>();

/** Freezes `value` and every plain object inside it, and marks it shared. */
export function share<T extends object>(value: T): T {
  for (const inner of Object.values(value)) if (inner !== null && typeof inner === "object" && !shared.has(inner)) share(inner);
  shared.add(Object.freeze(value));
  return value;
}

export function isShared(value: object): boolean {
  return shared.has(value);
}
