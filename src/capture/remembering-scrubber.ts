import type { Scrubber } from "./secrets.js";

const LONGEST = 65_536;
const MAX_STRINGS = 8192;
const MAX_CHARS = 4_000_000;

/**
 * The processors scrub every string of every record, and most of them (names, kinds, models,
 * tool descriptions and parameter schemas, session ids) are the very same strings call after
 * call: remember the ones found clean, within a budget of strings and characters. Only for
 * rules without a `custom` callback, which must see every string.
 */
export function rememberingScrubber(scrubber: Scrubber): Scrubber {
  const clean = new Set<string>();
  let chars = 0;
  return {
    isSensitiveKey: (key) => scrubber.isSensitiveKey(key),
    scrub(value, key) {
      if (key !== undefined || value.length > LONGEST) return scrubber.scrub(value, key);
      if (clean.has(value)) return value;
      const out = scrubber.scrub(value);
      if (out === value) {
        if (clean.size >= MAX_STRINGS || chars + value.length > MAX_CHARS) {
          clean.clear();
          chars = 0;
        }
        clean.add(value);
        chars += value.length;
      }
      return out;
    },
  };
}
