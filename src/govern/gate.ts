import { context } from "@opentelemetry/api";
import { scopeOf } from "../context/scope.js";
import { warnOnce } from "../runtime/report.js";
import { startCall } from "../wrap/start-call.js";
import type { CoatCall } from "../wrap/call.js";
import type { Coating } from "../wrap/coating.js";
import { isStreamed, observeResult } from "../wrap/results.js";
import { askApproval } from "./ask-approval.js";
import type { Approver } from "./approver.js";
import type { ApprovalFacts } from "./decision-record.js";
import { recordVerdict } from "./decision-record.js";
import type { QueuedCall } from "./decision.js";
import { block } from "./decision.js";
import { evaluateAsync, evaluateSync } from "./evaluate.js";
import { governance, ordered } from "./governance.js";
import type { Policy } from "./policy.js";
import type { PolicyContext } from "./policy-context.js";
import { countVerdict } from "./policy-metrics.js";
import { PolicyViolationError } from "./policy-violation.js";
import type { Verdict } from "./verdict.js";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyFunction = (this: any, ...args: any[]) => any;

/** The policies of one wrapper, in evaluation order, split by stage. */
export interface Gates {
  readonly call: readonly Policy[];
  readonly result: readonly Policy[];
}

const cache = new WeakMap<Coating, { generation: number; gates: Gates | undefined }>();

/**
 * A wrapper's gates: its own policies and the process's, or undefined when there are none. A
 * sync wrapper leaves out the process's async policies (reported once): it must stay sync.
 */
export function gatesOf(coating: Coating, own: readonly Policy[], asyncCall: boolean): Gates | undefined {
  const cached = cache.get(coating);
  if (cached !== undefined && cached.generation === governance.generation) return cached.gates;
  let process = governance.policies;
  if (!asyncCall) {
    for (const p of process.filter((p) => p.async)) {
      warnOnce(`async policy ${p.name} on ${coating.spanName}`, `policy ${p.name} is async and does not gate ${coating.spanName}, a sync function (mark the wrapper async with the coat option async: true, or make the policy sync)`);
    }
    process = process.filter((p) => !p.async);
  }
  const all = ordered(own, process);
  const gates = all.length === 0 ? undefined : { call: all.filter((p) => p.on === "call"), result: all.filter((p) => p.on === "result") };
  cache.set(coating, { generation: governance.generation, gates });
  return gates;
}

/** A gated call of a sync function: sync policies decide before it runs (and on its result); it stays sync. */
export function runGatedSync(coating: Coating, gates: Gates, fn: AnyFunction, self: unknown, args: IArguments): unknown {
  const call = startCall(coating, args, true);
  const ctx = contextOf(coating, call, Array.from(args));
  const verdict = evaluateSync(gates.call, ctx, governance.debug);
  settleDecision(call, verdict, "call");
  if (verdict.decision.kind === "block") throw stop(call, ctx, verdict);
  governance.ledger.count(ctx.runId, ctx.name);
  const result = runCall(call, fn, self, verdict.args);
  if (gates.result.length > 0 && !isStreamed(result)) {
    const after = evaluateSync(gates.result, { ...ctx, args: verdict.args, result }, governance.debug);
    settleDecision(call, after, "result");
    if (after.decision.kind === "block") throw stop(call, ctx, after);
  }
  return call === undefined ? result : observeResult(call, result);
}

/** A gated call of an async function: every policy applies, pause and queue included. */
export async function runGatedAsync(coating: Coating, gates: Gates, fn: AnyFunction, self: unknown, args: IArguments, approver: Approver | undefined): Promise<unknown> {
  const call = startCall(coating, args, true);
  const ctx = contextOf(coating, call, Array.from(args));
  const verdict = await evaluateAsync(gates.call, ctx, governance.debug);
  const kind = verdict.decision.kind;
  let approval: ApprovalFacts | undefined;
  if (kind === "pause") approval = await askApproval(approver ?? governance.approver, verdict, ctx);
  settleDecision(call, verdict, "call", approval);
  if (kind === "block") throw stop(call, ctx, verdict);
  if (approval !== undefined && !approval.approved) throw stop(call, ctx, verdict, deniedReason(approval));
  if (kind === "queue") return enqueue(call, ctx, verdict, fn, self);
  governance.ledger.count(ctx.runId, ctx.name);
  const result = runCall(call, fn, self, verdict.args);
  if (gates.result.length === 0 || isStreamed(result)) return call === undefined ? result : observeResult(call, result);
  const checked = Promise.resolve(result).then(async (value: unknown) => {
    const after = await evaluateAsync(gates.result, { ...ctx, args: verdict.args, result: value }, governance.debug);
    settleDecision(call, after, "result");
    if (after.decision.kind === "block") throw new PolicyViolationError(ctx.name, after);
    return value;
  });
  return call === undefined ? checked : observeResult(call, checked);
}

function contextOf(coating: Coating, call: CoatCall | undefined, args: unknown[]): PolicyContext {
  const facts = call?.coating ?? coating;
  const scope = call ?? scopeOf(context.active());
  const identity = facts.identity;
  return {
    op: facts.op,
    name: facts.spanName,
    intent: facts.intent,
    action: facts.action,
    args,
    sessionId: scope.sessionId,
    runId: scope.runId,
    stepId: call?.stepId ?? "",
    traceId: call?.traceId ?? "",
    agent: { id: identity.agentId, role: identity.agentRole },
    metadata: facts.options.attributes ?? {},
    totals: governance.ledger.totals(scope.runId, call?.runLlmTotals()),
  };
}

function settleDecision(call: CoatCall | undefined, verdict: Verdict, stage: "call" | "result", approval?: ApprovalFacts): void {
  countVerdict(verdict, stage);
  recordVerdict(call, verdict, stage, approval);
  if (stage === "call") call?.emitStart();
}

function stop(call: CoatCall | undefined, ctx: PolicyContext, verdict: Verdict, reason?: string): PolicyViolationError {
  const error = new PolicyViolationError(ctx.name, verdict, reason);
  call?.fail(error);
  return error;
}

function runCall(call: CoatCall | undefined, fn: AnyFunction, self: unknown, args: unknown[]): unknown {
  if (call === undefined) return Reflect.apply(fn, self, args);
  try {
    return context.with(call.ctx, Reflect.apply, undefined, fn, self, args);
  } catch (error) {
    call.fail(error);
    throw error;
  }
}

async function enqueue(call: CoatCall | undefined, ctx: PolicyContext, verdict: Verdict, fn: AnyFunction, self: unknown): Promise<unknown> {
  const target = verdict.decision.target!;
  const job: QueuedCall = { op: ctx.op, name: ctx.name, args: verdict.args, reason: verdict.decision.reason, run: async () => Reflect.apply(fn, self, verdict.args) as unknown };
  try {
    const value = await (typeof target === "function" ? target(job) : target.enqueue(job));
    call?.end(value);
    return value;
  } catch (error) {
    call?.fail(error);
    throw error;
  }
}

/** Why a paused call did not run. */
function deniedReason(approval: ApprovalFacts): string {
  if (approval.note !== undefined) return `approval denied: ${approval.note}`;
  return `approval denied${approval.by !== undefined ? ` by ${approval.by}` : ""}`;
}

/**
 * For adapters that see a call start (a framework's callbacks): the call's policies decide, the
 * decision is recorded on the started call, and the error to stop the run with is returned (the
 * call failed with it). A framework that lets the callback change the call's input passes
 * `change`: redact and modify decisions are then carried out through it, with the arguments the
 * call is to run with. Without it, and for queue, the call is stopped instead, saying why.
 */
export async function gateStartedCall(call: CoatCall, own: readonly Policy[], args: unknown[], approver: Approver | undefined, change?: (args: unknown[]) => void): Promise<PolicyViolationError | undefined> {
  const gates = gatesOf(call.coating, own, true);
  if (gates === undefined || gates.call.length === 0) return undefined;
  const ctx = contextOf(call.coating, call, args);
  let verdict = await evaluateAsync(gates.call, ctx, governance.debug);
  const kind = verdict.decision.kind;
  const changes = kind === "redact" || kind === "modify";
  if (kind === "queue" || (changes && change === undefined)) {
    verdict = { ...verdict, decision: block(`${kind} cannot be carried out from a framework callback (the run's input is not ours to change); wrap the tool's function with coat() instead`) };
  }
  const approval = verdict.decision.kind === "pause" ? await askApproval(approver ?? governance.approver, verdict, ctx) : undefined;
  settleDecision(call, verdict, "call", approval);
  if (verdict.decision.kind === "block") return stop(call, ctx, verdict);
  if (approval !== undefined && !approval.approved) return stop(call, ctx, verdict, deniedReason(approval));
  if (verdict.changed.length > 0) change?.(verdict.args);
  governance.ledger.count(ctx.runId, ctx.name);
  return undefined;
}
