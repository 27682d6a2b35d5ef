import type { Decision, DecisionKind } from "./decision.js";
import type { Verdict } from "./verdict.js";

/**
 * Thrown instead of running a call a policy blocked (or whose approval was denied or timed out),
 * or instead of returning a result a result policy blocked.
 */
export class PolicyViolationError extends Error {
  override readonly name = "PolicyViolationError";
  /** The decision that stopped the call: block, or pause when the approval was denied. */
  readonly decision: Decision;
  readonly kind: DecisionKind;
  /** The deciding policy's name. */
  readonly policy: string;
  readonly reason: string;
  /** Every policy evaluated, with its outcome. */
  readonly verdict: Verdict;

  constructor(wrapper: string, verdict: Verdict, reason: string = verdict.decision.reason) {
    super(`agent-coat: ${wrapper} was stopped by policy ${verdict.by ?? "?"}: ${reason}`);
    this.decision = verdict.decision;
    this.kind = verdict.decision.kind;
    this.policy = verdict.by ?? "";
    this.reason = reason;
    this.verdict = verdict;
  }
}
