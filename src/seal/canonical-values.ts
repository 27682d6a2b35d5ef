/**
 * Canonical AnyValues and attribute lists from the SDK's JavaScript values, typed exactly as
 * @opentelemetry/otlp-transformer types them on the protobuf wire (writeAnyValue): a number is an
 * intValue when it is an integer within int64, else a doubleValue; a Uint8Array is bytes; an array
 * is an arrayValue; another non-null object is a kvlistValue of its own enumerable keys; anything
 * else is empty. (Its JSON path differs only for integers beyond int64, which it writes as intValue
 * numbers; the verifier reads those back as doubles.)
 */
import { doubleText, intText, jsonText, wellFormed } from "./canonical-text.js";
import { isShared } from "../runtime/shared-values.js";
import { LONG_STRING, digestText } from "./string-digest.js";

/** An SDK value as a canonical AnyValue of form v2 (the form sealing writes): long strings by their digest. */
export function anyValueText(value: unknown): string {
  switch (typeof value) {
    case "string":
      return value.length >= LONG_STRING ? digestText(value) : `{"stringValue":${jsonText(value)}}`;
    case "number":
      return isInt64(value) ? `{"intValue":"${intText(value)}"}` : `{"doubleValue":${doubleText(value)}}`;
    case "boolean":
      return value ? '{"boolValue":true}' : '{"boolValue":false}';
    case "object":
      if (value === null) return "{}";
      if (value instanceof Uint8Array) return `{"bytesValue":"${Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("base64")}"}`;
      if (Array.isArray(value)) return `{"arrayValue":{"values":[${value.map(anyValueText).join(",")}]}}`;
      return isShared(value) ? sharedText(value) : `{"kvlistValue":{"values":${keyValuesText(value as Record<string, unknown>)}}}`;
    default:
      return "{}";
  }
}

const sharedTexts = new WeakMap<object, string>();

/** A shared value never changes: its text is written once. */
function sharedText(value: object): string {
  let text = sharedTexts.get(value);
  if (text === undefined) sharedTexts.set(value, (text = flat(`{"kvlistValue":{"values":${keyValuesText(value as Record<string, unknown>)}}}`)));
  return text;
}

/**
 * `text` as one flat string. Concatenation builds a tree of pieces; a text kept for reuse would
 * bring its whole tree into every record that reuses it, and hashing walks every piece.
 */
export function flat(text: string): string {
  // Converting to a number flattens the string in place (the trick pino's flatstr uses).
  void Number(text);
  return text;
}

const INT64_MIN = -(2 ** 63);
const INT64_END = 2 ** 63;

/** Whether a JS number travels as an OTLP intValue. */
export function isInt64(value: number): boolean {
  return Number.isInteger(value) && value >= INT64_MIN && value < INT64_END;
}

/**
 * `[{"key":…,"value":…},…]` sorted by key (UTF-16 code units). `skip` names keys left out: the
 * record's own seal hash and signature, which cannot be part of what they attest.
 */
export function keyValuesText(values: Record<string, unknown>, skip?: (key: string) => boolean): string {
  const keys = sortedKeys(values);
  let out = "[";
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    if (skip !== undefined && skip(key)) continue;
    out += (out.length > 1 ? "," : "") + entryText(key, values[key]);
  }
  return `${out}]`;
}

interface Entry {
  value: unknown;
  text: string;
  /** Flattened once reused: most entries are written once, and flattening those is waste. */
  flat: boolean;
}

/**
 * The last `{"key":…,"value":…}` written per key. A wrapper's fixed attributes recur on every
 * record, and a call's ids and content on its span and both its log records: one comparison
 * then replaces the escaping and the string building. Only primitives (objects can change), and
 * strings up to 64 K characters (what is kept stays small).
 */
const lastEntries = new Map<string, Entry>();
const MAX_KEYS = 4096;

const LONGEST_KEPT = 65_536;

function entryText(key: string, value: unknown): string {
  const type = typeof value;
  if ((type !== "string" && type !== "number" && type !== "boolean") || (type === "string" && (value as string).length > LONGEST_KEPT)) {
    return keyPrefix(key) + anyValueText(value) + "}";
  }
  const entry = lastEntries.get(key);
  if (entry !== undefined && entry.value === value) {
    if (!entry.flat) {
      entry.flat = true;
      flat(entry.text);
    }
    return entry.text;
  }
  const text = keyPrefix(key) + anyValueText(value) + "}";
  if (entry !== undefined) {
    entry.value = value;
    entry.text = text;
    entry.flat = false;
  } else {
    if (lastEntries.size >= MAX_KEYS) lastEntries.clear();
    lastEntries.set(key, { value, text, flat: false });
  }
  return text;
}

/** `{"key":…,"value":` per key: the same few dozen keys recur on every record. */
const prefixes = new Map<string, string>();

export function keyPrefix(key: string): string {
  let prefix = prefixes.get(key);
  if (prefix === undefined) {
    if (prefixes.size >= MAX_KEYS) prefixes.clear();
    prefix = flat(`{"key":${jsonText(key)},"value":`);
    prefixes.set(key, prefix);
  }
  return prefix;
}

/**
 * Key lists seen lately with their sorted order, by first key: records of one kind, and the
 * objects inside their bodies, have the same keys in the same order every time.
 */
interface Shape {
  keys: string[];
  sorted: string[];
}
const shapes = new Map<string, Shape[]>();
const SHAPES_PER_KEY = 4;

function sortedKeys(values: Record<string, unknown>): string[] {
  const keys = Object.keys(values);
  if (keys.length < 2) return keys;
  const first = keys[0]!;
  let known = shapes.get(first);
  if (known !== undefined) {
    for (let s = 0; s < known.length; s++) {
      const shape = known[s]!;
      if (sameKeys(shape.keys, keys)) return shape.sorted;
    }
  } else {
    if (shapes.size >= MAX_KEYS) shapes.clear();
    known = [];
    shapes.set(first, known);
  }
  const sorted = sortKeys(keys.slice());
  if (known.length >= SHAPES_PER_KEY) known.pop();
  known.unshift({ keys, sorted });
  return sorted;
}

function sameKeys(a: string[], b: string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

const SURROGATE = /[\ud800-\udfff]/;

function sortKeys(keys: string[]): string[] {
  // Keys are sorted as they read back after a UTF-8 hop, where lone surrogates become U+FFFD.
  for (const key of keys) {
    if (SURROGATE.test(key) && wellFormed(key) !== key) return keys.sort((a, b) => compareUtf16(wellFormed(a), wellFormed(b)));
  }
  return keys.sort();
}

export function compareUtf16(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
