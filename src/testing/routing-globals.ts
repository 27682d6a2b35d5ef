/**
 * While recordings run in a process that registered no OpenTelemetry globals (the usual test
 * process), record() lends it a context manager, a tracer provider and a logger provider that send
 * what other libraries make inside a recording to that recording, and nothing anywhere else. They
 * are released when the last recording ends, unless someone replaced them meanwhile.
 */
import type { Context, Span, SpanOptions, Tracer, TracerProvider } from "@opentelemetry/api";
import { INVALID_SPAN_CONTEXT, context, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import type { LogEmitter, LoggerSource } from "../runtime/log-api.js";
import { claimLoggerProvider, globalLoggerProvider, hasGlobalContextManager, hasGlobalTracerProvider, releaseLoggerProvider } from "../runtime/otel-globals.js";
import type { Runtime } from "../runtime/state.js";
import { runtimeOf, state } from "../runtime/state.js";

/** What a recording offers the routing providers: its own providers. */
export interface RecordingProviders {
  readonly tracerProvider: TracerProvider;
  readonly loggerProvider: LoggerSource;
}

const recordings = new WeakMap<Runtime, RecordingProviders>();

export function registerRecording(runtime: Runtime, providers: RecordingProviders): void {
  recordings.set(runtime, providers);
}

function recordingOf(ctx: Context): RecordingProviders | undefined {
  const runtime = runtimeOf(ctx);
  return runtime === state ? undefined : recordings.get(runtime);
}

type ActiveFn = (span: Span) => unknown;

class RoutingTracer implements Tracer {
  constructor(
    private readonly name: string,
    private readonly version: string | undefined,
  ) {}

  startSpan(name: string, options?: SpanOptions, ctx: Context = context.active()): Span {
    const recording = recordingOf(ctx);
    if (recording !== undefined) return recording.tracerProvider.getTracer(this.name, this.version).startSpan(name, options, ctx);
    return trace.wrapSpanContext(trace.getSpanContext(ctx) ?? INVALID_SPAN_CONTEXT);
  }

  startActiveSpan<F extends ActiveFn>(name: string, ...rest: unknown[]): ReturnType<F> {
    const fn = rest.pop() as F;
    const [options, ctx = context.active()] = rest as [SpanOptions | undefined, Context | undefined];
    const span = this.startSpan(name, options, ctx);
    return context.with(trace.setSpan(ctx, span), fn as (span: Span) => ReturnType<F>, undefined, span);
  }
}

const routingTracerProvider: TracerProvider = {
  getTracer: (name: string, version?: string) => new RoutingTracer(name, version),
};

const routingLoggerProvider: LoggerSource = {
  getLogger(name: string, version?: string): LogEmitter {
    return {
      emit(record) {
        const ctx = (record as { context?: Context }).context ?? context.active();
        recordingOf(ctx)?.loggerProvider.getLogger(name, version).emit(record);
      },
    };
  },
};

interface Lent {
  contextManager: AsyncLocalStorageContextManager | undefined;
  tracerProvider: boolean;
  logs: { modern: boolean; legacy: boolean } | undefined;
}

let users = 0;
let lent: Lent | undefined;

/** Called when a recording starts: lends what is missing. */
export function acquireGlobals(): void {
  if (users++ > 0) return;
  const own: Lent = { contextManager: undefined, tracerProvider: false, logs: undefined };
  if (!hasGlobalContextManager()) {
    const manager = new AsyncLocalStorageContextManager().enable();
    if (context.setGlobalContextManager(manager)) own.contextManager = manager;
  }
  if (!hasGlobalTracerProvider()) own.tracerProvider = trace.setGlobalTracerProvider(routingTracerProvider);
  if (globalLoggerProvider() === undefined) own.logs = claimLoggerProvider(routingLoggerProvider);
  lent = own;
}

/** Called when a recording ends: the last one gives back what was lent and is still in place. */
export function releaseGlobals(): void {
  if (--users > 0 || lent === undefined) return;
  const own = lent;
  lent = undefined;
  if (own.logs !== undefined) releaseLoggerProvider(routingLoggerProvider, own.logs);
  if (own.tracerProvider && hasGlobalTracerProvider(routingTracerProvider)) trace.disable();
  if (own.contextManager !== undefined && hasGlobalContextManager(own.contextManager)) context.disable();
}
