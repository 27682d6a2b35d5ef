import type { ExportResult } from "@opentelemetry/core";
import { ExportResultCode } from "@opentelemetry/core";
import { JsonLogsSerializer, JsonTraceSerializer } from "@opentelemetry/otlp-transformer";
import type { LogRecordExporter, ReadableLogRecord } from "@opentelemetry/sdk-logs";
import type { ReadableSpan, SpanExporter } from "@opentelemetry/sdk-trace";

const decoder = new TextDecoder();

/**
 * Keeps what is exported as OTLP JSON documents, one per export, exactly as the file sink writes
 * them: a recording's trace is read by the same code as a file's.
 */
export class MemoryOtlpLines {
  readonly lines: string[] = [];

  readonly spans: SpanExporter = {
    export: (spans: ReadableSpan[], done: (result: ExportResult) => void) => this.keep(() => JsonTraceSerializer.serializeRequest(spans), spans.length, done),
    shutdown: () => Promise.resolve(),
    forceFlush: () => Promise.resolve(),
  };

  readonly logs: LogRecordExporter = {
    export: (records: ReadableLogRecord[], done: (result: ExportResult) => void) => this.keep(() => JsonLogsSerializer.serializeRequest(records), records.length, done),
    shutdown: () => Promise.resolve(),
    forceFlush: () => Promise.resolve(),
  };

  private keep(serialize: () => Uint8Array | undefined, count: number, done: (result: ExportResult) => void): void {
    if (count === 0) return done({ code: ExportResultCode.SUCCESS });
    try {
      const bytes = serialize();
      if (bytes !== undefined) this.lines.push(decoder.decode(bytes));
      done({ code: ExportResultCode.SUCCESS });
    } catch (error) {
      done({ code: ExportResultCode.FAILED, error: error as Error });
    }
  }
}
