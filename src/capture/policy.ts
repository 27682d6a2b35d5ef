import type { CaptureMode } from "./modes.js";
import type { Digest } from "./digest.js";
import { createDigest } from "./digest.js";
import type { RedactionRules, Scrubber } from "./secrets.js";
import { createScrubber } from "./secrets.js";
import { rememberingScrubber } from "./remembering-scrubber.js";

/** How content is rendered in a mode that is neither none nor raw: the rules it needs, built once. */
export interface ContentPolicy {
  readonly mode: CaptureMode;
  readonly scrubber: Scrubber;
  readonly digest: Digest;
  /** The scrubber runs no user code (no `custom` callback): a string may be scrubbed twice unseen. */
  readonly pure?: boolean;
}

export function createPolicy(mode: CaptureMode, rules: RedactionRules | undefined, hashKey: string | undefined): ContentPolicy {
  const scrubber = createScrubber(rules);
  const pure = rules?.custom === undefined;
  return { mode, scrubber: pure ? rememberingScrubber(scrubber) : scrubber, digest: createDigest(hashKey), pure };
}

/** Strings past this many UTF-16 units beyond the cap are not scanned: they are cut off anyway. */
export const SCRUB_WINDOW = 8192;

/**
 * Scrubs a string that will be cut to `max` units. Scrubbing comes first, on a window reaching
 * past the cut, so a secret straddling the cut is still recognised whole.
 */
export function scrubForCap(scrubber: Scrubber, s: string, max: number): string {
  return scrubber.scrub(s.length > max + SCRUB_WINDOW ? s.slice(0, max + SCRUB_WINDOW) : s);
}
