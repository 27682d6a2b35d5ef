import { describe } from "../runtime/report.js";
import type { Decision } from "./decision.js";
import { allow, block, isDecision } from "./decision.js";
import type { Policy } from "./policy.js";
import { applies } from "./policy.js";
import type { PolicyContext } from "./policy-context.js";
import type { Evaluation } from "./verdict.js";

/** One policy's decision and how it came about. */
export interface Outcome {
  readonly decision: Decision;
  readonly evaluation: Evaluation;
}

const NO_ARGS: readonly unknown[] = Object.freeze([]);

/**
 * Evaluates a sync policy; undefined when it does not apply. Never throws. For a sync call
 * (`syncCall`), a promise, pause or queue is a failure of the policy.
 */
export function evaluateOneSync(policy: Policy, ctx: PolicyContext, debug: boolean, syncCall = true): Outcome | undefined {
  const started = performance.now();
  const because: Evaluation[] | undefined = debug ? [] : undefined;
  try {
    if (!applies(policy, ctx)) return undefined;
    const raw = policy.decide(view(policy, ctx), because);
    if (isThenable(raw)) {
      raw.then(undefined, () => undefined);
      return failed(policy, "returned a promise, but it is not marked async (policy option async: true) or the wrapped function is sync (coat option async: true)", started, because);
    }
    return finish(policy, raw, started, because, syncCall);
  } catch (error) {
    return failed(policy, `threw ${describe(error)}`, started, because);
  }
}

/** Evaluates one policy for an async call, within its time budget; undefined when it does not apply. Never rejects. */
export async function evaluateOneAsync(policy: Policy, ctx: PolicyContext, debug: boolean): Promise<Outcome | undefined> {
  const started = performance.now();
  const because: Evaluation[] | undefined = debug ? [] : undefined;
  let timer: NodeJS.Timeout | undefined;
  try {
    if (!applies(policy, ctx)) return undefined;
    const raw = policy.decide(view(policy, ctx), because);
    if (!isThenable(raw)) return finish(policy, raw, started, because, false);
    const late = Symbol("late");
    const settled = await Promise.race([raw, new Promise<typeof late>((resolve) => (timer = setTimeout(resolve, policy.timeoutMs, late)))]);
    if (settled === late) {
      raw.then(undefined, () => undefined);
      return failed(policy, `did not decide within its time budget of ${policy.timeoutMs} ms`, started, because);
    }
    return finish(policy, settled, started, because, false);
  } catch (error) {
    return failed(policy, `threw ${describe(error)}`, started, because);
  } finally {
    clearTimeout(timer);
  }
}

/** What a policy decides when it fails: block (fail closed) unless its onError is "allow". */
export function failedDecision(policy: Policy, error: string): Decision {
  return policy.onError === "allow" ? allow() : block(`policy ${policy.name} failed closed: ${error}`);
}

function finish(policy: Policy, raw: unknown, started: number, because: Evaluation[] | undefined, sync: boolean): Outcome {
  if (raw === undefined) return outcome(policy, allow(), started, because);
  if (!isDecision(raw)) return failed(policy, `returned ${kindOf(raw)}, not a decision (allow(), block(reason), …)`, started, because);
  if (sync && (raw.kind === "pause" || raw.kind === "queue")) return failed(policy, `decided ${raw.kind}, which needs an async call, but the wrapped function is sync`, started, because);
  return outcome(policy, raw, started, because);
}

function failed(policy: Policy, error: string, started: number, because: Evaluation[] | undefined): Outcome {
  return outcome(policy, failedDecision(policy, error), started, because, error);
}

function outcome(policy: Policy, decision: Decision, started: number, because: Evaluation[] | undefined, error?: string): Outcome {
  const evaluation: { -readonly [K in keyof Evaluation]: Evaluation[K] } = { policy: policy.name, decision: decision.kind, reason: decision.reason, ms: Math.round((performance.now() - started) * 1000) / 1000 };
  if (error !== undefined) evaluation.error = error;
  if (because !== undefined && because.length > 0) evaluation.because = because;
  return { decision, evaluation };
}

function view(policy: Policy, ctx: PolicyContext): PolicyContext {
  return policy.capture === "none" ? { ...ctx, args: NO_ARGS } : ctx;
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === "object" && value !== null && typeof (value as { then?: unknown }).then === "function";
}

function kindOf(value: unknown): string {
  return value === null ? "null" : Array.isArray(value) ? "an array" : typeof value === "object" ? "an object" : `a ${typeof value}`;
}
