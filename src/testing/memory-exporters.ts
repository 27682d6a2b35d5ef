import type { Context } from "@opentelemetry/api";
import { JsonLogsSerializer, JsonTraceSerializer } from "@opentelemetry/otlp-transformer";
import type { LogRecordProcessor, ReadWriteLogRecord } from "@opentelemetry/sdk-logs";
import type { ReadableSpan, Span, SpanProcessor } from "@opentelemetry/sdk-trace";
import { reportOnce } from "../runtime/report.js";

const decoder = new TextDecoder();
const done = (): Promise<void> => Promise.resolve();

/**
 * Keeps each record as an OTLP JSON document, exactly as the file sink writes one: a recording's
 * trace is read by the same code as a file's. Processors rather than exporters behind the SDK's
 * simple processors, whose constructors differ between OpenTelemetry lines.
 */
export class MemoryOtlpLines {
  readonly lines: string[] = [];

  readonly spans: SpanProcessor = {
    onStart: (_span: Span, _context: Context) => undefined,
    onEnd: (span: ReadableSpan) => this.keep(() => JsonTraceSerializer.serializeRequest([span])),
    forceFlush: done,
    shutdown: done,
  };

  readonly logs: LogRecordProcessor = {
    onEmit: (record: ReadWriteLogRecord) => this.keep(() => JsonLogsSerializer.serializeRequest([record])),
    forceFlush: done,
    shutdown: done,
  };

  private keep(serialize: () => Uint8Array | undefined): void {
    try {
      const bytes = serialize();
      if (bytes !== undefined) this.lines.push(decoder.decode(bytes));
    } catch (error) {
      reportOnce("keeping a recorded record", error);
    }
  }
}
