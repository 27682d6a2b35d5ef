/**
 * Form v2 represents a string AnyValue of at least LONG_STRING UTF-16 code units by its SHA-256
 * digest: `{"stringSha256":"<64 hex>"}` in place of `{"stringValue":"…"}`. No OTLP value type is
 * called stringSha256, so no real string, short or long, has the same canonical text.
 *
 * The digest of a string is computed once per process while it recurs (a call's prompt is on its
 * span and on its log records): a small cache keyed by the string, the last one checked first.
 */
import { sha256Hex } from "./chain.js";

export const LONG_STRING = 1024;

const MAX_ENTRIES = 256;
const MAX_CHARS = 16 * 1024 * 1024;

const digests = new Map<string, string>();
let cachedChars = 0;
let lastValue: string | undefined;
let lastDigest = "";

/** SHA-256 (lowercase hex) of the string's UTF-8 bytes, lone surrogates as U+FFFD (as on the wire). */
export function stringDigest(value: string): string {
  if (value === lastValue) return lastDigest;
  let digest = digests.get(value);
  if (digest === undefined) {
    digest = sha256Hex(value); // Node encodes lone surrogates as U+FFFD, as the protobuf wire does
    if (value.length <= MAX_CHARS) {
      if (digests.size >= MAX_ENTRIES || cachedChars + value.length > MAX_CHARS) {
        digests.clear();
        cachedChars = 0;
      }
      digests.set(value, digest);
      cachedChars += value.length;
    }
  }
  lastValue = value;
  lastDigest = digest;
  return digest;
}

/** The canonical AnyValue of a long string in form v2. */
export function digestText(value: string): string {
  return `{"stringSha256":"${stringDigest(value)}"}`;
}
