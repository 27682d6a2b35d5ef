import type { Decision } from "./decision.js";
import type { PolicyContext } from "./policy-context.js";
import type { Evaluation } from "./verdict.js";

export interface PolicyOptions {
  /** Higher runs first (default 0); equal priorities keep the order they were given in. */
  priority?: number;
  /** The ops it applies to (default: all). */
  ops?: readonly string[];
  /** Which calls it applies to: a wrapper name, a pattern on it, or a predicate (default: all). */
  match?: string | RegExp | ((ctx: PolicyContext) => boolean);
  /** When the policy throws, times out or returns something else than a decision: block (default) or allow. */
  onError?: "block" | "allow";
  /** Async policies: the time budget of one evaluation (default 1000 ms); past it, onError applies. */
  timeoutMs?: number;
  /** `call` (default): before the call runs. `result`: on its result (not on streams). */
  on?: "call" | "result";
  /** The policy returns a promise (or pauses): it gates async calls only. Detected for `async` functions. */
  async?: boolean;
  /** What ctx.args holds: the real arguments (`raw`, default) or nothing (`none`). */
  capture?: "raw" | "none";
}

export type PolicyFunction = (ctx: PolicyContext) => Decision | undefined | Promise<Decision | undefined>;

/** A policy: made with policy(), or composed with all(), any(), not(), firstDecisive(). */
export interface Policy {
  readonly name: string;
  readonly priority: number;
  readonly ops: readonly string[] | undefined;
  readonly match: PolicyOptions["match"];
  readonly onError: "block" | "allow";
  readonly timeoutMs: number;
  readonly on: "call" | "result";
  readonly async: boolean;
  readonly capture: "raw" | "none";
  /** Decides; a composed policy also fills `because` with its parts' outcomes. */
  decide(ctx: PolicyContext, because?: Evaluation[]): Decision | undefined | Promise<Decision | undefined>;
}

const POLICY = Symbol.for("agent-coat.policy");

export function isPolicy(value: unknown): value is Policy {
  return typeof value === "object" && value !== null && (value as { [POLICY]?: true })[POLICY] === true;
}

/**
 * A policy as a plain function of the call's context, returning a decision (undefined is allow).
 * Bad options are an error here, at setup.
 */
export function policy(name: string, fn: PolicyFunction): Policy;
export function policy(name: string, options: PolicyOptions, fn: PolicyFunction): Policy;
export function policy(name: string, optionsOrFn: PolicyOptions | PolicyFunction, maybeFn?: PolicyFunction): Policy {
  const [options, fn] = typeof optionsOrFn === "function" ? [{}, optionsOrFn] : [optionsOrFn, maybeFn];
  if (typeof fn !== "function") throw new TypeError(`agent-coat: policy(${JSON.stringify(name)}, [options,] fn) needs a function returning a decision`);
  return makePolicy(name, options ?? {}, isAsyncFunction(fn), (ctx) => fn(ctx));
}

export function makePolicy(name: string, options: PolicyOptions, asyncFn: boolean, decide: Policy["decide"]): Policy {
  const where = `policy ${JSON.stringify(name)}`;
  if (typeof name !== "string" || name.trim() === "") throw new TypeError("agent-coat: a policy needs a name: a non-empty string");
  if (typeof options !== "object" || options === null) throw new TypeError(`agent-coat: ${where}: options must be an object`);
  const { priority = 0, ops, match, onError = "block", timeoutMs = 1000, on = "call", capture = "raw" } = options;
  if (!Number.isFinite(priority)) throw new TypeError(`agent-coat: ${where}: priority must be a finite number, got ${String(priority)}`);
  if (ops !== undefined && (!Array.isArray(ops) || ops.some((op) => typeof op !== "string" || op === ""))) throw new TypeError(`agent-coat: ${where}: ops must be a list of op names`);
  if (match !== undefined && typeof match !== "string" && typeof match !== "function" && !(match instanceof RegExp)) throw new TypeError(`agent-coat: ${where}: match must be a name, a RegExp or a function`);
  if (onError !== "block" && onError !== "allow") throw new TypeError(`agent-coat: ${where}: onError must be "block" or "allow", got ${JSON.stringify(onError)}`);
  if (!(Number.isFinite(timeoutMs) && timeoutMs > 0)) throw new TypeError(`agent-coat: ${where}: timeoutMs must be a positive number of milliseconds, got ${String(timeoutMs)}`);
  if (on !== "call" && on !== "result") throw new TypeError(`agent-coat: ${where}: on must be "call" or "result", got ${JSON.stringify(on)}`);
  if (capture !== "raw" && capture !== "none") throw new TypeError(`agent-coat: ${where}: capture must be "raw" or "none", got ${JSON.stringify(capture)}`);
  return Object.freeze({ [POLICY]: true, name, priority, ops: ops === undefined ? undefined : [...ops], match, onError, timeoutMs, on, async: options.async === true || asyncFn, capture, decide }) as Policy;
}

/** Whether the policy applies to a call with this context. */
export function applies(policy: Policy, ctx: PolicyContext): boolean {
  if (policy.ops !== undefined && !policy.ops.includes(ctx.op)) return false;
  const match = policy.match;
  if (match === undefined) return true;
  if (typeof match === "string") return match === ctx.name;
  if (match instanceof RegExp) {
    match.lastIndex = 0;
    return match.test(ctx.name);
  }
  return match(ctx) === true;
}

export function isAsyncFunction(fn: unknown): boolean {
  return typeof fn === "function" && (fn as { [Symbol.toStringTag]?: string })[Symbol.toStringTag] === "AsyncFunction";
}
