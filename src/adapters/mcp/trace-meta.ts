import type { Context } from "@opentelemetry/api";
import { createTraceState, trace } from "@opentelemetry/api";

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/**
 * The W3C trace context of `ctx`'s span as MCP request `_meta` fields (`traceparent`,
 * `tracestate`), as the MCP OpenTelemetry proposals carry it; empty when there is no valid span.
 */
export function traceMeta(ctx: Context): Record<string, string> {
  const span = trace.getSpanContext(ctx);
  if (span === undefined || !trace.isSpanContextValid(span)) return {};
  const meta: Record<string, string> = { traceparent: `00-${span.traceId}-${span.spanId}-${(span.traceFlags & 0xff).toString(16).padStart(2, "0")}` };
  const state = span.traceState?.serialize();
  if (state) meta.tracestate = state;
  return meta;
}

/** `base` with the remote parent a request's `_meta.traceparent` names; `base` itself when there is none (or it is malformed). */
export function contextFromMeta(meta: unknown, base: Context): Context {
  if (meta === null || typeof meta !== "object") return base;
  const { traceparent, tracestate } = meta as { traceparent?: unknown; tracestate?: unknown };
  const match = typeof traceparent === "string" ? TRACEPARENT.exec(traceparent) : null;
  if (match === null) return base;
  const [, traceId, spanId, flags] = match as unknown as [string, string, string, string];
  const spanContext = { traceId, spanId, traceFlags: Number.parseInt(flags, 16), isRemote: true, ...(typeof tracestate === "string" && tracestate !== "" && { traceState: createTraceState(tracestate) }) };
  return trace.isSpanContextValid(spanContext) ? trace.setSpanContext(base, spanContext) : base;
}
