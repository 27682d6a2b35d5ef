const cache = new WeakMap<readonly unknown[], string | null>();

/**
 * The JSON text of a call's argument list, computed once per call however many policies ask (the
 * ready policies that look at content share it); null when the arguments do not serialise.
 */
export function argsJson(args: readonly unknown[]): string | null {
  let json = cache.get(args);
  if (json === undefined) {
    try {
      json = JSON.stringify(args) ?? null;
    } catch {
      json = null;
    }
    cache.set(args, json);
  }
  return json;
}
