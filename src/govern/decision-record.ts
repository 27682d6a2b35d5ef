import type { Attributes } from "@opentelemetry/api";
import { captureValue, renderText } from "../capture/content.js";
import { previewPart } from "../dialects/envpod.js";
import { POLICY_DECISION_EVENT, PolicyKey } from "../dialects/keys.js";
import type { AnyValueMap } from "../runtime/log-api.js";
import type { CoatCall } from "../wrap/call.js";
import type { Coating } from "../wrap/coating.js";
import type { Evaluation, Verdict } from "./verdict.js";

/** How a pause ended. */
export interface ApprovalFacts {
  readonly approved: boolean;
  readonly by: string | undefined;
  /** ISO time of the answer (or of giving up). */
  readonly at: string;
  readonly waitedMs: number;
  /** Why it was denied when no one approved: timed out, no approver, the approver failed. */
  readonly note: string | undefined;
}

/**
 * Records a verdict on its call. A plain allow is attributes on the call's span (the decision and
 * every policy evaluated) and log records (the decision); any
 * other decision (alerts and changed arguments included) also a span event and a decision log
 * record, in the call's chain.
 */
export function recordVerdict(call: CoatCall | undefined, verdict: Verdict, stage: "call" | "result", approval?: ApprovalFacts): void {
  if (call === undefined) return;
  const coating = call.coating;
  const kind = verdict.decision.kind;
  const evaluated = verdict.evaluated.map((e) => `${e.policy}=${e.decision}`);
  const plain = kind === "allow" && verdict.alerts.length === 0 && verdict.changed.length === 0;
  if (plain) {
    if (stage === "call") call.addPolicyAttributes({ [PolicyKey.DECISION]: "allow" }, { [PolicyKey.EVALUATED]: evaluated });
    return;
  }
  const reason = shown(coating, verdict.decision.reason || (verdict.alerts[0]?.reason ?? ""));
  const attributes: Attributes = { [PolicyKey.DECISION]: kind, [PolicyKey.STAGE]: stage, [PolicyKey.EVALUATED]: evaluated, [PolicyKey.LATENCY_MS]: verdict.ms };
  if (verdict.by !== undefined) attributes[PolicyKey.POLICY] = verdict.by;
  if (reason !== "") attributes[PolicyKey.REASON] = reason;
  if (verdict.changed.length > 0) attributes[PolicyKey.CHANGED] = [...verdict.changed];
  if (approval !== undefined) {
    attributes[PolicyKey.APPROVED] = approval.approved;
    if (approval.by !== undefined) attributes[PolicyKey.APPROVED_BY] = approval.by;
    attributes[PolicyKey.APPROVED_AT] = approval.at;
  }
  if (stage === "call") {
    const onCall: Attributes = { [PolicyKey.DECISION]: kind };
    if (verdict.by !== undefined) onCall[PolicyKey.POLICY] = verdict.by;
    call.addPolicyAttributes(onCall, { [PolicyKey.EVALUATED]: evaluated });
  }
  const part: AnyValueMap = { decision: kind, stage, latency_ms: verdict.ms, evaluated: verdict.evaluated.map((e) => evaluationPart(coating, e)) };
  if (verdict.by !== undefined) part.policy = verdict.by;
  if (reason !== "") part.reason = reason;
  if (verdict.changed.length > 0) part.changed = [...verdict.changed];
  if (verdict.alerts.length > 0) part.alerts = verdict.alerts.map((a) => ({ policy: a.policy, reason: shown(coating, a.reason) }));
  if (approval !== undefined) {
    const a: AnyValueMap = { approved: approval.approved, at: approval.at, waited_ms: approval.waitedMs };
    if (approval.by !== undefined) a.by = approval.by;
    if (approval.note !== undefined) a.note = approval.note;
    part.approval = a;
  }
  const payload: AnyValueMap = { fn: coating.fn, policy: part };
  if (verdict.changed.length > 0 && coating.mode !== "none") {
    // The arguments the call ran with, as the capture mode shows arguments.
    const captured = captureValue(verdict.args, coating.previewLength, false, coating.policy, coating.snapshotShape);
    payload.preview = previewPart("input", captured.text, captured.isJson);
  }
  const stopped = kind === "block" || (kind === "pause" && approval?.approved !== true);
  call.policyRecord(POLICY_DECISION_EVENT, payload, attributes, stopped);
}

function evaluationPart(coating: Coating, e: Evaluation): AnyValueMap {
  const part: AnyValueMap = { policy: e.policy, decision: e.decision, ms: e.ms };
  if (e.reason !== "") part.reason = shown(coating, e.reason);
  if (e.error !== undefined) part.error = shown(coating, e.error);
  if (e.because !== undefined) part.because = e.because.map((b) => evaluationPart(coating, b));
  return part;
}

/** A policy's reason is the policy's own text; in the redacted mode secrets in it are scrubbed like any content. */
function shown(coating: Coating, text: string): string {
  return coating.mode === "redacted" && text !== "" ? renderText(text, 4 * coating.previewLength, coating.policy) : text;
}
