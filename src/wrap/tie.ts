import { context, trace } from "@opentelemetry/api";
import type { AnyValueMap } from "../runtime/log-api.js";
import type { CoatCall } from "./call.js";
import { captureValue } from "../capture/content.js";
import type { EnvelopeFacts, RecordIds } from "../dialects/envpod.js";
import { previewPart, recordAttributes } from "../dialects/envpod.js";
import { EnvpodKey } from "../dialects/keys.js";
import { emitRecord } from "./emit.js";
import { newId } from "../context/ids.js";
import { FREE_EVENT_KIND } from "../dialects/ops.js";
import { reportOnce } from "../runtime/report.js";
import { scopeOf } from "../context/scope.js";
import { policyFor, processMode, runtimeOf } from "../runtime/state.js";

/**
 * Records intermediate state from inside a wrapped call: a span event on the active coat span
 * and a log record. Outside any coat call it still emits the log record. Never throws.
 */
export function tie(name: string, data?: unknown): void {
  try {
    const ctx = context.active();
    const scope = scopeOf(ctx);
    const call = scope.call as CoatCall | undefined;
    if (call !== undefined && call.event(String(name), data)) return;
    const runtime = runtimeOf(ctx);
    const settings = runtime.settings;
    if (!settings.logs) return;
    const mode = processMode(runtime);
    const spanContext = trace.getSpanContext(ctx);
    const ids: RecordIds = {
      sessionId: scope.sessionId,
      runId: scope.runId,
      stepId: newId("step"),
      traceId: spanContext?.traceId ?? "",
      spanId: spanContext?.spanId ?? "",
      parentSpanId: "",
      correlationId: scope.correlationId,
      idsPart: undefined,
    };
    const identity = runtime.identity;
    const facts: EnvelopeFacts = { op: FREE_EVENT_OP, fn: "", mode, intent: undefined, action: undefined, identity };
    // Routing keys and the tie's name as attributes; its data once, in the envelope.
    const attributes = recordAttributes(ids, FREE_EVENT_OP, "");
    attributes[EnvpodKey.TIE_NAME] = String(name);
    const payload: AnyValueMap = { fn: "", event: String(name) };
    if (mode !== "none" && data !== undefined) {
      const captured = captureValue(data, settings.previewLength, settings.errorStack, policyFor(mode, runtime));
      payload.preview = previewPart("data", captured.text, captured.isJson);
    }
    emitRecord(FREE_EVENT_KIND, false, ids, facts, payload, attributes, ctx);
  } catch (error) {
    reportOnce("tie()", error);
  }
}

/** The `envpod.op` of a tie() outside any call, as its envelope's `envpod.op` says. */
const FREE_EVENT_OP = "event";

/** `emit` is `tie` for fingers that prefer the usual observability verb. */
export const emit = tie;

