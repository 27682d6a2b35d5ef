import type { Context } from "@opentelemetry/api";
import type { LogRecordProcessor, ReadWriteLogRecord } from "@opentelemetry/sdk-logs";
import { inOrder } from "./in-order.js";
import { runtimeOf, state } from "../runtime/state.js";

/**
 * The rewriting log processors (capture, then seal), then the ones that export, as one processor:
 * the order is fixed whatever list it is put in, and at shutdown the stages stop first, so what
 * they still emit (a final checkpoint) reaches the exporters.
 */
export class LogPipeline implements LogRecordProcessor {
  constructor(
    private readonly stages: readonly LogRecordProcessor[],
    private readonly exporting: readonly LogRecordProcessor[],
  ) {}

  onEmit(record: ReadWriteLogRecord, context?: Context): void {
    // Inside a recording (agent-coat/testing), its pipeline takes the record instead.
    const recording = state.recordings > 0 && context !== undefined ? runtimeOf(context).pipelines?.logs : undefined;
    if (recording !== undefined && recording !== this) return recording.onEmit(record, context);
    for (const stage of this.stages) stage.onEmit(record, context);
    for (const processor of this.exporting) processor.onEmit(record, context);
  }

  forceFlush(): Promise<void> {
    return inOrder("forceFlush", this.stages, this.exporting);
  }

  shutdown(): Promise<void> {
    return inOrder("shutdown", this.stages, this.exporting);
  }
}
