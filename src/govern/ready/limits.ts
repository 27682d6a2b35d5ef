import { allow, block } from "../decision.js";
import type { Policy, PolicyOptions } from "../policy.js";
import { policy } from "../policy.js";
import { PerRun } from "./per-run.js";

type Scope = Pick<PolicyOptions, "priority" | "ops" | "match">;

/** At most `max` calls per run: of each wrapper name (`perName`, default) or in all. */
export function callLimit(options: Scope & { max: number; perName?: boolean }, name = "call-limit"): Policy {
  const max = positive(options.max, "callLimit() max");
  const perName = options.perName ?? true;
  return policy(name, scope(options, 50), (ctx) => {
    const made = perName ? ctx.totals.calls[ctx.name] ?? 0 : ctx.totals.callCount;
    return made >= max ? block(`${perName ? ctx.name : "the run"} reached its limit of ${max} calls per run`) : allow();
  });
}

/** At most `max` calls of each wrapper name per `perMs` milliseconds, per run (a sliding window). */
export function rateLimit(options: Scope & { max: number; perMs: number }, name = "rate-limit"): Policy {
  const max = Math.floor(positive(options.max, "rateLimit() max"));
  const perMs = positive(options.perMs, "rateLimit() perMs");
  const windows = new PerRun(() => new Map<string, Window>());
  return policy(name, scope(options, 50), (ctx) => {
    const byName = windows.of(ctx.runId);
    let window = byName.get(ctx.name);
    if (window === undefined) byName.set(ctx.name, (window = { times: [], next: 0 }));
    const now = Date.now();
    // The last `max` call times in a ring: the oldest of them must have left the window.
    if (window.times.length < max) window.times.push(now);
    else {
      if (window.times[window.next]! > now - perMs) return block(`${ctx.name} is limited to ${max} calls per ${perMs} ms`);
      window.times[window.next] = now;
      window.next = (window.next + 1) % max;
    }
    return allow();
  });
}

interface Window {
  readonly times: number[];
  next: number;
}

/** Blocks calls once the run's LLM tokens reached `max`. */
export function tokenBudget(options: Scope & { max: number }, name = "token-budget"): Policy {
  const max = positive(options.max, "tokenBudget() max");
  return policy(name, scope(options, 40), (ctx) => (ctx.totals.tokens >= max ? block(`the run used ${ctx.totals.tokens} of its ${max} tokens`) : allow()));
}

/** Blocks calls once the run's estimated LLM cost (USD) reached `max`. */
export function costBudget(options: Scope & { max: number }, name = "cost-budget"): Policy {
  const max = positive(options.max, "costBudget() max");
  return policy(name, scope(options, 40), (ctx) => (ctx.totals.cost >= max ? block(`the run cost $${ctx.totals.cost} of its $${max} budget`) : allow()));
}

function scope(options: Scope, priority: number): PolicyOptions {
  return { priority: options.priority ?? priority, ...(options.ops !== undefined && { ops: options.ops }), ...(options.match !== undefined && { match: options.match }) };
}

function positive(value: unknown, what: string): number {
  if (typeof value !== "number" || !(value > 0) || !Number.isFinite(value)) throw new TypeError(`agent-coat: ${what} must be a positive number, got ${String(value)}`);
  return value;
}
