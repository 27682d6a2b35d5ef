import type { ContentPolicy } from "./policy.js";
import { REDACTED } from "./secrets.js";
import type { Scrubber } from "./secrets.js";
import type { JsonValue } from "./snapshot.js";
import { snapshot } from "./snapshot.js";
import { isContentKey } from "./content-keys.js";

/** What the processors apply to records they did not render themselves. Never built for raw. */
export interface Enforcement {
  /** The redacting policy's scrubber, at hand: every string of every record goes through it. */
  readonly scrubber: Scrubber;
  /** Scrubs structured values (log bodies and map attributes) whatever the mode. */
  readonly redacting: ContentPolicy;
  /** Renders content in the redacted, hash and summary modes; undefined in none. */
  readonly content: ContentPolicy | undefined;
  /** What each attribute key is, remembered: the same keys come back on every record. */
  readonly keys: Map<string, KeyMemo>;
  /**
   * Whether a string found clean may be taken as clean when it comes back: not with a `custom`
   * redaction callback, which must see every string.
   */
  readonly remember: boolean;
  /** The clean attributes of the last span and of the last log record, by position. */
  readonly spanPositions: Positions;
  readonly logPositions: Positions;
}

/**
 * Records of one kind come with the same keys in the same order and mostly the same values: the
 * (key, value) pairs of the last one that the key memos hold as clean, by position, let the next
 * one skip the memo lookups where its pairs are identical.
 */
export interface Positions {
  readonly keys: (string | undefined)[];
  readonly values: unknown[];
}

export function newPositions(): Positions {
  return { keys: [], values: [] };
}

const POSITIONS_LIMIT = 256;

/** Whether `value` under `key` at `index` is what the last record of the kind had there, clean. */
export function knownClean(positions: Positions, index: number, key: string, value: unknown): boolean {
  return positions.keys[index] === key && positions.values[index] === value;
}

/** Notes what `index` held after enforcement: a pair the key memo holds as clean, or nothing. */
export function notePosition(positions: Positions, index: number, key: string, value: unknown, e: Enforcement): void {
  if (index >= POSITIONS_LIMIT) return;
  const memo = typeof value === "string" ? e.keys.get(key) : undefined;
  const clean = memo !== undefined && (memo.clean === value || memo.other === value);
  positions.keys[index] = clean ? key : undefined;
  positions.values[index] = clean ? value : undefined;
}

/**
 * What a key is and, for a plain key, the last two strings found clean under it: most come back
 * on the next record, and a key such as `aotp.kind` alternates between two (request, response).
 */
interface KeyMemo {
  readonly kind: KeyKind;
  clean: string | undefined;
  /** The one found clean before `clean`. */
  other: string | undefined;
}

const enum KeyKind {
  Plain,
  Sensitive,
  Content,
}

const KEYS_LIMIT = 4096;
// Bounds what the memos hold to KEYS_LIMIT × this many characters.
const CLEAN_LONGEST = 1024;

function keyMemo(key: string, e: Enforcement): KeyMemo {
  let memo = e.keys.get(key);
  if (memo === undefined) {
    memo = { kind: e.scrubber.isSensitiveKey(key) ? KeyKind.Sensitive : isContentKey(key) ? KeyKind.Content : KeyKind.Plain, clean: undefined, other: undefined };
    if (e.keys.size >= KEYS_LIMIT) e.keys.clear();
    e.keys.set(key, memo);
  }
  return memo;
}

/** Returned where a value must not leave at all. */
export const DROP: unique symbol = Symbol("drop");

// Third-party content keeps its full length: only the mode decides what of it leaves.
const WHOLE = { maxStringLength: 2 ** 30, maxTotal: 2 ** 30, maxKeys: 2 ** 20, maxItems: 2 ** 20, maxDepth: 32 };

/**
 * One attribute (or log body) as the rules allow: the same value when nothing applies, a new
 * value, or DROP. `rendered` says the value is coat's own content, already rendered per mode.
 */
export function enforceValue(key: string, value: unknown, e: Enforcement, rendered: boolean): unknown {
  const memo = keyMemo(key, e);
  const kind = memo.kind;
  if (kind === KeyKind.Sensitive) return REDACTED;
  if (kind === KeyKind.Content && !rendered) return enforceContent(value, e);
  if (typeof value !== "string") return scrubValue(value, e);
  if (value === memo.clean || value === memo.other) return value;
  const next = e.scrubber.scrub(value);
  if (next === value && e.remember && kind === KeyKind.Plain && value.length <= CLEAN_LONGEST) {
    memo.other = memo.clean;
    memo.clean = value;
  }
  return next;
}

/** Content (a message, a prompt, a log body) in the enforced mode. */
export function enforceContent(value: unknown, e: Enforcement): unknown {
  const policy = e.content;
  if (policy === undefined) return DROP;
  if (policy.mode === "redacted") return scrubValue(value, e);
  if (typeof value === "string") return contentText(value, policy);
  if (Array.isArray(value) && policy.mode === "hash") return value.map((item) => (typeof item === "string" ? contentText(item, policy) : render(item, policy)));
  return render(value, policy);
}

/** Secrets out of a value that is not content: strings, string arrays, maps. */
export function scrubValue(value: unknown, e: Enforcement): unknown {
  if (typeof value === "string") return e.scrubber.scrub(value);
  if (value === null || typeof value !== "object" || ArrayBuffer.isView(value)) return value;
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      const next = typeof item === "string" ? e.scrubber.scrub(item) : item !== null && typeof item === "object" ? render(item, e.redacting) : item;
      if (next !== item) (out ??= value.slice())[i] = next;
    }
    return out ?? value;
  }
  return render(value, e.redacting);
}

/** Content text in hash or summary mode: JSON text keeps its shape, other text is one leaf. */
function contentText(s: string, policy: ContentPolicy): string {
  const parsed = parseJsonContainer(s);
  if (parsed !== undefined) return JSON.stringify(render(parsed, policy));
  return policy.mode === "hash" ? policy.digest(JSON.stringify(s)) : `string(${s.length})`;
}

function render(value: unknown, policy: ContentPolicy): JsonValue {
  return snapshot(value, { ...WHOLE, policy });
}

function parseJsonContainer(s: string): unknown {
  let i = 0;
  while (i < s.length && (s.charCodeAt(i) === 32 || s.charCodeAt(i) === 10 || s.charCodeAt(i) === 13 || s.charCodeAt(i) === 9)) i++;
  const c = s.charCodeAt(i);
  if (c !== 123 && c !== 91) return undefined;
  try {
    return JSON.parse(s);
  } catch {
    return undefined;
  }
}
