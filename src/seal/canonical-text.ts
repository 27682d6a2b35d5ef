/**
 * The scalar pieces of the canonical form (docs/canonical-form.md), written straight as RFC 8785
 * JSON text so that sealing never builds an object only to serialize it.
 */

interface WellFormedString {
  isWellFormed(): boolean;
  toWellFormed(): string;
}

/**
 * A string as RFC 8785 JSON. Lone surrogates become U+FFFD first: that is what they become in
 * UTF-8 on the protobuf wire, so a record reads back the same from every transport.
 */
export function jsonText(value: string): string {
  // Most strings need no escaping and no repair: quoting them directly is several times faster.
  return NEEDS_CARE.test(value) ? JSON.stringify(wellFormed(value)) : `"${value}"`;
}

/** Characters JSON must escape, and surrogates (which may be lone). */
const NEEDS_CARE = /["\\\u0000-\u001f\ud800-\udfff]/;

/** `value` with lone surrogates replaced by U+FFFD (the same string when there are none). */
export function wellFormed(value: string): string {
  const text = value as unknown as WellFormedString;
  return text.isWellFormed() ? value : text.toWellFormed();
}

/** An int64 as a decimal string, exact beyond 2^53 (String(1e21) would give "1e+21"). */
export function intText(value: number): string {
  return Number.isSafeInteger(value) ? String(value) : BigInt(value).toString();
}

/** A double as a JSON number; NaN and ±Infinity have no portable OTLP/JSON form and become null. */
export function doubleText(value: number): string {
  return Number.isFinite(value) ? JSON.stringify(value) : "null";
}

const NANOS_PER_SECOND = 1_000_000_000n;

/** HrTime [seconds, nanoseconds] as decimal nanoseconds, as the OTLP transformer computes it. */
export function hrTimeText(time: readonly [number, number]): string {
  const seconds = Math.trunc(time[0]);
  const nanos = Math.trunc(time[1]);
  if (seconds > 0 && nanos >= 0 && nanos < 1e9 && Number.isSafeInteger(seconds)) {
    const tail = String(nanos);
    return `${seconds}${"000000000".slice(tail.length)}${tail}`;
  }
  return (BigInt(seconds) * NANOS_PER_SECOND + BigInt(nanos)).toString();
}

/** Ids are lowercase hex in the canonical form ("" when absent). */
export function idText(id: string | undefined): string {
  return id ? jsonText(id.toLowerCase()) : '""';
}
