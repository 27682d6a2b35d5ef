/**
 * A forward protobuf writer over a Buffer that grows by doubling. Every encoding here mirrors
 * what @opentelemetry/otlp-transformer's ProtobufWriter emits for the same call, byte for byte,
 * including for odd inputs (NaN or undefined counts write 0, negatives write 10-byte varints).
 */

/** Below this many UTF-16 units a string is written by a JS loop (its length then fits one byte); longer ones go native. */
const SHORT_STRING = 16;

type Utf8Write = (this: Buffer, text: string, offset: number, length: number) => number;
/** Buffer's own UTF-8 writer, without write()'s argument parsing, which showed in profiles; write() where it is missing. */
const utf8Write: Utf8Write =
  (Buffer.prototype as unknown as { utf8Write?: Utf8Write }).utf8Write ??
  function (this: Buffer, text: string, offset: number, length: number): number {
    return this.write(text, offset, length, "utf8");
  };

export class ProtoWriter {
  buf: Buffer;
  pos = 0;

  constructor(capacity: number) {
    this.buf = Buffer.allocUnsafe(capacity);
  }

  ensure(bytes: number): void {
    if (this.pos + bytes > this.buf.length) this.grow(this.pos + bytes);
  }

  private grow(needed: number): void {
    let size = this.buf.length * 2 || 1024;
    while (size < needed) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  /** A tag or any other value known to fit in one byte. */
  byte(value: number): void {
    this.ensure(1);
    this.buf[this.pos++] = value;
  }

  varint(value: number): void {
    this.ensure(10);
    const buf = this.buf;
    if (value >= 0 && value <= 0xffffffff) {
      let v = value >>> 0;
      while (v > 0x7f) {
        buf[this.pos++] = (v & 0x7f) | 0x80;
        v >>>= 7;
      }
      buf[this.pos++] = v;
      return;
    }
    let low: number;
    let high: number;
    if (value >= 0) {
      low = value >>> 0;
      high = (value / 0x100000000) >>> 0;
    } else {
      // Two's complement of the magnitude; NaN lands here and comes out as 0.
      const magnitude = -value;
      low = ~(magnitude >>> 0) >>> 0;
      high = ~((magnitude / 0x100000000) >>> 0) >>> 0;
      low = (low + 1) >>> 0;
      if (low === 0) high = (high + 1) >>> 0;
    }
    while (high > 0 || low > 0x7f) {
      buf[this.pos++] = (low & 0x7f) | 0x80;
      low = ((low >>> 7) | (high << 25)) >>> 0;
      high >>>= 7;
    }
    buf[this.pos++] = low;
  }

  fixed32(value: number): void {
    this.ensure(4);
    const v = value >>> 0;
    const buf = this.buf;
    buf[this.pos++] = v;
    buf[this.pos++] = v >>> 8;
    buf[this.pos++] = v >>> 16;
    buf[this.pos++] = v >>> 24;
  }

  fixed64(low: number, high: number): void {
    this.fixed32(low);
    this.fixed32(high);
  }

  double(value: number): void {
    this.ensure(8);
    this.buf.writeDoubleLE(value, this.pos);
    this.pos += 8;
  }

  bytes(value: Uint8Array): void {
    const n = value.length;
    this.varint(n);
    this.ensure(n);
    this.buf.set(value, this.pos);
    this.pos += n;
  }

  /** A length-prefixed UTF-8 string; lone surrogates become U+FFFD, as with TextEncoder. */
  string(value: string): void {
    const n = value.length;
    if (n < SHORT_STRING) {
      this.ensure(n + 1);
      const buf = this.buf;
      const start = this.pos;
      let p = start + 1;
      for (let i = 0; i < n; i++) {
        const c = value.charCodeAt(i);
        if (c > 0x7f) return this.nativeString(value, n);
        buf[p++] = c;
      }
      buf[start] = n;
      this.pos = p;
      return;
    }
    this.nativeString(value, n);
  }

  /** UTF-8 takes at least one byte per UTF-16 unit and at most three, so reserve for the shortest prefix and shift if the text came out longer. */
  private nativeString(value: string, units: number): void {
    const reserved = varintSize(units);
    this.ensure(5 + units * 3);
    const at = this.pos + reserved;
    const written = utf8Write.call(this.buf, value, at, this.buf.length - at);
    const needed = varintSize(written);
    if (needed > reserved) this.buf.copyWithin(this.pos + needed, at, at + written);
    this.pos = this.lengthAt(this.pos, written) + written;
  }

  /** Hex text as raw bytes (length-prefixed), decoded like OTel's hexToBinary (an odd last digit is dropped), without an intermediate array. */
  hex(text: string): void {
    const n = text.length >>> 1;
    this.varint(n);
    this.ensure(n);
    const buf = this.buf;
    let p = this.pos;
    for (let i = 0; i < 2 * n; i += 2) {
      buf[p++] = (hexDigit(text.charCodeAt(i)) << 4) | hexDigit(text.charCodeAt(i + 1));
    }
    this.pos = p;
  }

  /** Reserves one byte for a length; pass the result to finishLength once the content is written. */
  startLength(): number {
    this.ensure(1);
    return this.pos++;
  }

  finishLength(at: number): void {
    const length = this.pos - at - 1;
    if (length < 0x80) {
      this.buf[at] = length;
      return;
    }
    const size = varintSize(length);
    this.ensure(size - 1);
    this.buf.copyWithin(at + size, at + 1, this.pos);
    this.pos += size - 1;
    this.lengthAt(at, length);
  }

  /** A length (< 2^32) as a varint at `at`, in room the caller has made; returns the position after it. */
  private lengthAt(at: number, length: number): number {
    const buf = this.buf;
    let v = length;
    while (v > 0x7f) {
      buf[at++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    buf[at++] = v;
    return at;
  }

  /** The bytes written so far, as a view of this writer's buffer. */
  view(): Buffer {
    return this.buf.subarray(0, this.pos);
  }
}

export function varintSize(value: number): number {
  if (value < 0x80) return 1;
  if (value < 0x4000) return 2;
  if (value < 0x200000) return 3;
  if (value < 0x10000000) return 4;
  return 5;
}

function hexDigit(code: number): number {
  if (code >= 48 && code <= 57) return code - 48;
  if (code >= 97 && code <= 102) return code - 87;
  return code - 55;
}
