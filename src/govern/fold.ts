import { REDACTED } from "../capture/secrets.js";
import { describe } from "../runtime/report.js";
import type { Decision } from "./decision.js";
import { SEVERITY, allow, isDecisive } from "./decision.js";
import type { Outcome } from "./evaluate-one.js";
import { failedDecision } from "./evaluate-one.js";
import type { Policy } from "./policy.js";
import type { PolicyContext } from "./policy-context.js";
import type { Evaluation, Verdict } from "./verdict.js";

/**
 * Folds the outcomes of a call's policies, in priority order, into its verdict: redact() and
 * modify() change the arguments the later policies see and the call runs with, alerts are
 * collected, and the first decisive decision (block, pause, queue) ends the evaluation.
 */
export class Fold {
  private args: unknown[];
  private ctx: PolicyContext;
  private readonly changed: string[] = [];
  private readonly alerts: { policy: string; reason: string }[] = [];
  private readonly evaluated: Evaluation[] = [];
  private decided: { decision: Decision; by: string } | undefined;
  private severe: { decision: Decision; by: string | undefined } = { decision: allow(), by: undefined };
  private readonly started = performance.now();

  constructor(ctx: PolicyContext) {
    this.ctx = ctx;
    this.args = ctx.args as unknown[];
  }

  get context(): PolicyContext {
    return this.ctx;
  }

  get stopped(): boolean {
    return this.decided !== undefined;
  }

  take(policy: Policy, outcome: Outcome): void {
    let { decision, evaluation } = outcome;
    if (decision.kind === "redact" || decision.kind === "modify") {
      try {
        this.change(decision);
      } catch (error) {
        const message = `could not change the arguments: ${describe(error)}`;
        decision = failedDecision(policy, message);
        evaluation = { ...evaluation, decision: decision.kind, reason: decision.reason, error: message };
      }
    }
    this.evaluated.push(evaluation);
    if (decision.kind === "alert") this.alerts.push({ policy: policy.name, reason: decision.reason });
    if (isDecisive(decision.kind)) this.decided = { decision, by: policy.name };
    else if (SEVERITY[decision.kind] > SEVERITY[this.severe.decision.kind]) this.severe = { decision, by: policy.name };
  }

  verdict(): Verdict {
    const deciding = this.decided ?? this.severe;
    return {
      decision: deciding.decision,
      by: deciding.by,
      evaluated: this.evaluated,
      args: this.args,
      changed: this.changed,
      alerts: this.alerts,
      ms: Math.round((performance.now() - this.started) * 1000) / 1000,
    };
  }

  private change(decision: Decision): void {
    if (decision.kind === "redact") {
      let args = this.args;
      for (const path of decision.paths ?? []) {
        const next = redactPath(args, path.split("."));
        if (next !== args) {
          args = next as unknown[];
          this.changed.push(path);
        }
      }
      this.setArgs(args);
      return;
    }
    const next = decision.change!([...this.args]);
    if (!Array.isArray(next)) throw new TypeError(`modify() must return the argument list (an array), got ${typeof next}`);
    this.changed.push("*");
    this.setArgs(next);
  }

  private setArgs(args: unknown[]): void {
    if (args === this.args) return;
    this.args = args;
    this.ctx = { ...this.ctx, args };
  }
}

/** A copy of `value` with the value at `path` replaced by [REDACTED]; `value` itself when the path leads nowhere. */
function redactPath(value: unknown, path: readonly string[]): unknown {
  if (path.length === 0) return REDACTED;
  if (typeof value !== "object" || value === null) return value;
  const [key, ...rest] = path as [string, ...string[]];
  if (!Object.prototype.hasOwnProperty.call(value, key)) return value;
  const inner = (value as Record<string, unknown>)[key];
  const next = redactPath(inner, rest);
  if (next === inner) return value;
  const copy: Record<string, unknown> | unknown[] = Array.isArray(value) ? [...value] : { ...(value as Record<string, unknown>) };
  (copy as Record<string, unknown>)[key] = next;
  return copy;
}
