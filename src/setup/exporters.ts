import type { ExportResult } from "@opentelemetry/core";
import { ExportResultCode } from "@opentelemetry/core";
import { OTLPLogExporter as HttpJsonLogExporter } from "@opentelemetry/exporter-logs-otlp-http";
import { OTLPLogExporter as HttpProtoLogExporter } from "@opentelemetry/exporter-logs-otlp-proto";
import { OTLPTraceExporter as HttpJsonTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { OTLPTraceExporter as HttpProtoTraceExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import type { LogRecordExporter, ReadableLogRecord } from "@opentelemetry/sdk-logs";
import type { ReadableSpan, SpanExporter } from "@opentelemetry/sdk-trace-base";
import type { OtlpProtocol } from "./env.js";

/** What an OTLP exporter is given; unset fields are read from OTEL_EXPORTER_OTLP_* by the exporter. */
export interface OtlpTarget {
  protocol: OtlpProtocol;
  url?: string;
  headers?: Record<string, string>;
  compression?: "gzip" | "none";
  timeoutMillis?: number;
}

type Exporter<T> = { export(items: T[], done: (r: ExportResult) => void): void; shutdown(): Promise<void>; forceFlush?(): Promise<void> };

export function otlpSpanExporter(target: OtlpTarget): SpanExporter {
  const config = exporterConfig(target);
  if (target.protocol === "http/json") return new HttpJsonTraceExporter(config);
  if (target.protocol === "grpc") return new Deferred<ReadableSpan>(import("@opentelemetry/exporter-trace-otlp-grpc").then((m) => new m.OTLPTraceExporter(config as never)));
  return new HttpProtoTraceExporter(config);
}

export function otlpLogExporter(target: OtlpTarget): LogRecordExporter {
  const config = exporterConfig(target);
  if (target.protocol === "http/json") return new HttpJsonLogExporter(config);
  if (target.protocol === "grpc") return new Deferred<ReadableLogRecord>(import("@opentelemetry/exporter-logs-otlp-grpc").then((m) => new m.OTLPLogExporter(config as never))) as LogRecordExporter;
  return new HttpProtoLogExporter(config);
}

function exporterConfig(target: OtlpTarget) {
  const config: Record<string, unknown> = {};
  if (target.url !== undefined) config.url = target.url;
  if (target.headers !== undefined) config.headers = target.headers;
  if (target.compression !== undefined) config.compression = target.compression;
  if (target.timeoutMillis !== undefined) config.timeoutMillis = target.timeoutMillis;
  return config;
}

/** An exporter whose module loads on demand (gRPC pulls in @grpc/grpc-js, which is heavy). */
class Deferred<T> implements Exporter<T> {
  constructor(private readonly ready: Promise<Exporter<T>>) {
    ready.catch(() => undefined);
  }

  export(items: T[], done: (r: ExportResult) => void): void {
    this.ready.then(
      (exporter) => exporter.export(items, done),
      (error: unknown) => done({ code: ExportResultCode.FAILED, error: error instanceof Error ? error : new Error(String(error)) }),
    );
  }

  async shutdown(): Promise<void> {
    await (await this.ready.catch(() => undefined))?.shutdown();
  }

  async forceFlush(): Promise<void> {
    await (await this.ready.catch(() => undefined))?.forceFlush?.();
  }
}
