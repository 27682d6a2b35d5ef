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

/**
 * Pieces of canonical text, joined once. The list keeps its length from text to text (stale slots
 * are blanked, not cut off): truncating an array releases its storage, and regrowing it was most
 * of what reading a record allocated.
 */
export class Pieces {
  private readonly list: string[] = [];
  private n = 0;
  private high = 0;

  push(a: string, b?: string, c?: string, d?: string): void {
    const list = this.list;
    list[this.n++] = a;
    if (b === undefined) return;
    list[this.n++] = b;
    if (c === undefined) return;
    list[this.n++] = c;
    if (d !== undefined) list[this.n++] = d;
  }

  /** Forgets what was pushed. */
  clear(): void {
    this.n = 0;
  }

  /** The text pushed since the last clear() or take(); then empty again. */
  take(): string {
    const list = this.list;
    for (let i = this.n; i < this.high; i++) list[i] = "";
    if (this.n > this.high) this.high = this.n;
    this.n = 0;
    return list.join("");
  }
}

/** jsonText(value) appended to `parts`: the string itself between quotes when it needs no care. */
export function writeJson(parts: Pieces, value: string): void {
  if (NEEDS_CARE.test(value)) parts.push(JSON.stringify(wellFormed(value)));
  else parts.push('"', value, '"');
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
