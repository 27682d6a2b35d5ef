/**
 * Canonical AnyValues and attribute lists from the SDK's JavaScript values, typed exactly as
 * @opentelemetry/otlp-transformer types them on the protobuf wire (writeAnyValue): a number is an
 * intValue when it is an integer within int64, else a doubleValue; a Uint8Array is bytes; an array
 * is an arrayValue; another non-null object is a kvlistValue of its own enumerable keys; anything
 * else is empty. (Its JSON path differs only for integers beyond int64, which it writes as intValue
 * numbers; the verifier reads those back as doubles.)
 */
import { doubleText, intText, jsonText, wellFormed } from "./canonical-text.js";

export function anyValueText(value: unknown): string {
  switch (typeof value) {
    case "string":
      return `{"stringValue":${jsonText(value)}}`;
    case "number":
      return isInt64(value) ? `{"intValue":"${intText(value)}"}` : `{"doubleValue":${doubleText(value)}}`;
    case "boolean":
      return value ? '{"boolValue":true}' : '{"boolValue":false}';
    case "object":
      if (value === null) return "{}";
      if (value instanceof Uint8Array) return `{"bytesValue":"${Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("base64")}"}`;
      if (Array.isArray(value)) return `{"arrayValue":{"values":[${value.map(anyValueText).join(",")}]}}`;
      return `{"kvlistValue":{"values":${keyValuesText(value as Record<string, unknown>)}}}`;
    default:
      return "{}";
  }
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
  const keys = Object.keys(values);
  let out = "[";
  for (const key of sortedKeys(keys)) {
    if (skip !== undefined && skip(key)) continue;
    if (out.length > 1) out += ",";
    out += `{"key":${jsonText(key)},"value":${anyValueText(values[key])}}`;
  }
  return `${out}]`;
}

function sortedKeys(keys: string[]): string[] {
  // Keys are sorted as they read back after a UTF-8 hop (lone surrogates as U+FFFD).
  for (const key of keys) {
    if (wellFormed(key) !== key) return [...keys].sort((a, b) => compareUtf16(wellFormed(a), wellFormed(b)));
  }
  return keys.sort();
}

export function compareUtf16(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
