import type { ProtoWriter } from "./proto-writer.js";

// Tags (field number << 3 | wire type) of common.proto's AnyValue, KeyValue and ArrayValue.
const STRING = 0x0a;
const BOOL = 0x10;
const INT = 0x18;
const DOUBLE = 0x21;
const ARRAY = 0x2a;
const KVLIST = 0x32;
const BYTES = 0x3a;
const KEY = 0x0a;
const VALUE = 0x12;
const ITEM = 0x0a;

const INT64_MIN = -(2 ** 63);
const INT64_END = 2 ** 63;

/** Attributes as repeated KeyValue under `tag`: own enumerable keys, the order of OTel's for-in with hasOwnProperty. */
export function writeAttributes(w: ProtoWriter, attributes: object, tag: number): void {
  const record = attributes as Record<string, unknown>;
  const keys = Object.keys(record);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    w.byte(tag);
    writeKeyValue(w, key, record[key]);
  }
}

/** A length-prefixed KeyValue message. */
function writeKeyValue(w: ProtoWriter, key: string, value: unknown): void {
  const at = w.startLength();
  w.byte(KEY);
  w.string(key);
  w.byte(VALUE);
  const valueAt = w.startLength();
  writeAnyValue(w, value);
  w.finishLength(valueAt);
  w.finishLength(at);
}

/** The fields of an AnyValue (without its own length); types OTLP has no place for write nothing. */
export function writeAnyValue(w: ProtoWriter, value: unknown): void {
  switch (typeof value) {
    case "string":
      w.byte(STRING);
      w.string(value);
      return;
    case "boolean":
      w.byte(BOOL);
      w.byte(value ? 1 : 0);
      return;
    case "number":
      if (Number.isInteger(value) && value >= INT64_MIN && value < INT64_END) {
        w.byte(INT);
        w.varint(value);
      } else {
        w.byte(DOUBLE);
        w.double(value);
      }
      return;
    case "object":
      if (value === null) return;
      if (value instanceof Uint8Array) {
        w.byte(BYTES);
        w.bytes(value);
      } else if (Array.isArray(value)) {
        writeArray(w, value);
      } else {
        writeKvList(w, value as Record<string, unknown>);
      }
      return;
    default:
      return;
  }
}

function writeArray(w: ProtoWriter, values: unknown[]): void {
  w.byte(ARRAY);
  const at = w.startLength();
  for (const item of values) {
    w.byte(ITEM);
    const itemAt = w.startLength();
    writeAnyValue(w, item);
    w.finishLength(itemAt);
  }
  w.finishLength(at);
}

function writeKvList(w: ProtoWriter, record: Record<string, unknown>): void {
  w.byte(KVLIST);
  const at = w.startLength();
  writeAttributes(w, record, ITEM);
  w.finishLength(at);
}
