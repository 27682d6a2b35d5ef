import type { Environment } from "../runtime/environment.js";
import type { OtlpProtocol } from "./env.js";
import type { OtlpTarget } from "./exporters.js";

/**
 * A backend agent-coat exports to directly (no Collector in between), with that backend's quirks
 * built in. Pass them to `register({ destinations: [...] })` or the processor factories.
 */
export interface Destination {
  /** Shown in CoatTelemetry.destinations, e.g. `phoenix`. */
  readonly name: string;
  /**
   * The OTLP targets for this environment; a signal left out is not sent there. Undefined (or a
   * thrown error) means the destination cannot be used, and is skipped with one diag warning.
   */
  resolve(env: Environment): DestinationTargets | undefined;
}

export interface DestinationTargets {
  traces?: OtlpTarget;
  logs?: OtlpTarget;
}

export interface PhoenixOptions {
  /** Phoenix's base URL; else PHOENIX_COLLECTOR_ENDPOINT, else `http://localhost:6006`. */
  endpoint?: string;
  /** The Phoenix project the spans land in; else PHOENIX_PROJECT_NAME, else Phoenix's `default`. */
  projectName?: string;
  /** More HTTP headers, e.g. `{ authorization: "Bearer …" }` for a Phoenix with auth. */
  headers?: Record<string, string>;
}

/** Phoenix reads the project of an OTLP request from this header before the resource attribute. */
const PHOENIX_PROJECT_HEADER = "x-project-name";

/** Arize Phoenix: traces only (it has no logs endpoint), and only as protobuf. */
export function phoenix(options: PhoenixOptions = {}): Destination {
  return {
    name: "phoenix",
    resolve(env) {
      const base = options.endpoint ?? (env.PHOENIX_COLLECTOR_ENDPOINT?.trim() || "http://localhost:6006");
      const project = options.projectName ?? env.PHOENIX_PROJECT_NAME?.trim();
      const headers = { ...options.headers };
      if (project) headers[PHOENIX_PROJECT_HEADER] = project;
      return { traces: { protocol: "http/protobuf", url: signalUrl(base, "traces"), headers } };
    },
  };
}

export interface JaegerOptions {
  /** Jaeger's OTLP base URL; default `http://localhost:4318` (`http://localhost:4317` for grpc). */
  endpoint?: string;
  /** Default `http/protobuf`; Jaeger v2 also takes `http/json` and `grpc`. */
  protocol?: OtlpProtocol;
}

/** Jaeger v2: OTLP traces (it stores no logs). */
export function jaeger(options: JaegerOptions = {}): Destination {
  return {
    name: "jaeger",
    resolve() {
      const protocol = options.protocol ?? "http/protobuf";
      return { traces: otlpTarget(protocol, options.endpoint, "traces") };
    },
  };
}

export interface DatadogOptions {
  /** Datadog site (`datadoghq.com`, `us3.datadoghq.com`, `us5.datadoghq.com`, `datadoghq.eu`, `ap1.datadoghq.com`, `ap2.datadoghq.com`, `uk1.datadoghq.com`, `ddog-gov.com`, `us2.ddog-gov.com`); else DD_SITE, else `datadoghq.com`. */
  site?: string;
  /** A Datadog API key; else DD_API_KEY. Without one, nothing is sent to Datadog. */
  apiKey?: string;
  /** The full logs URL, instead of the site's `https://otlp.<site>/v1/logs` (a proxy, a test). */
  endpoint?: string;
  /**
   * Also send spans to Datadog LLM Observability (Agent Observability), beside the log records:
   * http/protobuf to the site's `https://otlp.<site>/v1/traces` with the headers `dd-api-key` and
   * `dd-otlp-source: llmobs`. Off by default. Not available on the ddog-gov sites: there, the
   * preset is skipped with a warning that says so.
   */
  llmObservability?: boolean;
  /** With `llmObservability`: the full traces URL, instead of the site's `https://otlp.<site>/v1/traces` (a proxy, a test). */
  tracesEndpoint?: string;
}

/**
 * Datadog's agentless OTLP logs intake: log records only, http/protobuf, the API key in the
 * `dd-api-key` header, one endpoint per site. With `llmObservability`, spans too, to the site's
 * OTLP traces intake with `dd-otlp-source: llmobs` (see llmObservabilityTarget).
 */
export function datadog(options: DatadogOptions = {}): Destination {
  return {
    name: "datadog",
    resolve(env) {
      const apiKey = options.apiKey ?? env.DD_API_KEY?.trim();
      if (!apiKey) throw new Error(`no API key (the apiKey option or DD_API_KEY): ${options.llmObservability ? "log records and spans are" : "log records are"} not sent to Datadog`);
      const site = options.site ?? (env.DD_SITE?.trim() || "datadoghq.com");
      const logs: OtlpTarget = { protocol: "http/protobuf", url: options.endpoint ?? datadogIntakeUrl(site, "logs"), headers: { "dd-api-key": apiKey } };
      if (!options.llmObservability) return { logs };
      return { logs, traces: llmObservabilityTarget(site, apiKey, options.tracesEndpoint) };
    },
  };
}

/**
 * Datadog LLM Observability's documented OTLP contract (docs.datadoghq.com/llm_observability/instrument/otel_instrumentation/,
 * source github.com/DataDog/documentation hugo/content/en/llm_observability/instrument/otel_instrumentation.md):
 * OTEL_EXPORTER_OTLP_TRACES_PROTOCOL=http/protobuf, OTEL_EXPORTER_OTLP_TRACES_ENDPOINT=<otlp_trace_endpoint>,
 * OTEL_EXPORTER_OTLP_TRACES_HEADERS=dd-api-key=<key>,dd-otlp-source=llmobs. otlp_trace_endpoint is
 * `https://otlp.<site>/v1/traces` for every site (hugo/assets/scripts/config/regions.config.js); the page
 * marks the product "not supported" on app.ddog-gov.com and us2.ddog-gov.com. ml_app is the resource's service.name.
 */
function llmObservabilityTarget(site: string, apiKey: string, tracesEndpoint: string | undefined): OtlpTarget {
  if (/(^|\.)ddog-gov\.com$/i.test(site)) throw new Error(`llmObservability: Datadog LLM Observability is not available on the site ${site} (Datadog does not offer it on its ddog-gov sites); nothing is sent to Datadog. Remove llmObservability to send the log records only`);
  const url = tracesEndpoint ?? datadogIntakeUrl(site, "traces");
  return { protocol: "http/protobuf", url, headers: { "dd-api-key": apiKey, "dd-otlp-source": "llmobs" } };
}

/** The site's agentless OTLP intake for a signal, `https://otlp.<site>/v1/<signal>`. */
function datadogIntakeUrl(site: string, signal: "traces" | "logs"): string {
  if (!/^[a-z0-9-]+(\.[a-z0-9-]+)+$/i.test(site)) throw new Error(`"${site}" is not a Datadog site such as datadoghq.com`);
  return `https://otlp.${site}/v1/${signal}`;
}

export interface CollectorOptions {
  /** The Collector's OTLP base URL; default `http://localhost:4318` (`http://localhost:4317` for grpc). */
  endpoint?: string;
  /** Default `http/protobuf`. */
  protocol?: OtlpProtocol;
  headers?: Record<string, string>;
}

/** An OpenTelemetry Collector (for example the one in collector-config/): traces and logs. */
export function collector(options: CollectorOptions = {}): Destination {
  return {
    name: "collector",
    resolve() {
      const protocol = options.protocol ?? "http/protobuf";
      const withHeaders = (target: OtlpTarget): OtlpTarget => (options.headers ? { ...target, headers: options.headers } : target);
      return {
        traces: withHeaders(otlpTarget(protocol, options.endpoint, "traces")),
        logs: withHeaders(otlpTarget(protocol, options.endpoint, "logs")),
      };
    },
  };
}

function otlpTarget(protocol: OtlpProtocol, endpoint: string | undefined, signal: "traces" | "logs"): OtlpTarget {
  if (protocol === "grpc") return { protocol, url: endpoint ?? "http://localhost:4317" };
  return { protocol, url: signalUrl(endpoint ?? "http://localhost:4318", signal) };
}

/** `base/v1/<signal>`, unless `base` already is that URL. */
function signalUrl(base: string, signal: "traces" | "logs"): string {
  const trimmed = base.trim().replace(/\/+$/, "");
  return trimmed.endsWith(`/v1/${signal}`) ? trimmed : `${trimmed}/v1/${signal}`;
}
