import type { ContentPolicy } from "../capture/policy.js";
import { captureValue, renderText } from "../capture/content.js";

/** Span message strings are kept up to this many UTF-16 units by default (`llmStringLength`). */
export const DEFAULT_LLM_STRING_LENGTH = 8192;

/**
 * How an LLM call's content is written, per the capture mode: `content` false (mode none) writes
 * no message text, tool arguments, tool results or tool schemas at all; otherwise every string
 * goes through text() (scrubbed in redacted, a digest in hash, a length in summary, capped at
 * `max`), and JSON values (tool arguments, schemas) through json().
 */
export class LlmContentRules {
  readonly content: boolean;

  constructor(
    mode: string,
    private readonly max: number,
    private readonly policy: ContentPolicy | undefined,
    private readonly errorStack: boolean,
  ) {
    this.content = mode !== "none";
  }

  text(s: string): string {
    return renderText(s, this.max, this.policy);
  }

  /** A JSON value as JSON text, each of its strings rendered as text() would (sensitive keys redacted). */
  json(value: unknown): string {
    return captureValue(value, this.max, this.errorStack, this.policy).text;
  }

  /** JSON text the model or the user wrote (tool-call arguments): parsed, rendered, rewritten; text() if it is not JSON. */
  jsonText(s: string): string {
    if (this.policy === undefined) return renderText(s, this.max, undefined);
    let parsed: unknown;
    try {
      parsed = JSON.parse(s);
    } catch {
      return this.text(s);
    }
    return this.json(parsed);
  }
}
