import type { Decision, DecisionKind } from "./decision.js";

/** One policy's outcome in an evaluation. */
export interface Evaluation {
  readonly policy: string;
  readonly decision: DecisionKind;
  readonly reason: string;
  /** Milliseconds the policy took. */
  readonly ms: number;
  /** The policy threw, timed out or returned something that is not a decision: what happened (its outcome is then onError's). */
  readonly error?: string;
  /** A composed policy in debug mode: how its parts decided. */
  readonly because?: readonly Evaluation[];
}

/** The outcome of every policy that applies to one call. */
export interface Verdict {
  /** The deciding decision: the first decisive one (block, pause, queue), else the most severe. */
  readonly decision: Decision;
  /** The deciding policy, undefined when every policy allowed. */
  readonly by: string | undefined;
  readonly evaluated: readonly Evaluation[];
  /** The argument list the call runs with (changed by redact / modify decisions). */
  readonly args: unknown[];
  /** Argument paths redact() replaced, and `*` when modify() changed them. */
  readonly changed: readonly string[];
  /** alert() decisions, by policy. */
  readonly alerts: readonly { policy: string; reason: string }[];
  readonly ms: number;
}
