import type { ExportResult } from "@opentelemetry/core";
import { ExportResultCode } from "@opentelemetry/core";
import { CompressionAlgorithm, OTLPExporterBase } from "@opentelemetry/otlp-exporter-base";
import { convertLegacyHttpOptions, createOtlpHttpExportDelegate } from "@opentelemetry/otlp-exporter-base/node-http";
import * as transformer from "@opentelemetry/otlp-transformer";
import { JsonLogsSerializer, JsonTraceSerializer } from "@opentelemetry/otlp-transformer";
import type { LogRecordExporter, ReadableLogRecord } from "@opentelemetry/sdk-logs";
import type { ReadableSpan, SpanExporter } from "@opentelemetry/sdk-trace";
import { logsProtobufSerializer } from "../export/logs-serializer.js";
import { traceProtobufSerializer } from "../export/trace-serializer.js";
import type { OtlpProtocol } from "./env.js";

// Named at the package root on the 2.x line, only under /node-http on the 3.x line: derived, so both type-check.
type OTLPExporterNodeConfigBase = Parameters<typeof convertLegacyHttpOptions>[0];

// The exporters' self-observability helpers came with 0.223; 0.220 (which @arizeai/phoenix-otel 2.1
// pins) has none, and its delegate takes the options and the serializer only.
const { TraceExporterMetricsHelper, LogsExporterMetricsHelper } = transformer as Partial<typeof transformer> as typeof transformer;

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
  if (target.protocol === "http/json") return httpSpanExporter(config, JSON_CONTENT, JsonTraceSerializer, "otlp_http_json_span_exporter");
  if (target.protocol === "grpc") return new Deferred<ReadableSpan>(import("@opentelemetry/exporter-trace-otlp-grpc").then((m) => new m.OTLPTraceExporter(config as never)));
  return httpSpanExporter(config, PROTOBUF, traceProtobufSerializer, "otlp_http_span_exporter");
}

export function otlpLogExporter(target: OtlpTarget): LogRecordExporter {
  const config = exporterConfig(target);
  if (target.protocol === "http/json") return httpLogExporter(config, JSON_CONTENT, JsonLogsSerializer, "otlp_http_json_log_exporter");
  if (target.protocol === "grpc") return new Deferred<ReadableLogRecord>(import("@opentelemetry/exporter-logs-otlp-grpc").then((m) => new m.OTLPLogExporter(config as never))) as LogRecordExporter;
  return httpLogExporter(config, PROTOBUF, logsProtobufSerializer, "otlp_http_log_exporter");
}

const PROTOBUF = { "Content-Type": "application/x-protobuf" };
const JSON_CONTENT = { "Content-Type": "application/json" };

type TraceSerializer = Parameters<typeof createOtlpHttpExportDelegate<ReadableSpan[], unknown>>[1];
type LogsSerializer = Parameters<typeof createOtlpHttpExportDelegate<ReadableLogRecord[], unknown>>[1];

/**
 * OTel's OTLP/HTTP exporters, assembled as their constructors assemble them (so env vars,
 * headers, compression, timeout, retries and the concurrency limit all behave the same) from
 * otlp-exporter-base, which both OpenTelemetry lines ship with the same signatures. For protobuf
 * the serializer is ours: the same bytes in a fraction of the CPU.
 */
function httpSpanExporter(config: OTLPExporterNodeConfigBase, headers: Record<string, string>, serializer: TraceSerializer, component: string): SpanExporter {
  const options = convertLegacyHttpOptions(config, "TRACES", "v1/traces", headers);
  return new OTLPExporterBase(createOtlpHttpExportDelegate(options, serializer, component, TraceExporterMetricsHelper, undefined));
}

function httpLogExporter(config: OTLPExporterNodeConfigBase, headers: Record<string, string>, serializer: LogsSerializer, component: string): LogRecordExporter {
  const options = convertLegacyHttpOptions(config, "LOGS", "v1/logs", headers);
  return new OTLPExporterBase(createOtlpHttpExportDelegate(options, serializer, component, LogsExporterMetricsHelper, undefined));
}

export function exporterConfig(target: OtlpTarget): OTLPExporterNodeConfigBase {
  const config: OTLPExporterNodeConfigBase = {};
  if (target.url !== undefined) config.url = target.url;
  if (target.headers !== undefined) config.headers = target.headers;
  if (target.compression !== undefined) config.compression = target.compression === "gzip" ? CompressionAlgorithm.GZIP : CompressionAlgorithm.NONE;
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
