import { evaluateOneAsync, evaluateOneSync } from "./evaluate-one.js";
import { Fold } from "./fold.js";
import type { Policy } from "./policy.js";
import type { PolicyContext } from "./policy-context.js";
import type { Verdict } from "./verdict.js";

/** Evaluates a sync call's policies (in priority order, all sync). Never throws. */
export function evaluateSync(policies: readonly Policy[], ctx: PolicyContext, debug: boolean): Verdict {
  const fold = new Fold(ctx);
  for (const policy of policies) {
    const outcome = evaluateOneSync(policy, fold.context, debug);
    if (outcome === undefined) continue;
    fold.take(policy, outcome);
    if (fold.stopped) break;
  }
  return fold.verdict();
}

/** Evaluates an async call's policies, one after another in priority order. Never rejects. */
export async function evaluateAsync(policies: readonly Policy[], ctx: PolicyContext, debug: boolean): Promise<Verdict> {
  const fold = new Fold(ctx);
  for (const policy of policies) {
    const outcome = await evaluateOneAsync(policy, fold.context, debug);
    if (outcome === undefined) continue;
    fold.take(policy, outcome);
    if (fold.stopped) break;
  }
  return fold.verdict();
}
