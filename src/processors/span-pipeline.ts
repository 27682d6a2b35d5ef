import type { Context } from "@opentelemetry/api";
import type { ReadableSpan, Span, SpanProcessor } from "@opentelemetry/sdk-trace";
import type { WritableSpan } from "./writable-span.js";
import { SpanCopy } from "./writable-span.js";
import { inOrder } from "./in-order.js";
import { runtimeOf, state } from "../runtime/state.js";

/** Spans started inside a recording (agent-coat/testing), handed to its pipeline instead of this one. */
const diverted = new WeakMap<object, SpanProcessor>();
let divertedOpen = 0;

/** A processor that rewrites spans before anything exports them (capture, then seal). */
export interface SpanStage {
  /** Sees the span start, before any exporting processor does. */
  begin?(span: Span, parentContext: Context): void;
  /** Rewrites `span` in place; `original` is the SDK's span when `span` is a copy of it. */
  prepare(span: WritableSpan, original: object): void;
  forceFlush(): Promise<void>;
  shutdown(): Promise<void>;
}

/**
 * The rewriting stages, then the processors that export, as one processor. On sdk-trace-base
 * 2.3.0 and later the stages rewrite the span in onEnding; an older SDK never calls onEnding,
 * so the stages rewrite a copy in onEnd, the processors after them get onEnding on that copy,
 * and only the copy is exported.
 */
export class SpanPipeline implements SpanProcessor {
  /** The SDK calls onEnding (2.3.0 and later): then it does so for every span, before onEnd. */
  private sdkCallsOnEnding = false;

  constructor(
    private readonly stages: readonly SpanStage[],
    private readonly exporting: readonly SpanProcessor[],
  ) {}

  onStart(span: Span, parentContext: Context): void {
    if (state.recordings > 0) {
      const recording = runtimeOf(parentContext).pipelines?.spans;
      if (recording !== undefined && recording !== this) {
        diverted.set(span, recording);
        divertedOpen++;
        return recording.onStart(span, parentContext);
      }
    }
    for (const stage of this.stages) stage.begin?.(span, parentContext);
    for (const processor of this.exporting) processor.onStart(span, parentContext);
  }

  onEnding(span: Span): void {
    if (divertedOpen > 0) {
      const recording = diverted.get(span);
      if (recording !== undefined && recording !== this) return recording.onEnding?.(span);
    }
    this.sdkCallsOnEnding = true;
    for (const stage of this.stages) stage.prepare(span, span);
    for (const processor of this.exporting) processor.onEnding?.(span);
  }

  onEnd(span: ReadableSpan): void {
    if (divertedOpen > 0) {
      const recording = diverted.get(span);
      if (recording !== undefined && recording !== this) {
        diverted.delete(span);
        divertedOpen--;
        return recording.onEnd(span);
      }
    }
    let out: ReadableSpan = span;
    if (!this.sdkCallsOnEnding) {
      const copy = new SpanCopy(span);
      for (const stage of this.stages) stage.prepare(copy, span);
      // The processors after us get the onEnding the SDK never called, on the copy.
      for (const processor of this.exporting) processor.onEnding?.(copy as unknown as Span);
      out = copy;
    }
    for (const processor of this.exporting) processor.onEnd(out);
  }

  forceFlush(): Promise<void> {
    return inOrder("forceFlush", this.stages, this.exporting);
  }

  shutdown(): Promise<void> {
    return inOrder("shutdown", this.stages, this.exporting);
  }
}
