import { context } from "@opentelemetry/api";
import { ExportResultCode, suppressTracing } from "@opentelemetry/core";
import { OTLPExporterBase } from "@opentelemetry/otlp-exporter-base";
import { convertLegacyHttpOptions, createOtlpHttpExportDelegate } from "@opentelemetry/otlp-exporter-base/node-http";
import { JsonLogsSerializer, JsonTraceSerializer, ProtobufLogsSerializer, ProtobufTraceSerializer } from "@opentelemetry/otlp-transformer";
import type { Payload } from "./payload.js";

/** What a send came to: delivered, refused for good (the data itself was refused), or to be tried again later. */
export type SendOutcome = { readonly kind: "sent" } | { readonly kind: "rejected" | "unavailable"; readonly error: Error };

export interface PayloadSender {
  send(payload: Payload): Promise<SendOutcome>;
  shutdown(): Promise<void>;
}

export type Signal = "traces" | "logs";

/** The exporter's own settings as otlp-exporter-base's legacy converter takes them. */
export type HttpExporterConfig = Parameters<typeof convertLegacyHttpOptions>[0];

/**
 * Sends already-serialised OTLP/HTTP requests through OpenTelemetry's own HTTP export delegate
 * (so URL, headers, compression, timeout, retries with backoff and Retry-After behave exactly as
 * in the OTLP exporters): its serializer hands the stored bytes on unchanged.
 */
export function otlpPayloadSender(config: HttpExporterConfig, signal: Signal, json: boolean): PayloadSender {
  const headers = { "Content-Type": json ? "application/json" : "application/x-protobuf" };
  const options = convertLegacyHttpOptions(config, signal === "traces" ? "TRACES" : "LOGS", `v1/${signal}`, headers);
  const responses = signal === "traces" ? (json ? JsonTraceSerializer : ProtobufTraceSerializer) : json ? JsonLogsSerializer : ProtobufLogsSerializer;
  const serializer = { serializeRequest: (payload: Payload) => payload.bytes, deserializeResponse: (data: Uint8Array) => responses.deserializeResponse(data) };
  const helper = { name: signal === "traces" ? "span" : "log", countItems: (payload: Payload) => payload.count };
  const component = `agent_coat_${signal === "traces" ? "span" : "log"}_spool_exporter`;
  // 0.220's delegate takes the options and the serializer only; the extra arguments are ignored there.
  const create = createOtlpHttpExportDelegate as (...args: unknown[]) => ReturnType<typeof createOtlpHttpExportDelegate<Payload, unknown>>;
  const exporter = new OTLPExporterBase<Payload>(create(options, serializer, component, helper, undefined));
  return {
    send: (payload) =>
      new Promise((resolve) => {
        // The request itself must not be traced (an instrumented http module would record it, and that span would be exported in turn).
        context.with(suppressTracing(context.active()), () =>
          exporter.export(payload, (result) => {
            if (result.code === ExportResultCode.SUCCESS) resolve({ kind: "sent" });
            else {
              const error = result.error ?? new Error("export failed");
              resolve({ kind: refusedForGood(error) ? "rejected" : "unavailable", error });
            }
          }),
        );
      }),
    shutdown: () => exporter.shutdown(),
  };
}

/**
 * A 4xx answer other than 408 and 429 means this request will never be taken (malformed, too
 * large). Authentication and routing answers (401, 403, 404) are configuration, which a user
 * fixes: those requests are kept for later like an outage's.
 */
function refusedForGood(error: Error): boolean {
  const code = (error as { code?: unknown }).code;
  if (typeof code !== "number" || code < 400 || code >= 500) return false;
  return code !== 408 && code !== 429 && code !== 401 && code !== 403 && code !== 404;
}
