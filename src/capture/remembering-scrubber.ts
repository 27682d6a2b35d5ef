import type { Scrubber } from "./secrets.js";

const LONGEST = 65_536;

/** A bounded set of strings: cleared whole when it would pass its count or character budget. */
class StringSet {
  private readonly strings = new Set<string>();
  private chars = 0;

  constructor(
    private readonly maxStrings: number,
    private readonly maxChars: number,
  ) {}

  has(value: string): boolean {
    return this.strings.has(value);
  }

  add(value: string): void {
    if (this.strings.size >= this.maxStrings || this.chars + value.length > this.maxChars) {
      this.strings.clear();
      this.chars = 0;
    }
    this.strings.add(value);
    this.chars += value.length;
  }
}

/**
 * The processors scrub every string of every record, and most of them (names, kinds, models,
 * tool descriptions and parameter schemas, session ids) are the very same strings call after
 * call: remember the ones found clean. A string found clean is remembered for a while in a small
 * set and, seen again, moves to a large one, so the strings that never come back (ids, times)
 * churn the small set and never push the ones that do out of the large one. Only for rules
 * without a `custom` callback, which must see every string.
 */
export function rememberingScrubber(scrubber: Scrubber): Scrubber {
  const recurring = new StringSet(8192, 4_000_000);
  const recent = new StringSet(1024, 1_000_000);
  return {
    isSensitiveKey: (key) => scrubber.isSensitiveKey(key),
    scrub(value, key) {
      if (key !== undefined || value.length > LONGEST) return scrubber.scrub(value, key);
      if (recurring.has(value)) return value;
      if (recent.has(value)) {
        recurring.add(value);
        return value;
      }
      const out = scrubber.scrub(value);
      if (out === value) recent.add(value);
      return out;
    },
  };
}
