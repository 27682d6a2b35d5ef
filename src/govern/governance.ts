import type { Approver } from "./approver.js";
import type { Policy } from "./policy.js";
import { isPolicy } from "./policy.js";
import { RunLedger } from "./run-ledger.js";

/**
 * The process's policies (register({ policies }); they stay after shutdown() until the next
 * register() replaces them: governance never lapses with telemetry), its approver, and the runs' totals.
 */
export interface Governance {
  policies: readonly Policy[];
  approver: Approver | undefined;
  /** Composed policies record how their parts decided (register({ policyDebug }), ENVPOD_COAT_POLICY_DEBUG=1). */
  debug: boolean;
  /** Bumped when the process's policies change, so wrappers re-sort theirs. */
  generation: number;
  readonly ledger: RunLedger;
}

const KEY = Symbol.for("agent-coat.governance/0.1");
type WithGovernance = typeof globalThis & { [KEY]?: Governance };

export const governance: Governance = ((globalThis as WithGovernance)[KEY] ??= {
  policies: [],
  approver: undefined,
  debug: process.env.ENVPOD_COAT_POLICY_DEBUG === "1",
  generation: 0,
  ledger: new RunLedger(),
});

export function setGovernance(options: { policies?: readonly Policy[]; approver?: Approver; debug?: boolean }): void {
  governance.policies = checkPolicies(options.policies, "register({ policies })");
  governance.approver = checkApprover(options.approver, "register({ approver })");
  if (options.debug !== undefined) governance.debug = options.debug;
  governance.generation++;
}

export function checkPolicies(policies: unknown, where: string): readonly Policy[] {
  if (policies === undefined) return [];
  if (!Array.isArray(policies)) throw new TypeError(`agent-coat: ${where} must be a list of policies made with policy()`);
  for (const p of policies) if (!isPolicy(p)) throw new TypeError(`agent-coat: ${where} holds ${p === null ? "null" : typeof p}, not a policy made with policy() (or all(), any(), not(), firstDecisive())`);
  return Object.freeze([...(policies as Policy[])]);
}

export function checkApprover(approver: unknown, where: string): Approver | undefined {
  if (approver !== undefined && typeof approver !== "function") throw new TypeError(`agent-coat: ${where} must be a function (request) => approval`);
  return approver as Approver | undefined;
}

/** Policies in evaluation order: higher priority first, then in the order given (the wrapper's before the process's). */
export function ordered(own: readonly Policy[], process: readonly Policy[]): readonly Policy[] {
  return [...own, ...process].map((p, i) => ({ p, i })).sort((a, b) => b.p.priority - a.p.priority || a.i - b.i).map((x) => x.p);
}
