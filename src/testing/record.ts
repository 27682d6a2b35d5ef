import { context, trace } from "@opentelemetry/api";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { LoggerProvider } from "@opentelemetry/sdk-logs";
import { TracerProvider } from "@opentelemetry/sdk-trace";
import { ATTR_SERVICE_NAME } from "@opentelemetry/semantic-conventions";
import type { CaptureMode } from "../capture/modes.js";
import { parseCaptureMode } from "../capture/modes.js";
import type { RedactionRules } from "../capture/secrets.js";
import { withSession } from "../context/scope.js";
import { identityFromEnv } from "../context/identity.js";
import type { Runtime } from "../runtime/state.js";
import { state, withRuntime } from "../runtime/state.js";
import { FRAMEWORK, VERSION } from "../runtime/version.js";
import type { SealOptions } from "../seal/options.js";
import { logPipeline, spanPipeline } from "../setup/processors.js";
import { MemoryOtlpLines } from "./memory-exporters.js";
import { acquireGlobals, registerRecording, releaseGlobals } from "./routing-globals.js";
import type { Trace } from "./trace-model.js";
import { traceFromLines } from "./trace-model.js";

export interface RecordOptions {
  /** The capture mode of the recording (default `raw`); `ENVPOD_COAT_CAPTURE` does not apply. */
  capture?: CaptureMode;
  /** Redaction rules, as register()'s `redact` (default: register()'s, if any). */
  redact?: RedactionRules;
  /** Seal options (default: sealed, checkpoints unsigned); `false` records unsealed. */
  seal?: SealOptions | false;
  /** `service.name` of the recorded resource (default `agent-coat-test`). */
  serviceName?: string;
}

/**
 * Runs `fn` with every span and log record made in its async context — coat()'s, the adapters',
 * other libraries' — recorded into memory through agent-coat's processors (capture, redaction,
 * seal: a chain of its own), and returns the trace. Nothing is exported and no global setting
 * changes; recordings running at the same time do not see each other's calls.
 *
 * If `fn` throws, the error is rethrown with the trace attached as `error.trace`.
 */
export async function record(fn: () => unknown, options: RecordOptions = {}): Promise<Trace> {
  if (typeof fn !== "function") throw new TypeError("agent-coat/testing: record(fn) needs a function to run");
  const mode = parseCaptureMode(options.capture ?? "raw", "record()'s capture option") ?? "raw";
  const sink = new MemoryOtlpLines();
  const runtime = recordingRuntime(mode, options);
  const resource = resourceFromAttributes({ [ATTR_SERVICE_NAME]: options.serviceName ?? "agent-coat-test" });
  const seal = options.seal === false ? undefined : { key: false as const, ...options.seal };
  const spans = spanPipeline([sink.spans], seal, runtime);
  const logs = logPipeline([sink.logs], seal, runtime);
  const tracerProvider = new TracerProvider({ resource, spanProcessors: [spans] });
  const loggerProvider = new LoggerProvider({ resource, processors: [logs] });
  Object.assign(runtime, { tracer: tracerProvider.getTracer(FRAMEWORK, VERSION), logger: loggerProvider.getLogger(FRAMEWORK, VERSION), pipelines: { spans, logs } });
  registerRecording(runtime, { tracerProvider, loggerProvider });

  acquireGlobals();
  state.recordings++;
  let failure: { error: unknown } | undefined;
  try {
    // Calls of the recording are roots of their own traces, in a session of their own.
    const ctx = withRuntime(trace.deleteSpan(context.active()), runtime);
    await context.with(ctx, () => withSession(fn));
  } catch (error) {
    failure = { error };
  } finally {
    state.recordings--;
    releaseGlobals();
  }
  await tracerProvider.forceFlush();
  await loggerProvider.forceFlush();
  await Promise.allSettled([tracerProvider.shutdown(), loggerProvider.shutdown()]);
  const recorded = traceFromLines(sink.lines);
  if (failure !== undefined) {
    if (failure.error !== null && typeof failure.error === "object") Object.defineProperty(failure.error, "trace", { value: recorded, configurable: true });
    throw failure.error;
  }
  return recorded;
}

function recordingRuntime(mode: CaptureMode, options: RecordOptions): Runtime {
  const settings = { ...state.settings, captureFromEnv: undefined, captureOption: mode, captureDefault: mode, logs: true, redaction: options.redact ?? state.settings.redaction };
  return {
    settings,
    generation: 0,
    identity: identityFromEnv(settings.claimId),
    tracer: undefined as never,
    logger: undefined as never,
    policies: new Map(),
  };
}
