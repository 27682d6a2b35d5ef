import type { FileLog } from "../cli/otlp-json.js";
import { POLICY_DECISION_EVENT, PolicyKey, SealKey } from "../dialects/keys.js";
import type { Trace, TraceCall } from "../testing/trace-model.js";

/** One decision as `coat audit` lists it, with the ids of the record that holds it. */
export interface AuditRow {
  time: string;
  session_id: string;
  run_id: string;
  trace_id: string;
  span_id: string;
  op: string;
  name: string;
  stage: string;
  decision: string;
  policy: string;
  reason: string;
  latency_ms: number | "";
  evaluated: string;
  approved: boolean | "";
  approved_by: string;
  approved_at: string;
  /** `log` (a decision record) or `span` (an allow, on the call's span). */
  record: "log" | "span";
  seal_chain: string;
  seal_seq: number | "";
}

export const AUDIT_COLUMNS: readonly (keyof AuditRow)[] = ["time", "session_id", "run_id", "trace_id", "span_id", "op", "name", "stage", "decision", "policy", "reason", "latency_ms", "evaluated", "approved", "approved_by", "approved_at", "record", "seal_chain", "seal_seq"];

/** Every decision in a trace: each decision record, and each allow written on a call's span, in time order. */
export function auditRows(trace: Trace): AuditRow[] {
  const rows: AuditRow[] = [];
  const runOf = new Map<TraceCall, { runId: string; sessionId: string }>();
  for (const run of trace.runs) {
    const walk = (calls: readonly TraceCall[]) => {
      for (const call of calls) {
        runOf.set(call, run);
        walk(call.children);
      }
    };
    walk(run.calls);
  }
  for (const call of trace.calls) {
    const run = runOf.get(call) ?? { runId: "", sessionId: "" };
    const records = call.logs.filter((l) => l.eventName === POLICY_DECISION_EVENT);
    for (const record of records) rows.push(fromRecord(call, run, record));
    if (records.length === 0 && call.attributes[PolicyKey.DECISION] === "allow") rows.push(fromSpan(call, run));
  }
  return rows.sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0));
}

function fromRecord(call: TraceCall, run: { runId: string; sessionId: string }, record: FileLog): AuditRow {
  const payload = asObject(asObject(record.body).payload);
  const part = asObject(payload.policy);
  const approval = asObject(part.approval);
  const evaluated = Array.isArray(part.evaluated) ? part.evaluated.map((e) => `${String(asObject(e).policy)}=${String(asObject(e).decision)}`).join(";") : "";
  return {
    ...base(call, run, record.attributes),
    time: isoOf(record.timeNs),
    stage: str(part.stage),
    decision: str(part.decision),
    policy: str(part.policy),
    reason: str(part.reason),
    latency_ms: typeof part.latency_ms === "number" ? part.latency_ms : "",
    evaluated,
    approved: typeof approval.approved === "boolean" ? approval.approved : "",
    approved_by: str(approval.by),
    approved_at: str(approval.at),
    record: "log",
  };
}

function fromSpan(call: TraceCall, run: { runId: string; sessionId: string }): AuditRow {
  const evaluated = call.attributes[PolicyKey.EVALUATED];
  return {
    ...base(call, run, call.attributes),
    time: new Date(call.startTime).toISOString(),
    stage: "call",
    decision: "allow",
    policy: "",
    reason: "",
    latency_ms: "",
    evaluated: Array.isArray(evaluated) ? evaluated.join(";") : "",
    approved: "",
    approved_by: "",
    approved_at: "",
    record: "span",
  };
}

function base(call: TraceCall, run: { runId: string; sessionId: string }, attributes: Readonly<Record<string, unknown>>): Pick<AuditRow, "session_id" | "run_id" | "trace_id" | "span_id" | "op" | "name" | "seal_chain" | "seal_seq"> {
  const seq = attributes[SealKey.SEQ];
  return {
    session_id: run.sessionId,
    run_id: run.runId,
    trace_id: call.span.traceId,
    span_id: call.span.spanId,
    op: call.op,
    name: call.name,
    seal_chain: str(attributes[SealKey.CHAIN]),
    seal_seq: typeof seq === "number" ? seq : typeof seq === "string" && seq !== "" ? Number(seq) : "",
  };
}

function isoOf(ns: bigint): string {
  return new Date(Number(ns / 1_000_000n)).toISOString();
}

function asObject(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function str(value: unknown): string {
  return value === undefined || value === null ? "" : String(value);
}
