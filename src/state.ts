import type { Environment } from "./environment.js";
import type { Tracer, TracerProvider } from "@opentelemetry/api";
import { trace } from "@opentelemetry/api";
import type { Logger, LoggerProvider } from "@opentelemetry/api-logs";
import { logs } from "@opentelemetry/api-logs";
import type { CaptureMode } from "./capture/modes.js";
import { parseCaptureMode } from "./capture/modes.js";
import type { Identity } from "./identity.js";
import { identityFromEnv } from "./identity.js";
import { FRAMEWORK, VERSION } from "./version.js";

/** Process-wide settings that coat() reads on every call. register() writes them. */
export interface CoatSettings {
  /** `ENVPOD_COAT_CAPTURE`: wins over every option. */
  captureFromEnv: CaptureMode | undefined;
  /** register()'s `capture` option. */
  captureDefault: CaptureMode;
  /** `ENVPOD_COAT_PREVIEW_LEN`, else the option, else 200: cap of each captured string. */
  previewLength: number;
  /** Emit log records (request / response / tie) beside spans. */
  logs: boolean;
  /** Include stack traces in exception events and error payloads. */
  errorStack: boolean;
  /** A claimed identity, when the embedding runtime provides one. */
  claimId: string | undefined;
}

interface CoatState {
  settings: CoatSettings;
  /** Bumped whenever settings or providers change, so wrappers can cache what they derive. */
  generation: number;
  identity: Identity;
  tracer: Tracer;
  logger: Logger;
}

export const DEFAULT_PREVIEW_LENGTH = 200;

export function settingsFromEnv(env: Environment = process.env): CoatSettings {
  return {
    captureFromEnv: parseCaptureMode(env.ENVPOD_COAT_CAPTURE, "ENVPOD_COAT_CAPTURE"),
    captureDefault: "none",
    previewLength: parsePreviewLength(env.ENVPOD_COAT_PREVIEW_LEN) ?? DEFAULT_PREVIEW_LENGTH,
    logs: true,
    errorStack: true,
    claimId: undefined,
  };
}

export function parsePreviewLength(value: string | number | undefined): number | undefined {
  if (value === undefined || value === "") return undefined;
  const n = typeof value === "number" ? value : Number(value);
  return Number.isInteger(n) && n > 0 ? n : undefined;
}

// Shared through globalThis so that the ESM and CommonJS builds, if both get loaded, agree.
const STATE_KEY = Symbol.for("agent-coat.state/0.1");
type GlobalWithState = typeof globalThis & { [STATE_KEY]?: CoatState };

function createState(): CoatState {
  const settings = settingsFromEnv();
  return {
    settings,
    identity: identityFromEnv(settings.claimId),
    generation: 0,
    tracer: trace.getTracer(FRAMEWORK, VERSION),
    logger: logs.getLogger(FRAMEWORK, VERSION),
  };
}

export const state: CoatState = ((globalThis as GlobalWithState)[STATE_KEY] ??= createState());

/**
 * Routes coat()'s spans and logs to these providers, or back to the global API when undefined.
 * Called by register(); NodeSDK users never need it.
 */
export function useProviders(tracerProvider: TracerProvider | undefined, loggerProvider: LoggerProvider | undefined): void {
  state.tracer = (tracerProvider ?? trace.getTracerProvider()).getTracer(FRAMEWORK, VERSION);
  state.logger = (loggerProvider ?? logs.getLoggerProvider()).getLogger(FRAMEWORK, VERSION);
  state.generation++;
}

export function updateSettings(settings: CoatSettings, env: Environment = process.env): void {
  state.settings = settings;
  state.identity = identityFromEnv(settings.claimId, env);
  state.generation++;
}

export function currentIdentity(): Identity {
  return state.identity;
}
