import type { Trace, TraceCall, TraceRun } from "../testing/trace-model.js";
import { EnvpodKey } from "../dialects/keys.js";
import { evaluateAsync } from "./evaluate.js";
import { ordered } from "./governance.js";
import type { Policy } from "./policy.js";
import type { PolicyContext } from "./policy-context.js";
import type { Verdict } from "./verdict.js";

/** A recorded call a policy would not have let run as it did. */
export interface BacktestHit {
  readonly name: string;
  readonly op: string;
  readonly spanId: string;
  readonly stage: "call" | "result";
  readonly decision: string;
  readonly policy: string;
  readonly reason: string;
}

export interface BacktestRun {
  readonly runId: string;
  readonly sessionId: string;
  readonly calls: number;
  /** Non-allow decisions by kind. */
  readonly counts: Readonly<Record<string, number>>;
  readonly hits: readonly BacktestHit[];
}

/**
 * Replays every recorded call of every run, in start order, through `policies`, with the context
 * a live call would have had: the arguments and result as captured (real values only where the
 * recording's capture mode kept them), ids, the agent's identity, and the run's totals so far.
 * Returns what they would have blocked, paused, alerted or changed.
 */
export async function backtest(policies: readonly Policy[], trace: Trace): Promise<BacktestRun[]> {
  const callStage = ordered(policies.filter((p) => p.on === "call"), []);
  const resultStage = ordered(policies.filter((p) => p.on === "result"), []);
  const runs: BacktestRun[] = [];
  for (const run of trace.runs) runs.push(await replay(run, callStage, resultStage));
  return runs;
}

async function replay(run: TraceRun, callStage: readonly Policy[], resultStage: readonly Policy[]): Promise<BacktestRun> {
  const counts: Record<string, number> = {};
  const hits: BacktestHit[] = [];
  let calls = 0;
  for (const { call, ctx } of recordedContexts(run)) {
    calls++;
    const take = (verdict: Verdict, stage: "call" | "result") => {
      const kinds = new Set([verdict.decision.kind, ...(verdict.alerts.length > 0 ? ["alert"] : [])]);
      kinds.delete("allow");
      for (const kind of kinds) {
        counts[kind] = (counts[kind] ?? 0) + 1;
        const alertOnly = kind === "alert" && verdict.decision.kind !== "alert";
        hits.push({ name: call.name, op: call.op, spanId: call.span.spanId, stage, decision: kind, policy: alertOnly ? verdict.alerts[0]!.policy : verdict.by ?? "", reason: alertOnly ? verdict.alerts[0]!.reason : verdict.decision.reason });
      }
    };
    if (callStage.length > 0) take(await evaluateAsync(callStage, ctx, false), "call");
    if (resultStage.length > 0 && call.error === undefined) take(await evaluateAsync(resultStage, { ...ctx, result: call.output }, false), "result");
  }
  return { runId: run.runId, sessionId: run.sessionId, calls, counts, hits };
}

/** Each recorded call of a run, in start order, with the context a live call would have had. */
export function* recordedContexts(run: TraceRun): Generator<{ call: TraceCall; ctx: PolicyContext }> {
  const calls = flatten(run.calls).sort((a, b) => a.startTime - b.startTime);
  const byName: Record<string, number> = Object.create(null) as Record<string, number>;
  let callCount = 0;
  const started = calls[0]?.startTime ?? 0;
  for (const call of calls) {
    const before = calls.filter((c) => c.endTime <= call.startTime && c !== call);
    const ctx: PolicyContext = {
      op: call.op,
      name: call.name,
      intent: str(call.attributes[EnvpodKey.INTENT]),
      action: str(call.attributes[EnvpodKey.ACTION]),
      args: argsOf(call.input),
      sessionId: run.sessionId,
      runId: run.runId,
      stepId: `step_${call.span.spanId}`,
      traceId: call.span.traceId,
      agent: agentOf(call),
      metadata: {},
      totals: {
        calls: { ...byName },
        callCount,
        tokens: before.reduce((n, c) => n + (c.tokens?.total ?? 0), 0),
        cost: before.reduce((n, c) => n + (c.cost ?? 0), 0),
        elapsedMs: call.startTime - started,
      },
    };
    yield { call, ctx };
    byName[call.name] = (byName[call.name] ?? 0) + 1;
    callCount++;
  }
}

function flatten(calls: readonly TraceCall[]): TraceCall[] {
  return calls.flatMap((c) => [c, ...flatten(c.children)]);
}

/** The recorded input as an argument list: coat() captures the arguments as a JSON array. */
function argsOf(input: unknown): unknown[] {
  if (input === undefined) return [];
  return Array.isArray(input) ? input : [input];
}

function agentOf(call: TraceCall): { id: string; role: string } {
  for (const log of call.logs) {
    const subject = (log.body as { subject?: { agent_id?: unknown; agent_role?: unknown } } | undefined)?.subject;
    if (subject !== undefined) return { id: str(subject.agent_id) ?? "", role: str(subject.agent_role) ?? "" };
  }
  return { id: "", role: "" };
}

function str(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}
