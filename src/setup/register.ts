import type { Environment } from "../runtime/environment.js";
import { context, propagation, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from "@opentelemetry/core";
import { defaultResource, detectResources, envDetector, resourceFromAttributes } from "@opentelemetry/resources";
import type { Resource } from "@opentelemetry/resources";
import { LoggerProvider } from "@opentelemetry/sdk-logs";
import { TracerProvider } from "@opentelemetry/sdk-trace";
import { ATTR_SERVICE_NAME } from "@opentelemetry/semantic-conventions";
import { useProviders } from "../runtime/state.js";
import { exitTimeout, resolveDestinations } from "./destinations.js";
import { runExitHooks } from "../runtime/exit-hooks.js";
import { coatDeliveryMetrics } from "../delivery/delivery-metrics.js";
import { writeLossRecords } from "./durable-destination.js";
import { setupLogPipeline, setupSpanPipeline } from "./processors.js";
import { claimLoggerProvider, globalLoggerProvider, releaseLoggerProvider } from "../runtime/otel-globals.js";
import { warnOnce } from "../runtime/report.js";
import { tracerSettingsFromEnv } from "./trace-env.js";
import type { RegisterOptions } from "./options.js";
import { applySettings } from "./settings.js";
import { setGovernance } from "../govern/governance.js";
import { usePolicyMeterProvider } from "../govern/policy-metrics.js";

/** What register() returns: the providers it built and how to flush and stop them. */
export interface CoatTelemetry {
  readonly tracerProvider: TracerProvider;
  readonly loggerProvider: LoggerProvider;
  /** Where records go, e.g. `["otlp http/protobuf traces → …", "file coat.jsonl"]`. */
  readonly destinations: readonly string[];
  /** Whether this registration owns the OpenTelemetry globals (false beside another provider). */
  readonly global: boolean;
  /** Exports everything buffered. Resolves even if an export failed (reported through diag). */
  forceFlush(): Promise<void>;
  /** Flushes, then stops both providers and releases the globals it took. Idempotent. */
  shutdown(): Promise<void>;
}

let active: CoatTelemetry | undefined;

/**
 * One call at startup: builds a tracer and a logger provider with agent-coat's processors and
 * exporters, from the options, the OTEL_* and ENVPOD_* variables, then defaults.
 *
 * Called again while a registration is live, it returns that registration (its options stay) and
 * warns. Beside a provider someone else registered globally, coat() still records through this
 * registration's providers, while other libraries keep using theirs: nothing is lost either way.
 */
export function register(options: RegisterOptions = {}): CoatTelemetry {
  if (active !== undefined) {
    warnOnce("register() again", "register() was already called; returning the existing registration (call shutdown() first to change its options)");
    return active;
  }
  const env = options.env ?? process.env;
  setGovernance({ policies: options.policies, approver: options.approver, debug: options.policyDebug });
  applySettings(options, env);
  const resource = buildResource(options, env);
  const destinations = resolveDestinations(options, env, { spans: true, logs: true }, String(resource.attributes[ATTR_SERVICE_NAME] ?? ""));
  const tracerProvider = new TracerProvider({
    ...tracerSettingsFromEnv(env),
    resource,
    spanProcessors: [setupSpanPipeline(destinations, options, env), ...(options.spanProcessors ?? [])],
  });
  const loggerProvider = new LoggerProvider({
    resource,
    processors: [setupLogPipeline(destinations, options, env), ...(options.logRecordProcessors ?? [])],
  });

  const contextManager = new AsyncLocalStorageContextManager();
  const ownsContext = context.setGlobalContextManager(contextManager);
  const ownsTrace = trace.setGlobalTracerProvider(tracerProvider);
  const logsTaken = claimLoggerProvider(loggerProvider);
  // Owned when it is the provider every copy of the API now hands out (a slot taken beside a
  // provider someone else registered in the other slot does not count).
  const ownsLogs = globalLoggerProvider() === loggerProvider;
  const ownsPropagation = ownsTrace && propagation.setGlobalPropagator(new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }));
  if (!ownsTrace || !ownsLogs) {
    warnOnce("beside another provider", "another OpenTelemetry provider is registered globally; coat() records through agent-coat's own providers, other libraries keep using the existing one");
  }
  useProviders(tracerProvider, loggerProvider);
  coatDeliveryMetrics(options.meterProvider);
  usePolicyMeterProvider(options.meterProvider);

  let stopped: Promise<void> | undefined;
  const handle: CoatTelemetry = {
    tracerProvider,
    loggerProvider,
    destinations: destinations.described,
    global: ownsTrace && ownsLogs,
    forceFlush: () => flush(tracerProvider, loggerProvider),
    shutdown: () =>
      (stopped ??= (async () => {
        process.off("beforeExit", onBeforeExit);
        offSignals();
        writeLossRecords();
        await flush(tracerProvider, loggerProvider);
        await Promise.allSettled([tracerProvider.shutdown(), loggerProvider.shutdown()]);
        if (active === handle) active = undefined;
        if (ownsTrace) trace.disable();
        releaseLoggerProvider(loggerProvider, logsTaken);
        if (ownsPropagation) propagation.disable();
        if (ownsContext) context.disable();
        useProviders(undefined, undefined);
      })()),
  };
  // A process that ends without shutdown() would lose what is still buffered.
  const onBeforeExit = () => void handle.shutdown();
  process.once("beforeExit", onBeforeExit);
  const offSignals = flushOnSignals(handle, exitTimeout(options, env) ?? DEFAULT_EXIT_TIMEOUT_MS);
  active = handle;
  return handle;
}

const DEFAULT_EXIT_TIMEOUT_MS = 5000;
const SIGNALS = ["SIGTERM", "SIGINT"] as const;

/**
 * SIGTERM and SIGINT: flush within the deadline, spooling what cannot be sent. When agent-coat's
 * is the only listener, it then stops and re-raises the signal, so the process ends as it would
 * have (killed by that signal); beside the user's own listeners it flushes and leaves the exit to them.
 */
function flushOnSignals(handle: CoatTelemetry, deadlineMs: number): () => void {
  const listeners = SIGNALS.map((signal) => {
    const listener = () => {
      const alone = process.listenerCount(signal) === 1;
      const work = alone ? handle.shutdown() : handle.forceFlush();
      let timer: NodeJS.Timeout | undefined;
      void Promise.race([work, new Promise<void>((resolve) => (timer = setTimeout(resolve, deadlineMs + 1000)))]).then(() => {
        clearTimeout(timer);
        if (!alone) return;
        runExitHooks();
        process.off(signal, listener);
        process.kill(process.pid, signal);
      });
    };
    process.on(signal, listener);
    return [signal, listener] as const;
  });
  return () => {
    for (const [signal, listener] of listeners) process.off(signal, listener);
  };
}

async function flush(tracerProvider: TracerProvider, loggerProvider: LoggerProvider): Promise<void> {
  const results = await Promise.allSettled([tracerProvider.forceFlush(), loggerProvider.forceFlush()]);
  for (const result of results) {
    if (result.status === "rejected") warnOnce("flush failed", `flush failed: ${String(result.reason)}`);
  }
}

function buildResource(options: RegisterOptions, env: Environment): Resource {
  let resource = defaultResource();
  if (options.env === undefined) resource = resource.merge(detectResources({ detectors: [envDetector] }));
  else resource = resource.merge(resourceFromEnv(env));
  const own = { ...options.resourceAttributes };
  if (options.serviceName) own[ATTR_SERVICE_NAME] = options.serviceName;
  return resource.merge(resourceFromAttributes(own));
}

/** OTEL_RESOURCE_ATTRIBUTES and OTEL_SERVICE_NAME from an explicit environment. */
function resourceFromEnv(env: Environment): Resource {
  const attributes: Record<string, string> = {};
  for (const pair of (env.OTEL_RESOURCE_ATTRIBUTES ?? "").split(",")) {
    const eq = pair.indexOf("=");
    if (eq > 0) attributes[decodeURIComponent(pair.slice(0, eq).trim())] = decodeURIComponent(pair.slice(eq + 1).trim());
  }
  if (env.OTEL_SERVICE_NAME?.trim()) attributes[ATTR_SERVICE_NAME] = env.OTEL_SERVICE_NAME.trim();
  return resourceFromAttributes(attributes);
}
