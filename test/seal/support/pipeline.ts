/** Real SDK providers with the seal processors in front of whatever processors a test hands them. */
import type { Context } from "@opentelemetry/api";
import type { Resource } from "@opentelemetry/resources";
import { resourceFromAttributes } from "@opentelemetry/resources";
import type { LogRecordProcessor, ReadableLogRecord, SdkLogRecord } from "@opentelemetry/sdk-logs";
import { LoggerProvider } from "@opentelemetry/sdk-logs";
import type { ReadableSpan, Sampler, SpanLimits, SpanProcessor } from "@opentelemetry/sdk-trace-base";
import { BasicTracerProvider } from "@opentelemetry/sdk-trace-base";
import { SealLogRecordProcessor } from "../../../src/processors/seal-logs.js";
import { SealSpanProcessor } from "../../../src/processors/seal-spans.js";
import type { SealOptions } from "../../../src/seal/options.js";

/** Keeps what reaches it, in order: the records as the exporting processors would get them. */
export class KeepSpans implements SpanProcessor {
  readonly spans: ReadableSpan[] = [];
  onStart(): void {}
  onEnd(span: ReadableSpan): void {
    this.spans.push(span);
  }
  async forceFlush(): Promise<void> {}
  async shutdown(): Promise<void> {}
}

export class KeepLogs implements LogRecordProcessor {
  readonly records: ReadableLogRecord[] = [];
  onEmit(record: SdkLogRecord, _context?: Context): void {
    this.records.push(record);
  }
  async forceFlush(): Promise<void> {}
  async shutdown(): Promise<void> {}
}

export interface SealedProvidersOptions {
  spans?: SpanProcessor[];
  logs?: LogRecordProcessor[];
  seal?: SealOptions;
  resource?: Resource;
  spanLimits?: SpanLimits;
  logRecordLimits?: { attributeCountLimit?: number; attributeValueLengthLimit?: number };
  sampler?: Sampler;
}

export function sealedProviders(options: SealedProvidersOptions = {}) {
  const resource = options.resource ?? resourceFromAttributes({ "service.name": "seal-test", "host.name": "test-host" });
  const spanSeal = new SealSpanProcessor({ checkpointIntervalMs: 0, ...options.seal, next: options.spans ?? [] });
  const logSeal = new SealLogRecordProcessor({ checkpointIntervalMs: 0, ...options.seal, next: options.logs ?? [] });
  const tracerProvider = new BasicTracerProvider({
    resource,
    spanProcessors: [spanSeal],
    ...(options.spanLimits ? { spanLimits: options.spanLimits } : {}),
    ...(options.sampler ? { sampler: options.sampler } : {}),
  });
  const loggerProvider = new LoggerProvider({ resource, processors: [logSeal], ...(options.logRecordLimits ? { logRecordLimits: options.logRecordLimits } : {}) });
  return {
    tracerProvider,
    loggerProvider,
    spanSeal,
    logSeal,
    tracer: tracerProvider.getTracer("seal-test", "1.2.3"),
    logger: loggerProvider.getLogger("seal-test-logs"),
    async shutdown() {
      await Promise.all([tracerProvider.shutdown(), loggerProvider.shutdown()]);
    },
  };
}
