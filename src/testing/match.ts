/** Partial deep matching of captured values, for `args` / `output` expectations. */

/** An expected value: a predicate, or a value whose objects match partially (extra keys allowed) and whose arrays match item by item. */
export type Expected = unknown;

export function matches(actual: unknown, expected: Expected): boolean {
  if (typeof expected === "function") return Boolean((expected as (value: unknown) => unknown)(actual));
  if (expected instanceof RegExp) return typeof actual === "string" && expected.test(actual);
  if (Array.isArray(expected)) {
    return Array.isArray(actual) && actual.length === expected.length && expected.every((item, i) => matches(actual[i], item));
  }
  if (expected !== null && typeof expected === "object") {
    if (actual === null || typeof actual !== "object" || Array.isArray(actual)) return false;
    return Object.entries(expected).every(([key, value]) => matches((actual as Record<string, unknown>)[key], value));
  }
  return Object.is(actual, expected);
}

/**
 * Whether a call's captured input is the argument list `args`. coat() captures a one-argument call
 * as that argument itself, so `[x]` also matches an input of `x`.
 */
export function argsMatch(input: unknown, args: Expected): boolean {
  if (typeof args === "function") return matches(input, args);
  if (Array.isArray(args) && args.length === 1 && !Array.isArray(input)) return matches(input, args[0]);
  return matches(input, args);
}
