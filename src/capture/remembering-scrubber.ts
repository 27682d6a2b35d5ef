import type { Scrubber } from "./secrets.js";

const SHORT = 256;
const LIMIT = 8192;

/**
 * The processors scrub every string of every record, and most of them (names, kinds, models,
 * static attributes) are the very same strings call after call: remember the short ones found
 * clean. Only for rules without a `custom` callback, which must see every string.
 */
export function rememberingScrubber(scrubber: Scrubber): Scrubber {
  const clean = new Set<string>();
  return {
    isSensitiveKey: (key) => scrubber.isSensitiveKey(key),
    scrub(value, key) {
      if (key !== undefined || value.length > SHORT) return scrubber.scrub(value, key);
      if (clean.has(value)) return value;
      const out = scrubber.scrub(value);
      if (out === value) {
        if (clean.size >= LIMIT) clean.clear();
        clean.add(value);
      }
      return out;
    },
  };
}
