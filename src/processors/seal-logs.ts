import type { Context } from "@opentelemetry/api";
import { ROOT_CONTEXT } from "@opentelemetry/api";
import type { Resource } from "@opentelemetry/resources";
import type { LogRecordProcessor, ReadWriteLogRecord } from "@opentelemetry/sdk-logs";
import { onProcessExit } from "../runtime/exit-hooks.js";
import { reportOnce } from "../runtime/report.js";
import { madeAfterClose } from "./after-close.js";
import { canonicalLogRecordBytes } from "../seal/canonical-sdk.js";
import { CheckpointLogRecord } from "../seal/checkpoint-records.js";
import type { SealOptions } from "../seal/options.js";
import { Sealer } from "../seal/sealer.js";
import { flushSealed, shutdownSealed } from "./seal-lifecycle.js";

type EnabledOptions = Parameters<NonNullable<LogRecordProcessor["enabled"]>>[0];

export interface SealLogRecordProcessorOptions extends SealOptions {
  /**
   * The processors that receive the sealed records and the checkpoints, in order: usually one
   * BatchLogRecordProcessor per exporter. They are flushed and shut down after the final checkpoint.
   */
  next: LogRecordProcessor[];
}

/**
 * Seals every log record into this processor's hash chain in onEmit (while the record is still
 * writable), then hands it to `next`. Put it after any processor that rewrites records.
 */
export class SealLogRecordProcessor implements LogRecordProcessor {
  private readonly next: LogRecordProcessor[];
  private readonly sealer: Sealer;
  private resource: Resource | undefined;

  /** Throws SealKeyError when the configured key cannot sign. */
  constructor(options: SealLogRecordProcessorOptions) {
    this.next = [...options.next];
    this.sealer = new Sealer(options, (final) => this.emitCheckpoint(final));
    this.offExit = onProcessExit("release", this);
  }

  private readonly offExit: () => void;

  /** At process exit the final checkpoint goes out with the rest, so a durable path can spool it. */
  atExit(): void {
    if (!this.sealer.isClosed && this.resource !== undefined) this.sealer.finish();
  }

  get chainId(): string {
    return this.sealer.chain.id;
  }

  onEmit(record: ReadWriteLogRecord, context?: Context): void {
    // After the final checkpoint nothing more belongs to the chain, nor reaches the exporters unsealed.
    if (this.sealer.isClosed) return madeAfterClose("log records");
    try {
      if (this.sealer.seal(record.attributes as Record<string, unknown>, canonicalLogRecordBytes, record)) this.resource = record.resource;
    } catch (error) {
      reportOnce("seal: a log record could not be sealed", error);
    }
    this.forward(record, context);
    if (this.sealer.checkpointDue) this.sealer.checkpoint(false);
  }

  enabled(options: EnabledOptions): boolean {
    return this.next.some((processor) => processor.enabled === undefined || processor.enabled(options));
  }

  forceFlush(): Promise<void> {
    return flushSealed(this.sealer, this.next);
  }

  shutdown(): Promise<void> {
    this.offExit();
    return shutdownSealed(this.sealer, this.next);
  }

  private emitCheckpoint(final: boolean): void {
    const record = new CheckpointLogRecord(this.resource!);
    this.sealer.sealCheckpoint(record.attributes as Record<string, unknown>, canonicalLogRecordBytes, record, final);
    this.forward(record, ROOT_CONTEXT);
  }

  private forward(record: ReadWriteLogRecord, context: Context | undefined): void {
    for (const processor of this.next) {
      try {
        processor.onEmit(record, context);
      } catch (error) {
        reportOnce("seal: a wrapped log record processor failed in onEmit", error);
      }
    }
  }
}
