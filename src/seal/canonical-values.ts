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
import { LONG_STRING, stringDigest } from "./string-digest.js";
import type { CanonicalWriter } from "./canonical-bytes.js";
import { kept, writer } from "./canonical-bytes.js";
import { ARRAY_CLOSE, ARRAY_OPEN, BYTES_OPEN, CLOSE_BRACE, COMMA, DIGEST_OPEN, DOUBLE_OPEN, EMPTY, FALSE, INT_OPEN, KVLIST_CLOSE, KVLIST_OPEN, QUOTE_CLOSE, STRING_OPEN, TRUE } from "./canonical-literals.js";

/** An SDK value as a canonical AnyValue of form v2 (the form sealing writes): long strings by their digest. */
export function anyValueText(value: unknown): string {
  const start = writer.n;
  writeAnyValue(writer, value);
  const text = writer.text(start);
  writer.n = start;
  return text;
}

/**
 * `[{"key":…,"value":…},…]` sorted by key (UTF-16 code units). `skip` names keys left out: the
 * record's own seal hash and signature, which cannot be part of what they attest.
 */
export function keyValuesText(values: Record<string, unknown>, skip?: (key: string) => boolean): string {
  const start = writer.n;
  writeKeyValues(writer, values, skip);
  const text = writer.text(start);
  writer.n = start;
  return text;
}


export function writeAnyValue(w: CanonicalWriter, value: unknown): void {
  switch (typeof value) {
    case "string":
      if (value.length >= LONG_STRING) {
        w.bytes(DIGEST_OPEN);
        w.ascii(stringDigest(value));
        w.bytes(QUOTE_CLOSE);
      } else {
        w.bytes(STRING_OPEN);
        w.json(value);
        w.byte(CLOSE_BRACE);
      }
      return;
    case "number":
      if (isInt64(value)) {
        w.bytes(INT_OPEN);
        w.ascii(intText(value));
        w.bytes(QUOTE_CLOSE);
      } else {
        w.bytes(DOUBLE_OPEN);
        w.ascii(doubleText(value));
        w.byte(CLOSE_BRACE);
      }
      return;
    case "boolean":
      w.bytes(value ? TRUE : FALSE);
      return;
    case "object":
      if (value === null) w.bytes(EMPTY);
      else if (value instanceof Uint8Array) {
        w.bytes(BYTES_OPEN);
        w.ascii(Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("base64"));
        w.bytes(QUOTE_CLOSE);
      } else if (Array.isArray(value)) {
        w.bytes(ARRAY_OPEN);
        for (let i = 0; i < value.length; i++) {
          if (i > 0) w.byte(COMMA);
          writeAnyValue(w, value[i]);
        }
        w.bytes(ARRAY_CLOSE);
      } else if (isShared(value)) writeShared(w, value);
      else writeKvlist(w, value as Record<string, unknown>);
      return;
    default:
      w.bytes(EMPTY);
  }
}

function writeKvlist(w: CanonicalWriter, value: Record<string, unknown>): void {
  w.bytes(KVLIST_OPEN);
  writeKeyValues(w, value);
  w.bytes(KVLIST_CLOSE);
}

const sharedBytes = new WeakMap<object, Uint8Array>();

/** A shared value never changes: its bytes are written once. */
function writeShared(w: CanonicalWriter, value: object): void {
  const known = sharedBytes.get(value);
  if (known !== undefined) return w.bytes(known);
  const start = w.n;
  writeKvlist(w, value as Record<string, unknown>);
  sharedBytes.set(value, w.copy(start));
}

const INT64_MIN = -(2 ** 63);
const INT64_END = 2 ** 63;

/** Whether a JS number travels as an OTLP intValue. */
export function isInt64(value: number): boolean {
  return Number.isInteger(value) && value >= INT64_MIN && value < INT64_END;
}

export function writeKeyValues(w: CanonicalWriter, values: Record<string, unknown>, skip?: (key: string) => boolean): void {
  const keys = sortedKeys(values);
  w.byte(0x5b);
  let first = true;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    if (skip !== undefined && skip(key)) continue;
    if (first) first = false;
    else w.byte(COMMA);
    writeEntry(w, key, values[key]);
  }
  w.byte(0x5d);
}

/**
 * The last two values written per key, with the bytes of their `{"key":…,"value":…}` once one
 * recurs. A wrapper's fixed attributes recur on every record, a call's ids and content on its span
 * and both its log records, and the seal's chain id alternates between the span and the log chain:
 * one comparison then replaces the escaping. Only primitives (objects can change), and strings up
 * to 64 K characters (what is kept stays small). An entry written once is never copied.
 */
interface Entry {
  value: unknown;
  bytes: Uint8Array | undefined;
  older: unknown;
  olderBytes: Uint8Array | undefined;
}

const lastEntries = new Map<string, Entry>();
const MAX_KEYS = 4096;

const LONGEST_KEPT = 65_536;

function writeEntry(w: CanonicalWriter, key: string, value: unknown): void {
  const type = typeof value;
  if ((type !== "string" && type !== "number" && type !== "boolean") || (type === "string" && (value as string).length > LONGEST_KEPT)) {
    return writeEntryFresh(w, key, value);
  }
  const entry = lastEntries.get(key);
  if (entry === undefined) {
    if (lastEntries.size >= MAX_KEYS) lastEntries.clear();
    lastEntries.set(key, { value, bytes: undefined, older: undefined, olderBytes: undefined });
    return writeEntryFresh(w, key, value);
  }
  if (entry.value === value) {
    if (entry.bytes !== undefined) return w.bytes(entry.bytes);
    const start = w.n;
    writeEntryFresh(w, key, value);
    entry.bytes = w.copy(start);
    return;
  }
  if (entry.older === value && entry.olderBytes !== undefined) return w.bytes(entry.olderBytes);
  const start = w.n;
  writeEntryFresh(w, key, value);
  if (entry.older === value) entry.olderBytes = w.copy(start);
  else {
    entry.older = entry.value;
    entry.olderBytes = entry.bytes;
    entry.value = value;
    entry.bytes = undefined;
  }
}

function writeEntryFresh(w: CanonicalWriter, key: string, value: unknown): void {
  w.bytes(keyPrefixBytes(key));
  writeAnyValue(w, value);
  w.byte(CLOSE_BRACE);
}

/** `{"key":…,"value":` per key: the same few dozen keys recur on every record. */
const prefixes = new Map<string, string>();

export function keyPrefix(key: string): string {
  let prefix = prefixes.get(key);
  if (prefix === undefined) {
    if (prefixes.size >= MAX_KEYS) prefixes.clear();
    prefix = `{"key":${jsonText(key)},"value":`;
    prefixes.set(key, prefix);
  }
  return prefix;
}

const prefixBytes = new Map<string, Uint8Array>();

export function keyPrefixBytes(key: string): Uint8Array {
  let prefix = prefixBytes.get(key);
  if (prefix === undefined) {
    if (prefixBytes.size >= MAX_KEYS) prefixBytes.clear();
    prefix = kept(Buffer.from(`{"key":${jsonText(key)},"value":`, "utf8"));
    prefixBytes.set(key, prefix);
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

/**
 * Puts list entries already written into `w` since `listStart` in a stable order by `names[i]`;
 * entry i spans `ends[2i]` to `ends[2i + 1]`, and entries are separated by commas.
 */
export function sortWrittenEntries(w: CanonicalWriter, listStart: number, names: readonly string[], ends: readonly number[]): void {
  const texts = names.map((name, i) => ({ name, bytes: new Uint8Array(w.buf.subarray(ends[2 * i]!, ends[2 * i + 1]!)) }));
  texts.sort((a, b) => compareUtf16(a.name, b.name)); // stable
  w.n = listStart;
  texts.forEach((t, i) => {
    if (i > 0) w.byte(0x2c);
    w.bytes(t.bytes);
  });
}
