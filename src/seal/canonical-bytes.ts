/**
 * The canonical text's UTF-8 bytes, written straight into one reusable buffer and hashed from
 * there. Building the text as a JavaScript string made a tree of hundreds of pieces that hashing
 * then had to flatten and encode, which cost more than the hash itself; bytes written once cost
 * one pass, and a part that recurs (an entry, a shared envelope part, the resource) is copied in
 * from the bytes kept of it.
 */
import { wellFormed } from "./canonical-text.js";

/** Structural JSON text as bytes (ASCII only). */
export function ascii(text: string): Uint8Array {
  return kept(Buffer.from(text, "latin1"));
}

/**
 * Bytes kept for reuse live in slabs: one small typed array each would be an ArrayBuffer of its
 * own, slow to allocate and to collect. They are plain Uint8Arrays (never Buffers), so that the
 * copy into the writer sees one kind of source.
 */
const SLAB = 256 * 1024;
let slab = new Uint8Array(SLAB);
let slabUsed = 0;

/** A copy of `bytes` to keep. */
export function kept(bytes: Uint8Array): Uint8Array {
  const len = bytes.length;
  if (len > SLAB / 16) return new Uint8Array(bytes);
  if (slabUsed + len > SLAB) {
    slab = new Uint8Array(SLAB);
    slabUsed = 0;
  }
  slab.set(bytes, slabUsed);
  const out = slab.subarray(slabUsed, slabUsed + len);
  slabUsed += len;
  return out;
}

/** Characters written as themselves between quotes: printable ASCII other than `"` and `\`. */
const NOT_PLAIN = /[^\x20\x21\x23-\x5b\x5d-\x7e]/;
/** Characters JSON must escape, and surrogates (which may be lone). */
const NEEDS_CARE = /["\\\u0000-\u001f\ud800-\udfff]/;
/** Below this many characters a JavaScript loop writes a string faster than a native call does. */
const SHORT = 48;

export class CanonicalWriter {
  buf: Buffer = Buffer.allocUnsafe(16 * 1024);
  n = 0;

  private grow(extra: number): void {
    let size = this.buf.length * 2;
    while (size < this.n + extra) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.n);
    this.buf = next;
  }

  byte(b: number): void {
    if (this.n >= this.buf.length) this.grow(1);
    this.buf[this.n++] = b;
  }

  bytes(b: Uint8Array): void {
    const len = b.length;
    if (this.n + len > this.buf.length) this.grow(len);
    if (len >= SHORT) {
      this.buf.set(b, this.n);
      this.n += len;
      return;
    }
    // Literals and key prefixes are short: a loop copies them faster than a native call does.
    const buf = this.buf;
    let o = this.n;
    for (let i = 0; i < len; i++) buf[o++] = b[i]!;
    this.n = o;
  }

  /** Text known to be ASCII (digits, hex, base64). */
  ascii(text: string): void {
    const len = text.length;
    if (this.n + len > this.buf.length) this.grow(len);
    if (len >= SHORT) {
      this.n += this.buf.write(text, this.n, len, "latin1");
      return;
    }
    const buf = this.buf;
    let o = this.n;
    for (let i = 0; i < len; i++) buf[o++] = text.charCodeAt(i);
    this.n = o;
  }

  /** A string as RFC 8785 JSON, lone surrogates as U+FFFD (what they become in UTF-8 on the wire). */
  json(value: string): void {
    const len = value.length;
    if (this.n + len + 2 > this.buf.length) this.grow(len + 2);
    const buf = this.buf;
    if (len >= SHORT) {
      if (NOT_PLAIN.test(value)) return this.jsonCareful(value);
      buf[this.n++] = 0x22;
      this.n += buf.write(value, this.n, len, "latin1");
      buf[this.n++] = 0x22;
      return;
    }
    let o = this.n;
    buf[o++] = 0x22;
    for (let i = 0; i < len; i++) {
      const c = value.charCodeAt(i);
      if (c < 0x20 || c === 0x22 || c === 0x5c || c > 0x7e) return this.jsonCareful(value);
      buf[o++] = c;
    }
    buf[o++] = 0x22;
    this.n = o;
  }

  private jsonCareful(value: string): void {
    const text = NEEDS_CARE.test(value) ? JSON.stringify(wellFormed(value)) : `"${value}"`;
    const most = text.length * 3;
    if (this.n + most > this.buf.length) this.grow(most);
    this.n += this.buf.write(text, this.n, "utf8");
  }

  /** A copy of what was written since `start`, to be written again with bytes(). */
  copy(start: number): Uint8Array {
    return kept(this.buf.subarray(start, this.n));
  }

  /** The text written since `start`. */
  text(start = 0): string {
    return this.buf.toString("utf8", start, this.n);
  }

  /** A view of what was written since `start`: valid until the writer is used again. */
  view(start = 0): Uint8Array {
    return this.buf.subarray(start, this.n);
  }
}

/** The one writer sealing uses (records are sealed one at a time, synchronously). */
export const writer = new CanonicalWriter();
