import type { Captured } from "../capture/content.js";
import { captureValue } from "../capture/content.js";
import type { ContentPolicy } from "../capture/policy.js";
import { SCRUB_WINDOW } from "../capture/policy.js";

const MAX_CHUNKS = 64;

/**
 * The bounded aggregate of a streamed result: text chunks are concatenated up to the preview
 * length, other chunks are kept up to 64 (then a `[+N more]` marker). Only counts are kept when
 * content is not captured. Redacted and hashed text is kept a window longer than the cap, so a
 * secret straddling the cap is still recognised whole; a digest covers that much of the text.
 */
export class StreamAggregate {
  count = 0;
  private text = "";
  private textLength = 0;
  private textOnly = true;
  private readonly chunks: unknown[] = [];
  private readonly textLimit: number;

  constructor(
    private readonly keep: boolean,
    private readonly limit: number,
    private readonly policy?: ContentPolicy,
  ) {
    this.textLimit = policy === undefined ? limit : limit + SCRUB_WINDOW;
  }

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
    if (this.text.length <= this.textLimit) this.text += value;
  }

  /** The aggregate as a value: the text, or the kept chunks. */
  value(): unknown {
    return this.textOnly && this.count > 0 ? this.boundedText() : this.chunks;
  }

  captured(errorStack: boolean): Captured {
    const policy = this.policy;
    const isText = this.textOnly && this.count > 0;
    if (policy?.mode === "summary") {
      const summary = isText ? `string(${this.textLength})` : `array(${this.count})`;
      return { text: summary, isJson: false, preview: summary };
    }
    if (isText) {
      const text = policy?.mode === "hash" ? policy.digest(JSON.stringify(this.text)) : this.boundedText();
      return { text, isJson: false, preview: text };
    }
    const captured = captureValue(this.chunks, this.limit, errorStack, policy);
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
    const text = this.policy?.mode === "redacted" ? this.policy.scrubber.scrub(this.text) : this.text;
    // Scrubbing changes lengths: what was left out is counted against the scrubbed text.
    const total = text.length + this.textLength - this.text.length;
    if (total <= this.limit) return text;
    let cut = this.limit;
    const code = text.charCodeAt(cut - 1);
    if (code >= 0xd800 && code <= 0xdbff) cut--;
    return `${text.slice(0, cut)}…[+${total - cut} chars]`;
  }
}
