import type { Context } from "@opentelemetry/api";
import { TraceFlags } from "@opentelemetry/api";
import type { Resource } from "@opentelemetry/resources";
import type { ReadableSpan, Span, SpanProcessor } from "@opentelemetry/sdk-trace-base";
import { reportOnce } from "../runtime/report.js";
import { canonicalSpan } from "../seal/canonical-sdk.js";
import { CheckpointSpan } from "../seal/checkpoint-records.js";
import type { SealOptions } from "../seal/options.js";
import { Sealer } from "../seal/sealer.js";
import { flushSealed, shutdownSealed } from "./seal-lifecycle.js";

export interface SealSpanProcessorOptions extends SealOptions {
  /**
   * The processors that receive the sealed spans and the checkpoints, in order: usually one
   * BatchSpanProcessor per exporter. The seal processor flushes and shuts them down after its
   * own final checkpoint, so that checkpoint is exported before they stop.
   */
  next: SpanProcessor[];
}

/**
 * Seals every sampled span into this processor's hash chain when it ends (onEnding, where the span
 * is still writable and every earlier processor has had its say), then hands it to `next`.
 * Put it after any processor that rewrites spans: a change after sealing reads as tampering.
 *
 * ```ts
 * new NodeSDK({ spanProcessors: [redaction, new SealSpanProcessor({ next: [new BatchSpanProcessor(exporter)] })] })
 * ```
 */
export class SealSpanProcessor implements SpanProcessor {
  private readonly next: SpanProcessor[];
  private readonly sealer: Sealer;
  private resource: Resource | undefined;

  /** Throws SealKeyError when the configured key cannot sign. */
  constructor(options: SealSpanProcessorOptions) {
    this.next = [...options.next];
    this.sealer = new Sealer(options, (final) => this.emitCheckpoint(final));
  }

  /** The id of this processor's chain (random per processor, so per process start). */
  get chainId(): string {
    return this.sealer.chain.id;
  }

  onStart(span: Span, parentContext: Context): void {
    if (this.sealer.isClosed) return;
    for (const processor of this.next) {
      try {
        processor.onStart(span, parentContext);
      } catch (error) {
        reportOnce("seal: a wrapped span processor failed in onStart", error);
      }
    }
  }

  onEnding(span: Span): void {
    // After the final checkpoint nothing more belongs to the chain, nor reaches the exporters unsealed.
    if (this.sealer.isClosed) return;
    // Export processors drop unsampled spans: sealing one would leave a gap in the chain.
    if ((span.spanContext().traceFlags & TraceFlags.SAMPLED) !== 0) {
      try {
        if (this.sealer.seal(span.attributes as Record<string, unknown>, canonicalSpan, span)) this.resource = span.resource;
      } catch (error) {
        reportOnce("seal: a span could not be sealed", error);
      }
    }
    for (const processor of this.next) {
      try {
        processor.onEnding?.(span);
      } catch (error) {
        reportOnce("seal: a wrapped span processor failed in onEnding", error);
      }
    }
  }

  onEnd(span: ReadableSpan): void {
    if (this.sealer.isClosed) return;
    this.forwardEnd(span);
    if (this.sealer.checkpointDue) this.sealer.checkpoint(false);
  }

  forceFlush(): Promise<void> {
    return flushSealed(this.sealer, this.next);
  }

  shutdown(): Promise<void> {
    return shutdownSealed(this.sealer, this.next);
  }

  private emitCheckpoint(final: boolean): void {
    const span = new CheckpointSpan(this.sealer.chain.id, this.resource!);
    this.sealer.sealCheckpoint(span.attributes as Record<string, unknown>, canonicalSpan, span, final);
    this.forwardEnd(span);
  }

  private forwardEnd(span: ReadableSpan): void {
    for (const processor of this.next) {
      try {
        processor.onEnd(span);
      } catch (error) {
        reportOnce("seal: a wrapped span processor failed in onEnd", error);
      }
    }
  }
}
