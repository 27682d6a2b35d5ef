import type { Context } from "@opentelemetry/api";
import { context, createContextKey } from "@opentelemetry/api";
import { randomUUID } from "node:crypto";
import { newId } from "./ids.js";

/** The correlation ids every record carries, and the coat call that is active, if any. */
export interface Scope {
  readonly sessionId: string;
  readonly runId: string;
  readonly correlationId: string | undefined;
  /** The innermost active coat call (a CoatCall), typed loosely to keep this file at the bottom. */
  readonly call: object | undefined;
}

export const SCOPE_KEY = createContextKey("agent-coat.scope");

let processScope: Scope | undefined;

/** Outside any withSession/withRun, records share one session and run per process. */
function defaultScope(): Scope {
  return (processScope ??= { sessionId: newId("sess"), runId: newId("run"), correlationId: undefined, call: undefined });
}

export function scopeOf(ctx: Context): Scope {
  return (ctx.getValue(SCOPE_KEY) as Scope | undefined) ?? defaultScope();
}

export function activeScope(): Scope {
  return scopeOf(context.active());
}

export function withScope(ctx: Context, scope: Scope): Context {
  return ctx.setValue(SCOPE_KEY, scope);
}

/**
 * Runs `fn` in a new session: every coat call and log record inside carries `sessionId`
 * (a fresh one when omitted) and a fresh run id. Returns what `fn` returns, untouched.
 */
export function withSession<T>(fn: () => T): T;
export function withSession<T>(sessionId: string | undefined, fn: () => T): T;
export function withSession<T>(idOrFn: string | undefined | (() => T), maybeFn?: () => T): T {
  const [id, fn] = splitArgs(idOrFn, maybeFn);
  const outer = activeScope();
  const scope: Scope = { sessionId: clean(id) ?? newId("sess"), runId: newId("run"), correlationId: outer.correlationId, call: outer.call };
  return context.with(withScope(context.active(), scope), fn);
}

/** Runs `fn` as one run of the agent inside the current session. */
export function withRun<T>(fn: () => T): T;
export function withRun<T>(runId: string | undefined, fn: () => T): T;
export function withRun<T>(idOrFn: string | undefined | (() => T), maybeFn?: () => T): T {
  const [id, fn] = splitArgs(idOrFn, maybeFn);
  const outer = activeScope();
  const scope: Scope = { sessionId: outer.sessionId, runId: clean(id) ?? newId("run"), correlationId: outer.correlationId, call: outer.call };
  return context.with(withScope(context.active(), scope), fn);
}

/**
 * Runs `fn` with a correlation id (the intentproof seed's `with_correlation`) that stitches
 * related calls together across runs; a blank or missing id becomes a fresh UUID.
 */
export function withCorrelation<T>(fn: () => T): T;
export function withCorrelation<T>(correlationId: string | undefined, fn: () => T): T;
export function withCorrelation<T>(idOrFn: string | undefined | (() => T), maybeFn?: () => T): T {
  const [id, fn] = splitArgs(idOrFn, maybeFn);
  const outer = activeScope();
  const scope: Scope = { sessionId: outer.sessionId, runId: outer.runId, correlationId: clean(id) ?? randomUUID(), call: outer.call };
  return context.with(withScope(context.active(), scope), fn);
}

/** The correlation id in effect, if any. */
export function getCorrelationId(): string | undefined {
  return activeScope().correlationId;
}

function splitArgs<T>(idOrFn: string | undefined | (() => T), maybeFn?: () => T): [string | undefined, () => T] {
  if (typeof idOrFn === "function") return [undefined, idOrFn];
  if (typeof maybeFn !== "function") throw new TypeError("agent-coat: expected a function to run");
  if (idOrFn !== undefined && typeof idOrFn !== "string") throw new TypeError("agent-coat: an id must be a string");
  return [idOrFn, maybeFn];
}

function clean(id: string | undefined): string | undefined {
  const trimmed = id?.trim();
  return trimmed ? trimmed : undefined;
}
