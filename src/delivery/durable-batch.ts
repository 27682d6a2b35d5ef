import type { Context } from "@opentelemetry/api";
import { TraceFlags } from "@opentelemetry/api";
import type { LogRecordProcessor, ReadableLogRecord, ReadWriteLogRecord } from "@opentelemetry/sdk-logs";
import type { ReadableSpan, Span, SpanProcessor } from "@opentelemetry/sdk-trace";
import { onProcessExit } from "../runtime/exit-hooks.js";
import type { ExitWork } from "../runtime/exit-hooks.js";
import { reportOnce } from "../runtime/report.js";
import type { DurableDelivery } from "./durable-delivery.js";

export interface BatchSettings {
  /** Longest a record waits before its batch is serialised (default: OpenTelemetry's, 5 s for spans, 1 s for logs). */
  scheduledDelayMillis?: number;
  /** Records per export request (default 512). */
  maxExportBatchSize?: number;
}

/**
 * The batch stage of a durable path: records wait here at most `scheduledDelayMillis`, then each
 * batch is serialised once into an OTLP request and handed to the delivery, which sends or spools
 * it. Unlike OpenTelemetry's batch processors there is no queue to overflow (the delivery bounds
 * memory by spooling) and the buffer is reachable at process exit.
 */
class DurableBatch<T> {
  private buffer: T[] = [];
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly delayMs: number;
  private readonly batchSize: number;
  private readonly unhook: () => void;

  constructor(
    private readonly delivery: DurableDelivery,
    private readonly serialize: (items: T[]) => Uint8Array | undefined,
    settings: BatchSettings,
    defaultDelayMs: number,
  ) {
    this.delayMs = settings.scheduledDelayMillis ?? defaultDelayMs;
    this.batchSize = Math.max(1, settings.maxExportBatchSize ?? 512);
    // The exit registry holds these weakly; this batch holds them for as long as it lives.
    this.exitWork = [{ atExit: () => this.hand() }, { atExit: () => this.exit() }];
    const offDrain = onProcessExit("drain", this.exitWork[0]);
    const offSpill = onProcessExit("spill", this.exitWork[1]);
    this.unhook = () => {
      offDrain();
      offSpill();
    };
  }

  private readonly exitWork: readonly [ExitWork, ExitWork];

  add(item: T): void {
    if (this.stopped) return this.delivery.late(1);
    this.buffer.push(item);
    if (this.buffer.length >= this.batchSize) this.hand();
    else if (this.timer === undefined) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.hand();
      }, this.delayMs);
      this.timer.unref();
    }
  }

  forceFlush(): Promise<void> {
    this.hand();
    return this.delivery.flush();
  }

  async shutdown(): Promise<void> {
    if (this.stopped) return;
    this.hand();
    this.stopped = true;
    this.unhook();
    await this.delivery.shutdown();
  }

  /** Serialises what is buffered, a batch at a time, into requests for the delivery. */
  private hand(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    while (this.buffer.length > 0) {
      const items = this.buffer.length <= this.batchSize ? this.buffer : this.buffer.slice(0, this.batchSize);
      this.buffer = items === this.buffer ? [] : this.buffer.slice(this.batchSize);
      let bytes: Uint8Array | undefined;
      try {
        bytes = this.serialize(items);
      } catch (error) {
        reportOnce("a batch could not be serialised for export", error);
      }
      if (bytes === undefined) this.delivery.stats.drop("serialize", items.length);
      else this.delivery.enqueue({ bytes, count: items.length });
    }
  }

  private exit(): void {
    this.hand();
    this.delivery.spillSync();
  }
}

/** Sampled spans, batched into OTLP requests for a durable delivery. */
export class DurableSpanProcessor implements SpanProcessor {
  private readonly batch: DurableBatch<ReadableSpan>;

  constructor(delivery: DurableDelivery, serialize: (spans: ReadableSpan[]) => Uint8Array | undefined, settings: BatchSettings = {}) {
    this.batch = new DurableBatch(delivery, serialize, settings, 5000);
  }

  onStart(_span: Span, _context: Context): void {}

  onEnd(span: ReadableSpan): void {
    if ((span.spanContext().traceFlags & TraceFlags.SAMPLED) !== 0) this.batch.add(span);
  }

  forceFlush(): Promise<void> {
    return this.batch.forceFlush();
  }

  shutdown(): Promise<void> {
    return this.batch.shutdown();
  }
}

/** Log records, batched into OTLP requests for a durable delivery. */
export class DurableLogProcessor implements LogRecordProcessor {
  private readonly batch: DurableBatch<ReadableLogRecord>;

  constructor(delivery: DurableDelivery, serialize: (records: ReadableLogRecord[]) => Uint8Array | undefined, settings: BatchSettings = {}) {
    this.batch = new DurableBatch(delivery, serialize, settings, 1000);
  }

  onEmit(record: ReadWriteLogRecord): void {
    this.batch.add(record);
  }

  forceFlush(): Promise<void> {
    return this.batch.forceFlush();
  }

  shutdown(): Promise<void> {
    return this.batch.shutdown();
  }
}
