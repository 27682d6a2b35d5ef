import type { Attributes } from "@opentelemetry/api";
import { context, trace } from "@opentelemetry/api";
import type { AnyValueMap } from "../runtime/log-api.js";
import type { CoatCall } from "./call.js";
import { captureValue } from "../capture/content.js";
import type { EnvelopeFacts, RecordIds } from "../dialects/envpod.js";
import { idAttributes } from "../dialects/envpod.js";
import { AOTP_SPEC, AotpKey, EnvpodKey } from "../dialects/keys.js";
import { emitRecord } from "./emit.js";
import { newId } from "../context/ids.js";
import { FREE_EVENT_KIND } from "../dialects/ops.js";
import { claimKind } from "../context/identity.js";
import { reportOnce } from "../runtime/report.js";
import { scopeOf } from "../context/scope.js";
import { policyFor, processMode, state } from "../runtime/state.js";

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
    const settings = state.settings;
    if (!settings.logs) return;
    const mode = processMode();
    const spanContext = trace.getSpanContext(ctx);
    const ids: RecordIds = {
      sessionId: scope.sessionId,
      runId: scope.runId,
      stepId: newId("step"),
      traceId: spanContext?.traceId ?? "",
      spanId: spanContext?.spanId ?? "",
      parentSpanId: "",
      correlationId: scope.correlationId,
    };
    const identity = state.identity;
    const facts: EnvelopeFacts = { op: "event", fn: "", mode, intent: undefined, action: undefined, identity };
    const attributes: Attributes = {
      [AotpKey.SPEC]: AOTP_SPEC,
      [AotpKey.OP]: FREE_EVENT_KIND,
      [EnvpodKey.PID]: identity.pid,
      [EnvpodKey.CAPTURE_MODE]: mode,
      [EnvpodKey.CLAIM_KIND]: claimKind(identity),
      [EnvpodKey.TIE_NAME]: String(name),
    };
    idAttributes(ids, identity, attributes);
    const payload: AnyValueMap = { event: String(name) };
    if (mode !== "none" && data !== undefined) {
      const captured = captureValue(data, settings.previewLength, settings.errorStack, policyFor(mode));
      attributes[EnvpodKey.TIE_DATA] = captured.text;
      payload.preview = { data: captured.preview } as AnyValueMap;
    }
    emitRecord(FREE_EVENT_KIND, false, ids, facts, payload, attributes, ctx);
  } catch (error) {
    reportOnce("tie()", error);
  }
}

/** `emit` is `tie` for fingers that prefer the usual observability verb. */
export const emit = tie;

