import type { Captured } from "./capture/content.js";
import { captureValue } from "./capture/content.js";

const MAX_CHUNKS = 64;

/**
 * The bounded aggregate of a streamed result: text chunks are concatenated up to the preview
 * length, other chunks are kept up to 64 (then a `[+N more]` marker). Only counts are kept when
 * content is not captured.
 */
export class StreamAggregate {
  count = 0;
  private text = "";
  private textLength = 0;
  private textOnly = true;
  private readonly chunks: unknown[] = [];

  constructor(
    private readonly keep: boolean,
    private readonly limit: number,
  ) {}

  add(value: unknown): void {
    this.count++;
    if (!this.keep) return;
    if (this.chunks.length < MAX_CHUNKS) this.chunks.push(value);
    if (!this.textOnly) return;
    if (typeof value !== "string") {
      this.textOnly = false;
      return;
    }
    this.textLength += value.length;
    if (this.text.length <= this.limit) this.text += value;
  }

  /** The aggregate as a value: the text, or the kept chunks. */
  value(): unknown {
    return this.textOnly && this.count > 0 ? this.boundedText() : this.chunks;
  }

  captured(errorStack: boolean): Captured {
    if (this.textOnly && this.count > 0) {
      const text = this.boundedText();
      return { text, isJson: false, preview: text };
    }
    const captured = captureValue(this.chunks, this.limit, errorStack);
    const left = this.count - this.chunks.length;
    // Chunks beyond the first 64 are not kept: say how many, as snapshots do for long arrays.
    if (left <= 0 || !Array.isArray(captured.preview)) return captured;
    let items = captured.preview;
    let omitted = left;
    // The snapshot may have stopped early itself (output budget): fold its marker into ours.
    const cut = this.chunks.length - (items.length - 1);
    if (cut > 0 && items[items.length - 1] === `[+${cut} more]`) {
      items = items.slice(0, -1);
      omitted += cut;
    }
    const preview = [...items, `[+${omitted} more]`];
    return { text: JSON.stringify(preview), isJson: true, preview };
  }

  private boundedText(): string {
    if (this.textLength <= this.limit) return this.text;
    let cut = this.limit;
    const code = this.text.charCodeAt(cut - 1);
    if (code >= 0xd800 && code <= 0xdbff) cut--;
    return `${this.text.slice(0, cut)}…[+${this.textLength - cut} chars]`;
  }
}
