import type { Attributes, Context } from "@opentelemetry/api";
import { TraceFlags } from "@opentelemetry/api";
import type { ReadableSpan, Span, SpanProcessor } from "@opentelemetry/sdk-trace";
import { settleAll } from "./in-order.js";
import { onProcessExit } from "../runtime/exit-hooks.js";
import { reportOnce } from "../runtime/report.js";
import { madeAfterClose } from "./after-close.js";
import { canonicalSpanBytes } from "../seal/canonical-sdk.js";
import { SpanCopy } from "./writable-span.js";
import type { SealOptions } from "../seal/options.js";
import { DEFAULT_HOLD_MS } from "../seal/options.js";
import { Sealer } from "../seal/sealer.js";

export interface SealSpanProcessorOptions extends SealOptions {
  /**
   * The processors that receive the sealed spans, in order: usually one BatchSpanProcessor per
   * exporter. The seal processor flushes and shuts them down after handing them its last span
   * (with the final checkpoint), so that span is exported before they stop.
   */
  next: SpanProcessor[];
}

/** The sealed span held back, and what it needs to carry a checkpoint. */
interface Held {
  span: ReadableSpan;
  hash: string;
  /** Its hashed checkpoint count: the ordinal of a checkpoint it carries. */
  ordinal: number;
  since: number;
  checkpoint?: Attributes;
}

/**
 * Seals every sampled span into this processor's hash chain when it ends (onEnding, where the span
 * is still writable and every earlier processor has had its say), then hands it to `next`.
 * Put it after any processor that rewrites spans: a change after sealing reads as tampering.
 *
 * Checkpoints travel on the sealed spans themselves, never as spans of their own: the processor
 * holds the most recently sealed span back and hands it on when the next one is sealed, or after
 * `holdMs`, on forceFlush() and at shutdown() — with a checkpoint attached when one is due (and
 * always, final, in the last three cases). Unsampled spans pass through unsealed at once.
 *
 * ```ts
 * new NodeSDK({ spanProcessors: [redaction, new SealSpanProcessor({ next: [new BatchSpanProcessor(exporter)] })] })
 * ```
 */
export class SealSpanProcessor implements SpanProcessor {
  private readonly next: SpanProcessor[];
  private readonly sealer: Sealer;
  private readonly holdMs: number;
  /** The span sealed in onEnding, until its onEnd. */
  private sealing: { span: ReadableSpan; hash: string; ordinal: number } | undefined;
  private held: Held | undefined;
  private holdTimer: NodeJS.Timeout | undefined;

  /** Throws SealKeyError when the configured key cannot sign. */
  constructor(options: SealSpanProcessorOptions) {
    this.next = [...options.next];
    this.sealer = new Sealer(options);
    this.holdMs = options.holdMs === undefined ? DEFAULT_HOLD_MS : Math.max(0, options.holdMs);
    this.offExit = onProcessExit("release", this);
  }

  private readonly offExit: () => void;

  /** At process exit the held span goes on with a final checkpoint, so a durable path can spool it. */
  atExit(): void {
    if (!this.sealer.isClosed) this.release();
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
        // A checkpoint due goes on the held span before this one is sealed, so that this one counts it.
        const held = this.held;
        if (held !== undefined && held.checkpoint === undefined && this.sealer.checkpointDue) held.checkpoint = this.sealer.attachment(held.hash, held.ordinal, false);
        const ordinal = this.sealer.checkpointsIssued;
        const hash = this.sealer.seal(span.attributes as Record<string, unknown>, canonicalSpanBytes, span);
        if (hash !== undefined) this.sealing = { span, hash, ordinal };
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
    if (this.sealer.isClosed) return madeAfterClose("spans");
    const sealed = this.sealing;
    if (sealed === undefined || sealed.span !== span) {
      this.forwardEnd(span); // unsampled, or not sealed: nothing to hold back for
      return;
    }
    this.sealing = undefined;
    const previous = this.held;
    this.held = { span, hash: sealed.hash, ordinal: sealed.ordinal, since: Date.now() };
    if (previous !== undefined) this.forwardHeld(previous);
    this.armHoldTimer();
  }

  async forceFlush(): Promise<void> {
    this.release();
    await settleAll("forceFlush", this.next);
  }

  async shutdown(): Promise<void> {
    this.offExit();
    if (!this.sealer.isClosed) {
      this.release();
      this.sealer.close();
      clearTimeout(this.holdTimer);
      this.holdTimer = undefined;
    }
    await settleAll("shutdown", this.next);
  }

  /** Hands the held span on with a final checkpoint: everything sealed so far is then on its way to export. */
  private release(): void {
    const held = this.held;
    if (held === undefined) return;
    this.held = undefined;
    try {
      held.checkpoint ??= this.sealer.attachment(held.hash, held.ordinal, true);
    } catch (error) {
      reportOnce("seal: checkpoint failed", error);
    }
    this.forwardHeld(held);
  }

  /** One timer while a span is held: it releases the span once it has waited holdMs (never keeps the process alive). */
  private armHoldTimer(): void {
    if (this.holdTimer !== undefined) return;
    const wait = this.held === undefined ? this.holdMs : Math.max(0, this.held.since + this.holdMs - Date.now());
    this.holdTimer = setTimeout(() => {
      this.holdTimer = undefined;
      const held = this.held;
      if (held === undefined || this.sealer.isClosed) return;
      if (Date.now() - held.since >= this.holdMs) this.release();
      else this.armHoldTimer();
    }, wait);
    this.holdTimer.unref();
  }

  private forwardHeld(held: Held): void {
    this.forwardEnd(held.checkpoint === undefined ? held.span : withCheckpoint(held.span, held.checkpoint));
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


/**
 * The sealed span as it is handed to export with a checkpoint attached: a field-by-field copy (same
 * resource and scope objects, which the OTLP serializers group by) whose attributes add the
 * checkpoint's. The ended SDK span itself is never changed.
 */
function withCheckpoint(span: ReadableSpan, checkpoint: Attributes): ReadableSpan {
  const carrier = new SpanCopy(span);
  Object.assign(carrier.attributes, checkpoint);
  return carrier;
}
