import type { Decision } from "./decision.js";
import { SEVERITY, allow, block, isDecisive } from "./decision.js";
import type { Outcome } from "./evaluate-one.js";
import { evaluateOneAsync, evaluateOneSync } from "./evaluate-one.js";
import type { Policy, PolicyOptions } from "./policy.js";
import { makePolicy } from "./policy.js";
import type { PolicyContext } from "./policy-context.js";
import type { Evaluation } from "./verdict.js";

type ComposeOptions = Omit<PolicyOptions, "async" | "capture">;

/** Every part is asked (until one is decisive); the most severe decision wins, the first among equals. */
export function all(name: string, parts: readonly Policy[], options: ComposeOptions = {}): Policy {
  return composed(name, parts, options, (o) => isDecisive(o.decision.kind), (outcomes) => mostSevere(outcomes));
}

/** Allows when any part allows; otherwise the mildest of the parts' decisions. */
export function any(name: string, parts: readonly Policy[], options: ComposeOptions = {}): Policy {
  return composed(name, parts, options, (o) => o.decision.kind === "allow", (outcomes) => {
    if (outcomes.length === 0 || outcomes.some((o) => o.decision.kind === "allow")) return allow();
    return outcomes.reduce((a, b) => (SEVERITY[b.decision.kind] < SEVERITY[a.decision.kind] ? b : a)).decision;
  });
}

/** The first part that does not allow decides; later parts are not asked. */
export function firstDecisive(name: string, parts: readonly Policy[], options: ComposeOptions = {}): Policy {
  return composed(name, parts, options, (o) => o.decision.kind !== "allow", (outcomes) => outcomes.find((o) => o.decision.kind !== "allow")?.decision ?? allow());
}

/** Blocks (with `reason`) where the part allows, and allows where it does not. */
export function not(name: string, part: Policy, reason = `${part.name} allowed it`, options: ComposeOptions = {}): Policy {
  return composed(name, [part], options, () => false, (outcomes) => (outcomes[0] !== undefined && outcomes[0].decision.kind === "allow" ? block(reason) : allow()));
}

function composed(name: string, parts: readonly Policy[], options: ComposeOptions, stop: (o: Outcome) => boolean, combine: (outcomes: Outcome[]) => Decision): Policy {
  if (!Array.isArray(parts) || parts.length === 0) throw new TypeError(`agent-coat: the composed policy ${JSON.stringify(name)} needs a non-empty list of policies`);
  const async = parts.some((p) => p.async);
  const timeoutMs = options.timeoutMs ?? Math.max(1000, ...parts.map((p) => p.timeoutMs));
  return makePolicy(name, { ...options, timeoutMs, async }, false, (ctx: PolicyContext, because?: Evaluation[]) => {
    const debug = because !== undefined;
    if (!async) {
      const outcomes: Outcome[] = [];
      for (const part of parts) {
        const o = evaluateOneSync(part, ctx, debug, false);
        if (o === undefined) continue;
        outcomes.push(o);
        because?.push(o.evaluation);
        if (stop(o)) break;
      }
      return combine(outcomes);
    }
    return (async () => {
      const outcomes: Outcome[] = [];
      for (const part of parts) {
        const o = part.async ? await evaluateOneAsync(part, ctx, debug) : evaluateOneSync(part, ctx, debug, false);
        if (o === undefined) continue;
        outcomes.push(o);
        because?.push(o.evaluation);
        if (stop(o)) break;
      }
      return combine(outcomes);
    })();
  });
}

function mostSevere(outcomes: readonly Outcome[]): Decision {
  let best: Decision = allow();
  for (const o of outcomes) if (SEVERITY[o.decision.kind] > SEVERITY[best.kind]) best = o.decision;
  return best;
}
