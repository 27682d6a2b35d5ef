import type { Approver } from "../govern/approver.js";
import type { Policy } from "../govern/policy.js";
import type { Environment } from "../runtime/environment.js";
import type { Attributes, MeterProvider } from "@opentelemetry/api";
import type { LogRecordExporter, LogRecordProcessor } from "@opentelemetry/sdk-logs";
import type { SpanExporter, SpanProcessor } from "@opentelemetry/sdk-trace";
import type { CaptureMode } from "../capture/modes.js";
import type { RedactionRules } from "../capture/secrets.js";
import type { SealOptions } from "../seal/options.js";
import type { OtlpProtocol } from "./env.js";
import type { Destination } from "./presets.js";
import type { DialectName } from "../llm/dialect-set.js";
import type { PricesOption } from "../llm/prices.js";
import type { SpoolOption } from "./spool-settings.js";

/** What coat records and where it goes. Shared by register() and the processor factories. */
export interface CoatSetupOptions {
  /**
   * Capture mode; ENVPOD_COAT_CAPTURE wins, then a wrapper's own option, then this. Set (here or
   * by the env), it is enforced on every span and log record of the process; unset, coat's own
   * records capture nothing and other libraries' keep their content with secrets scrubbed.
   */
  capture?: CaptureMode;
  /** Your own sensitive keys, value patterns and a last-word callback for the scrubber. */
  redact?: RedactionRules;
  /**
   * Hash-chain sealing of every exported span and log record (on by default): checkpoint
   * cadence and the Ed25519 key (else ENVPOD_COAT_SEAL_KEY); `false` turns it off.
   */
  seal?: Omit<SealOptions, "env"> | false;
  /** Key for hash-mode digests (HMAC-SHA256); ENVPOD_COAT_HASH_KEY wins. Without one: plain SHA-256. */
  hashKey?: string;
  /** Cap of each captured string; ENVPOD_COAT_PREVIEW_LEN wins. Default 200. */
  previewLength?: number;
  /**
   * The dialects spans are written in: `envpod`, `openinference`, `gen_ai` (a comma list or an
   * array; default `envpod,openinference`); ENVPOD_COAT_DIALECTS wins. Log records are AOT envelopes whatever this says.
   */
  dialects?: string | DialectName[];
  /** Cap of each message string on LLM spans (default 8192); ENVPOD_COAT_LLM_STRING_LEN wins. */
  llmStringLength?: number;
  /**
   * Prices for LLM cost estimates (USD per 1M tokens): entries added to or overriding the dated
   * default table, or a function from the defaults to the whole table.
   */
  prices?: PricesOption;
  /** Emit AOT log records beside spans (default true). */
  logs?: boolean;
  /** Include stack traces in exception events and error envelopes (default true). */
  errorStack?: boolean;
  /** OTLP base endpoint, e.g. `http://localhost:4318`; else OTEL_EXPORTER_OTLP_ENDPOINT. */
  endpoint?: string;
  /** Full URL for traces (`…/v1/traces`); else OTEL_EXPORTER_OTLP_TRACES_ENDPOINT. */
  tracesEndpoint?: string;
  /** Full URL for logs (`…/v1/logs`); else OTEL_EXPORTER_OTLP_LOGS_ENDPOINT. */
  logsEndpoint?: string;
  /** `http/protobuf` (default), `http/json` or `grpc`; else OTEL_EXPORTER_OTLP_PROTOCOL. */
  protocol?: OtlpProtocol;
  /** Headers for the OTLP exporters; else OTEL_EXPORTER_OTLP_HEADERS. */
  headers?: Record<string, string>;
  compression?: "gzip" | "none";
  /** OTLP JSON lines file (the Collector file exporter's format); else ENVPOD_COAT_FILE. `false` turns it off. */
  file?: string | false;
  /** `[coat] {json}` envelope lines on stderr; default: when no OTLP endpoint is set and not in a pod. */
  stderr?: boolean;
  /** Backends with their quirks built in: `[phoenix(), jaeger(), datadog(), collector()]`, beside any endpoint above. */
  destinations?: Destination[];
  /**
   * Where records an OTLP/HTTP endpoint cannot take yet wait on disk, to be re-sent in order when
   * it answers (and by a later run): a directory, `false` (or `"off"`), or a directory with limits.
   * Default `$XDG_STATE_HOME/agent-coat/spool/<service.name>`; ENVPOD_COAT_SPOOL wins.
   */
  spool?: SpoolOption;
  /** How long shutdown() and the exit signals wait for sends in flight before spooling them (default 5000); ENVPOD_COAT_EXIT_TIMEOUT_MS wins. */
  exitTimeoutMs?: number;
  /** Extra exporters, each behind its own batch processor. */
  spanExporters?: SpanExporter[];
  logExporters?: LogRecordExporter[];
  /** Environment to read instead of process.env (tests, embedding). */
  env?: Environment;
}

export interface RegisterOptions extends CoatSetupOptions {
  /** `service.name`; wins over OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES. */
  serviceName?: string;
  /** More resource attributes, e.g. `openinference.project.name` for Phoenix. */
  resourceAttributes?: Attributes;
  /** Where the delivery path's own metrics go (default: the global MeterProvider at register() time); see coatDeliveryMetrics(). */
  meterProvider?: MeterProvider;
  /** Policies gating every coat() call of the process (docs/governance.md). */
  policies?: readonly Policy[];
  /** Who approves paused calls (default: a terminal prompt when there is a TTY, else paused calls are denied). */
  approver?: Approver;
  /** Composed policies record how each part decided (also ENVPOD_COAT_POLICY_DEBUG=1). */
  policyDebug?: boolean;
  /** Your own processors, run after agent-coat's. */
  spanProcessors?: SpanProcessor[];
  logRecordProcessors?: LogRecordProcessor[];
}
