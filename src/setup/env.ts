import { warnOnce } from "../runtime/report.js";
import type { Environment } from "../runtime/environment.js";

export type OtlpProtocol = "http/protobuf" | "http/json" | "grpc";

const PROTOCOLS: ReadonlySet<string> = new Set(["http/protobuf", "http/json", "grpc"]);

/**
 * The OTLP protocol for a signal: the option, then OTEL_EXPORTER_OTLP_{TRACES,LOGS}_PROTOCOL,
 * then OTEL_EXPORTER_OTLP_PROTOCOL, then http/protobuf. The exporter packages do not read these.
 */
export function resolveProtocol(signal: "traces" | "logs", option: string | undefined, env: Environment): OtlpProtocol {
  const specific = signal === "traces" ? env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL : env.OTEL_EXPORTER_OTLP_LOGS_PROTOCOL;
  for (const [value, source] of [
    [option, "the protocol option"],
    [specific, `OTEL_EXPORTER_OTLP_${signal.toUpperCase()}_PROTOCOL`],
    [env.OTEL_EXPORTER_OTLP_PROTOCOL, "OTEL_EXPORTER_OTLP_PROTOCOL"],
  ] as const) {
    const v = value?.trim();
    if (!v) continue;
    if (PROTOCOLS.has(v)) return v as OtlpProtocol;
    warnOnce(`${signal}: ${source}=${v}`, `${source}="${v}" is not http/protobuf, http/json or grpc; using http/protobuf`);
    return "http/protobuf";
  }
  return "http/protobuf";
}

/** An integer of at least `min` from an env var, or undefined (with a warning when set but invalid). */
export function envInt(env: Environment, name: string, min = 0): number | undefined {
  const raw = env[name]?.trim();
  if (!raw) return undefined;
  const n = Number(raw);
  if (Number.isInteger(n) && n >= min) return n;
  warnOnce(`${name}=${raw}`, `${name}="${raw}" is not an integer of at least ${min}; ignored`);
  return undefined;
}

/**
 * OTEL_BLRP_*, which only sdk-node reads: the batch log processor's settings. A queue or batch
 * size of 0 is refused: the processor would spin forever on empty batches.
 */
export function batchLogSettings(env: Environment) {
  return dropUndefined({
    scheduledDelayMillis: envInt(env, "OTEL_BLRP_SCHEDULE_DELAY"),
    exportTimeoutMillis: envInt(env, "OTEL_BLRP_EXPORT_TIMEOUT"),
    maxQueueSize: envInt(env, "OTEL_BLRP_MAX_QUEUE_SIZE", 1),
    maxExportBatchSize: envInt(env, "OTEL_BLRP_MAX_EXPORT_BATCH_SIZE", 1),
  });
}

/**
 * OTEL_BSP_*, which only the sdk-trace-base shim and sdk-node read (sdk-trace's own
 * BatchSpanProcessor does not): the batch span processor's settings.
 */
export function batchSpanSettings(env: Environment) {
  return dropUndefined({
    scheduledDelayMillis: envInt(env, "OTEL_BSP_SCHEDULE_DELAY"),
    exportTimeoutMillis: envInt(env, "OTEL_BSP_EXPORT_TIMEOUT"),
    maxQueueSize: envInt(env, "OTEL_BSP_MAX_QUEUE_SIZE", 1),
    maxExportBatchSize: envInt(env, "OTEL_BSP_MAX_EXPORT_BATCH_SIZE", 1),
  });
}

export function dropUndefined<T extends object>(o: T): Partial<T> {
  const out: Partial<T> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  return out;
}
