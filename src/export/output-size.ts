import { ProtoWriter } from "./proto-writer.js";

const SMALLEST = 1024;

/**
 * Sizes each export's buffer from the previous export's size, so there is no size-estimation
 * pass and, in steady state, no growing either. Every export gets a fresh buffer: the HTTP layer
 * holds the bytes until they are sent (or retried), so a buffer handed out is never written again.
 */
export class OutputSize {
  private last = SMALLEST;

  writer(): ProtoWriter {
    return new ProtoWriter(Math.max(SMALLEST, this.last + (this.last >>> 3)));
  }

  /** The bytes written, as a view when the buffer is nearly full, else as a right-sized copy. */
  finish(w: ProtoWriter): Uint8Array {
    const used = w.pos;
    this.last = used;
    const view = w.view();
    return w.buf.length - used > (used >>> 2) + SMALLEST ? Uint8Array.prototype.slice.call(view) : view;
  }
}
