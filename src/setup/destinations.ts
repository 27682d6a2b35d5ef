import type { Environment } from "../runtime/environment.js";
import type { LogRecordExporter } from "@opentelemetry/sdk-logs";
import type { SpanExporter } from "@opentelemetry/sdk-trace";
import { resolveProtocol } from "./env.js";
import type { OtlpProtocol } from "./env.js";
import type { OtlpTarget } from "./exporters.js";
import { FileLogExporter, FileSpanExporter } from "./file-sink.js";
import type { CoatSetupOptions } from "./options.js";
import { DEFAULT_POD_SOCKET, PodSocketExporter } from "./pod-socket.js";
import type { Destination, DestinationTargets } from "./presets.js";
import { reportOnce, warnOnce } from "../runtime/report.js";
import { StderrEnvelopeExporter } from "./stderr.js";
import { countDelivery } from "./delivery-count.js";
import type { LogRecordProcessor } from "@opentelemetry/sdk-logs";
import type { SpanProcessor } from "@opentelemetry/sdk-trace";
import type { BatchSettings } from "../delivery/durable-batch.js";
import { durableLogs, durableSpans } from "./durable-destination.js";
import type { DurableSetup } from "./durable-destination.js";
import { batchLogSettings, batchSpanSettings, envInt } from "./env.js";
import { spoolSettings } from "./spool-settings.js";

/** Where spans and log records go, resolved from options and the environment. */
export interface Destinations {
  /** Exporters, each to be put behind a batch processor. */
  spans: SpanExporter[];
  logs: LogRecordExporter[];
  /** OTLP/HTTP destinations on the durable path: batching, sending and spooling already inside. */
  spanProcessors: SpanProcessor[];
  logProcessors: LogRecordProcessor[];
  /** Human-readable list, e.g. `otlp http/protobuf (traces, logs)`, `stderr`. */
  described: string[];
}

export function resolveDestinations(options: CoatSetupOptions, env: Environment, want: { spans: boolean; logs: boolean }, serviceName?: string): Destinations {
  const out: Destinations = { spans: [], logs: [], spanProcessors: [], logProcessors: [], described: [] };
  const durable: Durable = {
    spool: spoolSettings(options.spool, env, serviceName?.trim() || env.OTEL_SERVICE_NAME?.trim() || "unknown_service"),
    deadlineMs: exitTimeout(options, env),
    spanBatch: batchSpanSettings(env),
    logBatch: batchLogSettings(env),
  };
  const traces = otlpTarget("traces", options, env);
  const logs = otlpTarget("logs", options, env);
  if (traces !== undefined && want.spans) addOtlpSpans(out, durable, traces, `otlp ${traces.protocol} traces${traces.url ? ` → ${traces.url}` : ""}`);
  if (logs !== undefined && want.logs) addOtlpLogs(out, durable, logs, `otlp ${logs.protocol} logs${logs.url ? ` → ${logs.url}` : ""}`);
  const presets = (Array.isArray(options.destinations) ? options.destinations : []).map((destination) => [destination, presetTargets(destination, env)] as const);
  for (const [destination, targets] of presets) {
    if (targets?.traces !== undefined && want.spans) addOtlpSpans(out, durable, targets.traces, `${destination.name}: otlp ${targets.traces.protocol} traces → ${targets.traces.url}`);
    if (targets?.logs !== undefined && want.logs) addOtlpLogs(out, durable, targets.logs, `${destination.name}: otlp ${targets.logs.protocol} logs → ${targets.logs.url}`);
  }
  const file = options.file === false ? undefined : options.file || env.ENVPOD_COAT_FILE?.trim() || undefined;
  if (file !== undefined) {
    // What a batch processor's exporter could not deliver is counted and reported, never silent.
    if (want.spans) out.spans.push(countDelivery(new FileSpanExporter(file), `file ${file}`, "spans"));
    if (want.logs) out.logs.push(countDelivery(new FileLogExporter(file), `file ${file}`, "log records"));
    out.described.push(`file ${file}`);
  }
  const otlp = traces !== undefined || logs !== undefined || presets.some(([, targets]) => targets !== undefined);
  const envelopes = want.logs ? envelopeSink(options, env, otlp) : undefined;
  if (envelopes !== undefined) {
    out.logs.push(envelopes.exporter);
    out.described.push(envelopes.described);
  }
  if (want.spans) out.spans.push(...(options.spanExporters ?? []).map((e, i) => countDelivery(e, `span exporter ${i + 1} (${e.constructor?.name ?? "yours"})`, "spans")));
  if (want.logs) out.logs.push(...(options.logExporters ?? []).map((e, i) => countDelivery(e, `log exporter ${i + 1} (${e.constructor?.name ?? "yours"})`, "log records")));
  return out;
}

interface Durable extends DurableSetup {
  spanBatch: BatchSettings;
  logBatch: BatchSettings;
}

/** An OTLP destination, over HTTP or gRPC, on the durable path: sent, or spooled and re-sent. */
function addOtlpSpans(out: Destinations, durable: Durable, target: OtlpTarget, described: string): void {
  out.spanProcessors.push(durableSpans(target, described, durable, durable.spanBatch));
  out.described.push(described);
}

function addOtlpLogs(out: Destinations, durable: Durable, target: OtlpTarget, described: string): void {
  out.logProcessors.push(durableLogs(target, described, durable, durable.logBatch));
  out.described.push(described);
}

/** How long shutdown and the exit signals wait for sends in flight: the option, ENVPOD_COAT_EXIT_TIMEOUT_MS, else 5 s. */
export function exitTimeout(options: CoatSetupOptions, env: Environment): number | undefined {
  const fromEnv = envInt(env, "ENVPOD_COAT_EXIT_TIMEOUT_MS");
  if (fromEnv !== undefined) return fromEnv;
  const given = options.exitTimeoutMs;
  if (given === undefined) return undefined;
  if (Number.isFinite(given) && given >= 0) return given;
  warnOnce(`exitTimeoutMs=${given}`, `exitTimeoutMs=${given} is not a number of milliseconds of at least 0; using 5000`);
  return undefined;
}

function otlpTarget(signal: "traces" | "logs", options: CoatSetupOptions, env: Environment): OtlpTarget | undefined {
  const fromEnv = signal === "traces" ? env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT : env.OTEL_EXPORTER_OTLP_LOGS_ENDPOINT;
  const specific = (signal === "traces" ? options.tracesEndpoint : options.logsEndpoint)?.trim() || (options.endpoint ? undefined : fromEnv?.trim());
  const base = options.endpoint?.trim() || env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim();
  if (!specific && !base) return undefined;
  const protocol: OtlpProtocol = resolveProtocol(signal, options.protocol, env);
  const target: OtlpTarget = { protocol };
  if (specific) target.url = specific;
  else if (base) target.url = protocol === "grpc" ? base : `${base.replace(/\/+$/, "")}/v1/${signal}`;
  if (options.headers !== undefined) target.headers = options.headers;
  if (options.compression !== undefined) target.compression = options.compression;
  return target;
}

/** A preset's targets, or undefined (reported once) when it cannot be used here. */
function presetTargets(destination: Destination, env: Environment): DestinationTargets | undefined {
  try {
    const targets = destination.resolve(env);
    if (targets === undefined) reportOnce(`${destination.name} destination`, "not usable with this configuration; skipped");
    return targets;
  } catch (error) {
    reportOnce(`${destination.name} destination`, error);
    return undefined;
  }
}

/** In a pod: the queue socket (stderr as fallback). Else stderr, by default only when no OTLP endpoint is set. */
function envelopeSink(options: CoatSetupOptions, env: Environment, otlp: boolean): { exporter: LogRecordExporter; described: string } | undefined {
  if (env.ENVPOD_POD_ID?.trim()) {
    const path = env.ENVPOD_SOCKET?.trim() || DEFAULT_POD_SOCKET;
    return { exporter: new PodSocketExporter(path, new StderrEnvelopeExporter()), described: `envpod socket ${path}` };
  }
  if (options.stderr ?? !otlp) return { exporter: new StderrEnvelopeExporter(), described: "stderr" };
  return undefined;
}
