import { context } from "@opentelemetry/api";
import { ExportResultCode, suppressTracing } from "@opentelemetry/core";
import { OTLPExporterBase } from "@opentelemetry/otlp-exporter-base";
import { ProtobufLogsSerializer, ProtobufTraceSerializer } from "@opentelemetry/otlp-transformer";
import type { Payload } from "./payload.js";
import type { PayloadSender, SendOutcome, Signal } from "./payload-sender.js";

const SERVICES = {
  traces: ["TraceExportService", "/opentelemetry.proto.collector.trace.v1.TraceService/Export"],
  logs: ["LogsExportService", "/opentelemetry.proto.collector.logs.v1.LogsService/Export"],
} as const;

// gRPC status codes that mean the request itself will never be taken (the rest are kept for later).
const INVALID_ARGUMENT = 3;
const OUT_OF_RANGE = 11;

/**
 * Sends already-serialised OTLP requests (protobuf, as the OTLP/HTTP path stores them) over gRPC
 * through OpenTelemetry's own gRPC export delegate (address, credentials, metadata, compression,
 * timeout and retries as in the gRPC exporters). The gRPC modules load on first use.
 */
export function grpcPayloadSender(config: Record<string, unknown>, signal: Signal): PayloadSender {
  let exporter: Promise<OTLPExporterBase<Payload>> | undefined;
  const load = () =>
    (exporter ??= import("@opentelemetry/otlp-grpc-exporter-base").then((m) => {
      // Headers travel as gRPC metadata.
      const { headers, ...rest } = config as { headers?: Record<string, string> };
      const legacy: Record<string, unknown> = { ...rest };
      if (headers !== undefined) {
        const metadata = m.createEmptyMetadata();
        for (const [key, value] of Object.entries(headers)) metadata.set(key, value);
        legacy.metadata = metadata;
      }
      const options = m.convertLegacyOtlpGrpcOptions(legacy as never, signal === "traces" ? "TRACES" : "LOGS");
      const responses = signal === "traces" ? ProtobufTraceSerializer : ProtobufLogsSerializer;
      const serializer = { serializeRequest: (payload: Payload) => payload.bytes, deserializeResponse: (data: Uint8Array) => responses.deserializeResponse(data) };
      const [name, path] = SERVICES[signal];
      const create = m.createOtlpGrpcExportDelegate as unknown as (...args: unknown[]) => ConstructorParameters<typeof OTLPExporterBase<Payload>>[0];
      const component = `agent_coat_${signal === "traces" ? "span" : "log"}_spool_exporter`;
      const helper = { name: signal === "traces" ? "span" : "log", countItems: (payload: Payload) => payload.count };
      // From 0.223 the delegate takes the exporter-metrics arguments before the service's name and path.
      const delegate = create.length >= 7 ? create(options, serializer, component, helper, undefined, name, path) : create(options, serializer, name, path);
      return new OTLPExporterBase<Payload>(delegate);
    }));
  return {
    send: async (payload) => {
      let base: OTLPExporterBase<Payload>;
      try {
        base = await load();
      } catch (error) {
        return { kind: "unavailable", error: error instanceof Error ? error : new Error(String(error)) };
      }
      return new Promise<SendOutcome>((resolve) => {
        context.with(suppressTracing(context.active()), () =>
          base.export(payload, (result) => {
            if (result.code === ExportResultCode.SUCCESS) return resolve({ kind: "sent" });
            const error = result.error ?? new Error("export failed");
            const code = (error as { code?: unknown }).code;
            resolve({ kind: code === INVALID_ARGUMENT || code === OUT_OF_RANGE ? "rejected" : "unavailable", error });
          }),
        );
      });
    },
    shutdown: async () => {
      if (exporter !== undefined) await (await exporter.catch(() => undefined))?.shutdown();
    },
  };
}
