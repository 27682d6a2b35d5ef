import { CompressionAlgorithm } from "@opentelemetry/otlp-exporter-base";
import type { convertLegacyHttpOptions } from "@opentelemetry/otlp-exporter-base/node-http";
import type { OtlpProtocol } from "./env.js";

// Named at the package root on the 2.x line, only under /node-http on the 3.x line: derived, so both type-check.
type OTLPExporterNodeConfigBase = Parameters<typeof convertLegacyHttpOptions>[0];

/** What an OTLP destination is given; unset fields are read from OTEL_EXPORTER_OTLP_* by OpenTelemetry's option converters. */
export interface OtlpTarget {
  protocol: OtlpProtocol;
  url?: string;
  headers?: Record<string, string>;
  compression?: "gzip" | "none";
  timeoutMillis?: number;
}

/** The target as OpenTelemetry's legacy exporter options (what its HTTP and gRPC option converters take). */
export function exporterConfig(target: OtlpTarget): OTLPExporterNodeConfigBase {
  const config: OTLPExporterNodeConfigBase = {};
  if (target.url !== undefined) config.url = target.url;
  if (target.headers !== undefined) config.headers = target.headers;
  if (target.compression !== undefined) config.compression = target.compression === "gzip" ? CompressionAlgorithm.GZIP : CompressionAlgorithm.NONE;
  if (target.timeoutMillis !== undefined) config.timeoutMillis = target.timeoutMillis;
  return config;
}
