/**
 * Canonical scalars, ids and AnyValues from OTLP JSON as the different writers spell it: the JS
 * SDK (intValue as a number, ids hex), the Collector's file exporter and Jaeger's /api/v3 (int64 as
 * strings), the protobuf JSON mapping in general (snake_case names, ids and bytes in base64, enum
 * names, NaN and Infinity as strings). Each function gives the text canonical-sdk.ts gives for the
 * same value before it left the process.
 */
import { compareUtf16, isInt64, keyPrefixBytes } from "./canonical-values.js";
import { doubleText, intText, wellFormed } from "./canonical-text.js";
import { CanonicalWriter } from "./canonical-bytes.js";
import { LONG_STRING, stringDigest } from "./string-digest.js";
import { ARRAY_CLOSE, ARRAY_OPEN, BYTES_OPEN, CLOSE_BRACE, COMMA, DIGEST_OPEN, DOUBLE_OPEN, EMPTY, FALSE, INT_OPEN, KVLIST_CLOSE, KVLIST_OPEN, QUOTE_CLOSE, STRING_OPEN, TRUE } from "./canonical-literals.js";

export type Json = Record<string, unknown>;

/** A record that cannot be read as OTLP (a type no writer produces): reported, never thrown past verify. */
export class MalformedRecord extends Error {
  override readonly name = "MalformedRecord";
}

/** `object[camel]`, or its snake_case spelling (both are valid protobuf JSON); null counts as absent. */
export function field(object: Json, camel: string, snake?: string): unknown {
  const value = object[camel];
  if (value !== undefined && value !== null) return value;
  if (snake === undefined) return undefined;
  const other = object[snake];
  return other === null ? undefined : other;
}

export function asObject(value: unknown): Json | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Json) : undefined;
}

export function asList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

export function stringOf(value: unknown, what: string): string {
  if (value === undefined) return "";
  if (typeof value !== "string") throw new MalformedRecord(`${what} is not a string`);
  return value;
}

const INT64 = /^[-+]?\d+$/;

/** int64 from a JSON string or number, as exact decimal text. */
export function int64Text(value: unknown, what: string): string {
  if (value === undefined) return "0";
  if (typeof value === "number" && Number.isInteger(value)) return intText(value);
  if (typeof value === "string" && INT64.test(value)) return BigInt(value).toString();
  throw new MalformedRecord(`${what} is not an integer`);
}

function doubleOf(value: unknown, what: string): string {
  if (value === null) return "null"; // the JS SDK's JSON writes NaN and Infinity as null
  if (typeof value === "number") return doubleText(value);
  if (typeof value === "string") {
    if (value === "NaN" || value === "Infinity" || value === "-Infinity") return "null";
    const number = Number(value);
    if (value.trim() !== "" && !Number.isNaN(number)) return doubleText(number);
  }
  throw new MalformedRecord(`${what} is not a double`);
}

const HEX = /^[0-9a-fA-F]+$/;
const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;

/** Enum from a number or its protobuf name (`SPAN_KIND_SERVER`, `STATUS_CODE_ERROR`, …). */
export function enumOf(value: unknown, names: readonly string[], what: string): number {
  if (value === undefined) return 0;
  if (typeof value === "number" && Number.isInteger(value)) return value;
  if (typeof value === "string") {
    const index = names.indexOf(value);
    if (index >= 0) return index;
    if (INT64.test(value)) return Number(value);
  }
  throw new MalformedRecord(`${what} is not a known enum value`);
}

export const SPAN_KINDS = ["SPAN_KIND_UNSPECIFIED", "SPAN_KIND_INTERNAL", "SPAN_KIND_SERVER", "SPAN_KIND_CLIENT", "SPAN_KIND_PRODUCER", "SPAN_KIND_CONSUMER"] as const;
export const STATUS_CODES = ["STATUS_CODE_UNSET", "STATUS_CODE_OK", "STATUS_CODE_ERROR"] as const;
export const SEVERITY_NUMBERS: readonly string[] = [
  "SEVERITY_NUMBER_UNSPECIFIED",
  ...["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"].flatMap((level) => [level, `${level}2`, `${level}3`, `${level}4`].map((name) => `SEVERITY_NUMBER_${name}`)),
];

/** The writer verification uses (records are read one at a time, synchronously). */
export const otlpWriter = new CanonicalWriter();
/** The writer of the texts below (never used while a record is being written into otlpWriter). */
const textWriter = new CanonicalWriter();

/** An OTLP JSON AnyValue as canonical text of form v1 or v2 (`v2`: long strings by their digest); absent or empty is `{}`. */
export function otlpAnyValueText(value: unknown, v2 = false): string {
  const w = textWriter;
  const start = w.n;
  writeAnyValue(w, value, v2);
  const text = w.text(start);
  w.n = start;
  return text;
}

/** A KeyValue list as canonical text: sorted by key, stably (a duplicated key keeps both entries). */
export function otlpKeyValuesText(list: readonly unknown[], visit?: (key: string, value: unknown) => boolean, v2 = false): string {
  const w = textWriter;
  const start = w.n;
  writeKeyValues(w, list, visit, v2);
  const text = w.text(start);
  w.n = start;
  return text;
}


/**
 * Writers of canonical text as UTF-8 bytes into `w` (canonical-bytes.ts): literals and key
 * prefixes are copied in from bytes kept of them, the parsed strings are written once, and the
 * record's text is hashed from the buffer without ever becoming a string.
 */
export function writeAnyValue(w: CanonicalWriter, value: unknown, v2: boolean): void {
  const v = asObject(value);
  if (v === undefined) {
    w.bytes(EMPTY);
    return;
  }
  let x: unknown;
  if ((x = field(v, "stringValue", "string_value")) !== undefined) {
    const text = stringOf(x, "stringValue");
    if (v2 && text.length >= LONG_STRING) {
      w.bytes(DIGEST_OPEN);
      w.ascii(stringDigest(text));
      w.bytes(QUOTE_CLOSE);
    } else {
      w.bytes(STRING_OPEN);
      w.json(text);
      w.byte(CLOSE_BRACE);
    }
    return;
  }
  if ((x = field(v, "boolValue", "bool_value")) !== undefined) {
    if (typeof x !== "boolean") throw new MalformedRecord("boolValue is not a boolean");
    w.bytes(x ? TRUE : FALSE);
    return;
  }
  if ((x = field(v, "intValue", "int_value")) !== undefined) {
    // The JS SDK's JSON writes integers beyond int64 as intValue numbers; on the protobuf wire they are doubles.
    if (typeof x === "number" && Number.isInteger(x) && !isInt64(x)) {
      w.bytes(DOUBLE_OPEN);
      w.ascii(doubleText(x));
      w.byte(CLOSE_BRACE);
    } else {
      const text = int64Text(x, "intValue");
      w.bytes(INT_OPEN);
      w.ascii(text);
      w.bytes(QUOTE_CLOSE);
    }
    return;
  }
  if ("doubleValue" in v || "double_value" in v) {
    const text = doubleOf(v.doubleValue ?? v.double_value ?? null, "doubleValue");
    w.bytes(DOUBLE_OPEN);
    w.ascii(text);
    w.byte(CLOSE_BRACE);
    return;
  }
  if ((x = field(v, "bytesValue", "bytes_value")) !== undefined) {
    const text = Buffer.from(stringOf(x, "bytesValue"), "base64").toString("base64");
    w.bytes(BYTES_OPEN);
    w.ascii(text);
    w.bytes(QUOTE_CLOSE);
    return;
  }
  if ((x = field(v, "arrayValue", "array_value")) !== undefined) {
    const values = asList(asObject(x)?.values);
    w.bytes(ARRAY_OPEN);
    for (let i = 0; i < values.length; i++) {
      if (i > 0) w.byte(COMMA);
      writeAnyValue(w, values[i], v2);
    }
    w.bytes(ARRAY_CLOSE);
    return;
  }
  if ((x = field(v, "kvlistValue", "kvlist_value")) !== undefined) {
    w.bytes(KVLIST_OPEN);
    writeKeyValues(w, asList(asObject(x)?.values), undefined, v2);
    w.bytes(KVLIST_CLOSE);
    return;
  }
  w.bytes(EMPTY);
}

/**
 * Scratch lists per nesting depth of kvlists, reused from record to record: reading the file
 * sink's output is bound by the garbage collector, and these were most of what a record allocated.
 */
const scratch: { keys: string[]; prefixes: Uint8Array[]; values: unknown[]; order: number[] }[] = [];
let depth = 0;

/** An attribute key as it reads (lone surrogates as U+FFFD), with the bytes of its `{"key":…,"value":`. */
interface KeyInfo {
  key: string;
  prefix: Uint8Array;
}
const keyInfos = new Map<string, KeyInfo>();
const MAX_KEYS = 4096;

function keyOf(raw: string): KeyInfo {
  let info = keyInfos.get(raw);
  if (info === undefined) {
    const key = wellFormed(raw);
    info = { key, prefix: keyPrefixBytes(key) };
    if (keyInfos.size >= MAX_KEYS) keyInfos.clear();
    keyInfos.set(raw, info);
  }
  return info;
}

/** A KeyValue list, sorted by key, stably (a duplicated key keeps both entries); `visit` false leaves an entry out. */
export function writeKeyValues(w: CanonicalWriter, list: readonly unknown[], visit: ((key: string, value: unknown) => boolean) | undefined, v2: boolean): void {
  const lists = (scratch[depth] ??= { keys: [], prefixes: [], values: [], order: [] });
  depth++;
  try {
    const { keys, prefixes, values, order } = lists;
    let n = 0;
    for (let i = 0; i < list.length; i++) {
      const kv = asObject(list[i]);
      if (kv === undefined) throw new MalformedRecord("an attribute is not a key/value object");
      const info = keyOf(stringOf(kv.key, "attribute key"));
      const key = info.key;
      if (visit !== undefined && !visit(key, kv.value)) continue;
      keys[n] = key;
      prefixes[n] = info.prefix;
      values[n] = kv.value;
      // Insertion sort (stable) as the entries come: lists are short, and often sorted already.
      let at = n;
      while (at > 0 && compareUtf16(keys[order[at - 1]!]!, key) > 0) {
        order[at] = order[at - 1]!;
        at--;
      }
      order[at] = n;
      n++;
    }
    w.byte(0x5b);
    for (let i = 0; i < n; i++) {
      if (i > 0) w.byte(COMMA);
      const at = order[i]!;
      w.bytes(prefixes[at]!);
      writeAnyValue(w, values[at], v2);
      w.byte(CLOSE_BRACE);
    }
    w.byte(0x5d);
    for (let i = 0; i < n; i++) values[i] = undefined;
  } finally {
    depth--;
  }
}

/**
 * A trace or span id (`bytes` long) written into `w` as canonical text. Hex and base64 (the protobuf
 * JSON mapping of bytes) cannot be confused: 16 bytes are 32 hex digits or 24 base64 characters, 8 are 16 or 12.
 */
export function writeIdOf(w: CanonicalWriter, value: unknown, bytes: number, what: string): void {
  if (value === undefined || value === "") {
    w.byte(0x22);
    w.byte(0x22);
    return;
  }
  if (typeof value !== "string") throw new MalformedRecord(`${what} is not a string`);
  if (value.length === bytes * 2 && HEX.test(value)) {
    w.byte(0x22);
    w.ascii(LOWER_HEX.test(value) ? value : value.toLowerCase());
    w.byte(0x22);
    return;
  }
  if (BASE64.test(value)) {
    const decoded = Buffer.from(value, "base64");
    if (decoded.length === bytes) {
      w.byte(0x22);
      w.ascii(decoded.toString("hex"));
      w.byte(0x22);
      return;
    }
  }
  w.json(value.toLowerCase());
}

const LOWER_HEX = /^[0-9a-f]+$/;
