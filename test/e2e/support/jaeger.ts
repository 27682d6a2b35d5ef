// Jaeger v2, built by scripts/e2e-peers.sh, run with in-memory storage on free loopback ports,
// and read back through its query API (/api/v3/traces, OTLP JSON).
import { join } from "node:path";
import { normaliseTraces } from "../../support/otlp-receiver.js";
import type { ReceivedSpan } from "../../support/otlp-receiver.js";
import { ofTrace } from "./compare.js";
import { DEMO_SERVICE } from "./demo.js";
import type { DemoRun } from "./demo.js";
import { freePorts } from "./ports.js";
import { startProgram } from "./program.js";
import type { Program } from "./program.js";
import { eventually, listening } from "./wait.js";

export interface JaegerService {
  /** OTLP/HTTP base URL (`…/v1/traces` is appended by exporters). */
  otlpHttpUrl: string;
  /** `host:port` of the OTLP gRPC receiver. */
  otlpGrpcAddress: string;
  /** Base URL of the query service (UI and /api/v3). */
  queryUrl: string;
}

/** Jaeger's four ports: OTLP gRPC, OTLP HTTP, query HTTP, query gRPC. */
export type JaegerPorts = [number, number, number, number];

export async function startJaeger(binary: string, dir: string, ports?: JaegerPorts): Promise<{ service: JaegerService; program: Program }> {
  const [otlpGrpc, otlpHttp, queryHttp, queryGrpc] = ports ?? (await freePorts(4));
  const service: JaegerService = {
    otlpHttpUrl: `http://127.0.0.1:${otlpHttp}`,
    otlpGrpcAddress: `127.0.0.1:${otlpGrpc}`,
    queryUrl: `http://127.0.0.1:${queryHttp}`,
  };
  const program = await startProgram({
    name: "jaeger",
    command: binary,
    args: [`--config=${join(import.meta.dirname, "jaeger.yaml")}`],
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      JAEGER_OTLP_GRPC_PORT: String(otlpGrpc),
      JAEGER_OTLP_HTTP_PORT: String(otlpHttp),
      JAEGER_QUERY_HTTP_PORT: String(queryHttp),
      JAEGER_QUERY_GRPC_PORT: String(queryGrpc),
    },
    cwd: dir,
    ready: async () => (await fetch(`${service.queryUrl}/api/v3/services`)).ok && (await listening(otlpHttp!)) && (await listening(otlpGrpc!)),
    timeoutMs: 60_000,
  });
  return { service, program };
}

/**
 * The spans of `serviceName` that started between `from` and `to`, as the query API returns them.
 * Both time bounds are required by the API (RFC 3339), and so is a search depth.
 */
export async function jaegerSpans(queryUrl: string, serviceName: string, from: Date, to: Date): Promise<ReceivedSpan[]> {
  const query = new URLSearchParams({
    "query.service_name": serviceName,
    "query.start_time_min": from.toISOString(),
    "query.start_time_max": to.toISOString(),
    // Jaeger 2.13 answers 500 ("search depth must be greater than 0") without it.
    "query.num_traces": "100",
  });
  const response = await fetch(`${queryUrl}/api/v3/traces?${query}`);
  const text = await response.text();
  if (response.status === 404) return [];
  if (!response.ok) throw new Error(`Jaeger /api/v3/traces answered ${response.status}: ${text.slice(0, 500)}`);
  // The gateway streams one {"result": …} object per chunk of traces.
  return text
    .split("\n")
    .filter((line) => line.trim())
    .flatMap((line) => normaliseTraces((JSON.parse(line) as { result?: unknown }).result));
}

/** Jaeger's query service annotates spans with this attribute (its adjusters run at query time). */
export const JAEGER_WARNINGS = "@jaeger@warnings";

/**
 * The demo run's trace as Jaeger returns it from a time-bounded search of the demo's service, once
 * complete, with the query-time warnings taken out of the attributes and returned beside, by span id.
 */
export async function storedInJaeger(queryUrl: string, run: DemoRun): Promise<{ spans: ReceivedSpan[]; warnings: Record<string, unknown> }> {
  const from = new Date(run.started.getTime() - 60_000);
  const to = new Date(run.ended.getTime() + 60_000);
  const spans = await eventually(
    `the demo's ${run.spans.length} spans in Jaeger`,
    async () => ofTrace(await jaegerSpans(queryUrl, DEMO_SERVICE, from, to), run.traceId),
    (found) => found.length >= run.spans.length,
  );
  const warnings: Record<string, unknown> = {};
  for (const span of spans) {
    if (!(JAEGER_WARNINGS in span.attributes)) continue;
    warnings[span.spanId] = span.attributes[JAEGER_WARNINGS];
    delete span.attributes[JAEGER_WARNINGS];
  }
  return { spans, warnings };
}
