import type { Attributes } from "@opentelemetry/api";
import { context, trace } from "@opentelemetry/api";
import type { Captured } from "../capture/content.js";
import { newId } from "../context/ids.js";
import { scopeOf } from "../context/scope.js";
import type { RecordIds } from "../dialects/envpod.js";
import { idAttributes, previewPart, recordAttributes } from "../dialects/envpod.js";
import { sessionAttribute } from "../dialects/openinference.js";
import { Op } from "../dialects/ops.js";
import { markOwn, markRendered } from "../runtime/own-marks.js";
import { reportOnce } from "../runtime/report.js";
import { runtimeOf } from "../runtime/state.js";
import { CoatCall } from "./call.js";
import { captureInputInto } from "./capture-hook.js";
import type { Coating } from "./coating.js";
import { emitRecord } from "./emit.js";
import { LlmRecorder } from "../llm/llm-recorder.js";

/**
 * Starts the span and the request record of one call. Returns undefined if telemetry itself
 * fails, in which case the caller runs the function bare.
 */
export function startCall(wrapper: Coating, args: ArrayLike<unknown>, deferStart = false): CoatCall | undefined {
  try {
    const parent = context.active();
    const coating = wrapper.in(runtimeOf(parent));
    coating.refresh();
    const outer = scopeOf(parent);
    const span = coating.runtime.tracer.startSpan(coating.spanName, { attributes: coating.staticAttributes }, parent);
    const spanContext = span.spanContext();
    const op = coating.op;
    const sessionId = op === Op.SESSION ? newId("sess") : outer.sessionId;
    const ids: RecordIds = {
      sessionId,
      runId: op === Op.SESSION || op === Op.RUN ? newId("run") : outer.runId,
      stepId: `step_${spanContext.spanId}`,
      traceId: spanContext.traceId,
      spanId: spanContext.spanId,
      parentSpanId: trace.getSpanContext(parent)?.spanId ?? "",
      correlationId: outer.correlationId,
      idsPart: undefined,
    };
    markOwn(span, ids.stepId);
    const perCall: Attributes = {};
    const dialects = coating.dialects;
    if (dialects.envpod) idAttributes(ids, coating.identity, perCall);
    if (dialects.openinference) sessionAttribute(sessionId, perCall);
    let input: Captured | undefined;
    if (coating.mode !== "none") input = captureInputInto(coating, span, args, perCall);
    const llm = coating.llmRules === undefined ? undefined : LlmRecorder.start(coating, args, coating.staticAttributeCount + 8, perCall);
    if (llm !== undefined) markRendered(span, perCall);
    span.setAttributes(perCall);
    // Log records carry the input once, in the envelope, and only the routing keys as attributes.
    const logAttributes = coating.logs ? recordAttributes(ids, coating.op, coating.fn) : undefined;
    const call = new CoatCall(coating, span, parent, ids, logAttributes, llm, outer.call as CoatCall | undefined);
    if (logAttributes !== undefined) {
      // A gated call's request record waits for the decision, which it then carries; an ungated
      // call's goes out now, without a closure on its path.
      if (deferStart) call.pendingStart = () => emitStartRecord(coating, ids, input, logAttributes, call);
      else {
        try {
          emitStartRecord(coating, ids, input, logAttributes, call);
        } catch (error) {
          reportOnce("emitting a log record", error);
        }
      }
    }
    return call;
  } catch (error) {
    reportOnce("starting a call", error);
    return undefined;
  }
}

function emitStartRecord(coating: Coating, ids: RecordIds, input: Captured | undefined, logAttributes: Attributes, call: CoatCall): void {
  emitRecord(coating.spec.start, false, ids, coating, input === undefined ? { fn: coating.fn } : { fn: coating.fn, preview: previewPart("input", input.text, input.isJson) }, logAttributes, call.ctx);
}
