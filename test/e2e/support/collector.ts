// The OpenTelemetry Collector built by scripts/e2e-peers.sh, running the shipped
// collector-config/collector.yaml unchanged: only the endpoints and ports come from the environment.
import { join } from "node:path";
import { freePorts } from "./ports.js";
import { ROOT } from "./peers.js";
import { startProgram } from "./program.js";
import type { Program } from "./program.js";
import { listening } from "./wait.js";

export const COLLECTOR_CONFIG = join(ROOT, "collector-config/collector.yaml");

export interface CollectorRoutes {
  /** `host:port` of Jaeger's OTLP gRPC receiver. */
  jaegerGrpcAddress: string;
  /** Phoenix's `…/v1/traces`. */
  phoenixTracesUrl: string;
  /** Stands in for Datadog's `https://otlp.<site>/v1/logs`. */
  datadogLogsUrl: string;
  datadogApiKey: string;
  /** Where the file exporter writes (OTLP JSON lines). */
  file: string;
  /** The exporters' persistent sending queues (file_storage); default `<dir>/collector-queue`. */
  queueDir?: string;
}

export interface CollectorService {
  otlpHttpUrl: string;
  otlpGrpcUrl: string;
  file: string;
  /** The ports it listens on, to start it again in the same place. */
  ports: CollectorPorts;
}

export interface CollectorPorts {
  grpc: number;
  http: number;
  metrics: number;
}

export async function startCollector(binary: string, dir: string, routes: CollectorRoutes, ports?: CollectorPorts): Promise<{ service: CollectorService; program: Program }> {
  const [grpc, http, metrics] = ports ? [ports.grpc, ports.http, ports.metrics] : await freePorts(3);
  const program = await startProgram({
    name: "collector",
    command: binary,
    args: [`--config=${COLLECTOR_CONFIG}`],
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      COAT_OTLP_GRPC_ENDPOINT: `127.0.0.1:${grpc}`,
      COAT_OTLP_HTTP_ENDPOINT: `127.0.0.1:${http}`,
      COLLECTOR_METRICS_HOST: "127.0.0.1",
      COLLECTOR_METRICS_PORT: String(metrics),
      JAEGER_OTLP_GRPC_ENDPOINT: routes.jaegerGrpcAddress,
      PHOENIX_TRACES_ENDPOINT: routes.phoenixTracesUrl,
      DD_OTLP_LOGS_ENDPOINT: routes.datadogLogsUrl,
      DD_API_KEY: routes.datadogApiKey,
      COAT_COLLECTOR_FILE: routes.file,
      COAT_COLLECTOR_QUEUE_DIR: routes.queueDir ?? join(dir, "collector-queue"),
    },
    cwd: dir,
    ready: async () => (await listening(http!)) && (await listening(grpc!)),
    timeoutMs: 60_000,
  });
  return { service: { otlpHttpUrl: `http://127.0.0.1:${http}`, otlpGrpcUrl: `http://127.0.0.1:${grpc}`, file: routes.file, ports: { grpc: grpc!, http: http!, metrics: metrics! } }, program };
}
