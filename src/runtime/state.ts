import type { Environment } from "./environment.js";
import type { Context, Tracer, TracerProvider } from "@opentelemetry/api";
import type { LogRecordProcessor } from "@opentelemetry/sdk-logs";
import type { SpanProcessor } from "@opentelemetry/sdk-trace";
import { trace } from "@opentelemetry/api";
import type { LogEmitter, LoggerSource } from "./log-api.js";
import { globalLoggerProvider, hasGlobalTracerProvider } from "./otel-globals.js";
import { warnOnce } from "./report.js";
import type { CaptureMode } from "../capture/modes.js";
import { parseCaptureMode } from "../capture/modes.js";
import type { ContentPolicy } from "../capture/policy.js";
import { createPolicy } from "../capture/policy.js";
import type { RedactionRules } from "../capture/secrets.js";
import type { Identity } from "../context/identity.js";
import { identityFromEnv } from "../context/identity.js";
import { FRAMEWORK, VERSION } from "./version.js";
import type { DialectSet } from "../llm/dialect-set.js";
import { DEFAULT_DIALECTS, parseDialects } from "../llm/dialect-set.js";
import { DEFAULT_LLM_STRING_LENGTH } from "../llm/content-rules.js";

/** Process-wide settings that coat() reads on every call. register() writes them. */
export interface CoatSettings {
  /** `ENVPOD_COAT_CAPTURE`: wins over every option. */
  captureFromEnv: CaptureMode | undefined;
  /** register()'s `capture` option, when given. */
  captureOption: CaptureMode | undefined;
  /** The mode of coat()'s own records when neither the env nor the wrapper sets one. */
  captureDefault: CaptureMode;
  /** `ENVPOD_COAT_PREVIEW_LEN`, else the option, else 200: cap of each captured string. */
  previewLength: number;
  /** Emit log records (request / response / tie) beside spans. */
  logs: boolean;
  /** Include stack traces in exception events and error payloads. */
  errorStack: boolean;
  /** A claimed identity, when the embedding runtime provides one. */
  claimId: string | undefined;
  /** Extra redaction rules (register()'s `redact` option). */
  redaction: RedactionRules | undefined;
  /** `ENVPOD_COAT_HASH_KEY`, else the option: makes hash-mode digests keyed (HMAC-SHA256). */
  hashKey: string | undefined;
  /** `ENVPOD_COAT_DIALECTS`, else the option: the dialects spans are written in. */
  dialects: DialectSet;
  /** Cap of each message string on LLM spans (`llmStringLength`, `ENVPOD_COAT_LLM_STRING_LEN`); default 8192. */
  llmStringLength: number;
  /** The span attribute count limit the LLM messages must fit (`OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT`, default 128). */
  attributeCountLimit: number;
}

/**
 * What coat() and the processors read while they record: settings, identity, where records go.
 * The process has one (`state`); each recording of `agent-coat/testing` has its own.
 */
export interface Runtime {
  settings: CoatSettings;
  /** Bumped whenever settings or providers change, so wrappers can cache what they derive. */
  generation: number;
  identity: Identity;
  /** The tracer coat() records through: register()'s provider, else the global one, looked up on each use. */
  tracer: Tracer;
  /** Likewise for log records; a logger that counts and reports what it cannot deliver when no provider is reachable. */
  logger: LogEmitter;
  /** Content policies per mode for the current settings, built on first use. */
  policies: Map<CaptureMode, ContentPolicy>;
  /** A recording's own pipelines: spans and log records other providers' pipelines see inside it go there instead. */
  pipelines?: { readonly spans: SpanProcessor; readonly logs: LogRecordProcessor };
}

interface CoatState extends Runtime {
  /** Providers register() routes coat() to; undefined: the globals. */
  own: { tracer: Tracer | undefined; logger: LogEmitter | undefined };
  /** Recordings (agent-coat/testing) in progress: while there is none, no call looks for one. */
  recordings: number;
}

export const DEFAULT_PREVIEW_LENGTH = 200;

export function settingsFromEnv(env: Environment = process.env): CoatSettings {
  return {
    captureFromEnv: parseCaptureMode(env.ENVPOD_COAT_CAPTURE, "ENVPOD_COAT_CAPTURE"),
    captureOption: undefined,
    captureDefault: "none",
    previewLength: parsePreviewLength(env.ENVPOD_COAT_PREVIEW_LEN) ?? DEFAULT_PREVIEW_LENGTH,
    logs: true,
    errorStack: true,
    claimId: undefined,
    redaction: undefined,
    hashKey: env.ENVPOD_COAT_HASH_KEY || undefined,
    dialects: parseDialects(env.ENVPOD_COAT_DIALECTS, "ENVPOD_COAT_DIALECTS") ?? DEFAULT_DIALECTS,
    llmStringLength: parsePreviewLength(env.ENVPOD_COAT_LLM_STRING_LEN) ?? DEFAULT_LLM_STRING_LENGTH,
    attributeCountLimit: parsePreviewLength(env.OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT ?? env.OTEL_ATTRIBUTE_COUNT_LIMIT) ?? 128,
  };
}

export function parsePreviewLength(value: string | number | undefined): number | undefined {
  if (value === undefined || value === "") return undefined;
  const n = typeof value === "number" ? value : Number(value);
  return Number.isInteger(n) && n > 0 ? n : undefined;
}

// Shared through globalThis so that the ESM and CommonJS builds, if both get loaded, agree.
const STATE_KEY = Symbol.for("agent-coat.state/0.5");
type GlobalWithState = typeof globalThis & { [STATE_KEY]?: CoatState };

function createState(): CoatState {
  const settings = settingsFromEnv();
  const own: CoatState["own"] = { tracer: undefined, logger: undefined };
  return {
    settings,
    identity: identityFromEnv(settings.claimId),
    generation: 0,
    own,
    get tracer(): Tracer {
      return own.tracer ?? globalTracer();
    },
    set tracer(tracer: Tracer) {
      own.tracer = tracer;
    },
    get logger(): LogEmitter {
      return own.logger ?? globalLogger();
    },
    set logger(logger: LogEmitter) {
      own.logger = logger;
    },
    policies: new Map(),
    recordings: 0,
  };
}

// Nothing is cached from a provider that is not registered yet: a proxy taken before NodeSDK.start()
// from a copy of the API other than the one NodeSDK registered through would never be connected.
let tracerSource: TracerProvider | undefined;
let cachedTracer: Tracer | undefined;

function globalTracer(): Tracer {
  const provider = trace.getTracerProvider();
  if (provider !== tracerSource || cachedTracer === undefined) {
    tracerSource = provider;
    cachedTracer = provider.getTracer(FRAMEWORK, VERSION);
    if (!hasGlobalTracerProvider()) {
      warnOnce("no tracer provider", "coat() was called but no OpenTelemetry TracerProvider is registered: its spans go nowhere. Call register() or start your NodeSDK before the first call.");
    }
  }
  return cachedTracer;
}

let loggerSource: LoggerSource | undefined;
let cachedLogger: LogEmitter | undefined;

function globalLogger(): LogEmitter {
  const provider = globalLoggerProvider();
  if (provider === undefined) return UNDELIVERED;
  if (provider !== loggerSource || cachedLogger === undefined) {
    loggerSource = provider;
    cachedLogger = provider.getLogger(FRAMEWORK, VERSION);
  }
  return cachedLogger;
}

/** Where log records go while no logger provider is registered by any copy of the API: counted, reported once. */
const UNDELIVERED: LogEmitter & { dropped: number } = {
  dropped: 0,
  emit() {
    UNDELIVERED.dropped++;
    if (UNDELIVERED.dropped === 1) {
      warnOnce("no logger provider", "coat() made a log record but no OpenTelemetry LoggerProvider is registered (by @opentelemetry/api 1.10 or @opentelemetry/api-logs): its log records are dropped. Call register(), pass logRecordProcessors: coatLogProcessors() to your NodeSDK, or set logs: false.");
    }
  },
};

/** Log records dropped because no logger provider was reachable, since the process started. */
export function undeliveredLogRecords(): number {
  return UNDELIVERED.dropped;
}

export const state: CoatState = ((globalThis as GlobalWithState)[STATE_KEY] ??= createState());

/**
 * Routes coat()'s spans and logs to these providers, or back to the global API when undefined.
 * Called by register(); NodeSDK users never need it.
 */
export function useProviders(tracerProvider: TracerProvider | undefined, loggerProvider: LoggerSource | undefined): void {
  state.own.tracer = tracerProvider?.getTracer(FRAMEWORK, VERSION);
  state.own.logger = loggerProvider?.getLogger(FRAMEWORK, VERSION);
  state.generation++;
}

export function updateSettings(settings: CoatSettings, env: Environment = process.env): void {
  state.settings = settings;
  state.identity = identityFromEnv(settings.claimId, env);
  state.policies = new Map();
  state.generation++;
}

/** The process-wide mode: ENVPOD_COAT_CAPTURE, else register()'s option, else none. */
export function processMode(runtime: Runtime = state): CaptureMode {
  return runtime.settings.captureFromEnv ?? runtime.settings.captureDefault;
}

/** The policy that renders content in `mode`; undefined for none and raw, which need none. */
export function policyFor(mode: CaptureMode, runtime: Runtime = state): ContentPolicy | undefined {
  if (mode === "none" || mode === "raw") return undefined;
  let policy = runtime.policies.get(mode);
  if (policy === undefined) {
    policy = createPolicy(mode, runtime.settings.redaction, runtime.settings.hashKey);
    runtime.policies.set(mode, policy);
  }
  return policy;
}

const RUNTIME_KEY = Symbol.for("agent-coat.runtime");

/** The runtime of the recording `ctx` belongs to, else the process's. One integer test while nothing records. */
export function runtimeOf(ctx: Context): Runtime {
  if (state.recordings === 0) return state;
  return (ctx.getValue(RUNTIME_KEY) as Runtime | undefined) ?? state;
}

/** `ctx` with calls inside it recording through `runtime`. */
export function withRuntime(ctx: Context, runtime: Runtime): Context {
  return ctx.setValue(RUNTIME_KEY, runtime);
}

export function currentIdentity(): Identity {
  return state.identity;
}
