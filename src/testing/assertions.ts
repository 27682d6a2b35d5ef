/**
 * Behavioural assertions over a trace. Plain functions: each throws node's AssertionError (with
 * `actual` and `expected` for the runner's diff, and the trace's tree in the message), so they work
 * under node:test, vitest and jest alike.
 */
import { AssertionError } from "node:assert";
import { verifyDocuments } from "../seal/verify.js";
import type { Expected } from "./match.js";
import { argsMatch } from "./match.js";
import { preview, renderTrace } from "./render.js";
import type { Trace, TraceCall } from "./trace-model.js";

export interface ToolCalledOptions {
  /** Exactly this many matching calls (default: at least one). */
  times?: number;
  /** The arguments: the list, or a one-argument call's argument; objects match partially, a function is a predicate. */
  args?: Expected;
}

/** Calls of kind TOOL (or op `tool`), optionally of one name. */
export function toolCalls(trace: Trace, name?: string): TraceCall[] {
  return trace.calls.filter((c) => (c.kind === "TOOL" || c.op === "tool") && (name === undefined || c.name === name));
}

/** Asserts the tool `name` was called (`times` times, with `args`); returns the matching calls. */
export function assertToolCalled(trace: Trace, name: string, options: ToolCalledOptions = {}): TraceCall[] {
  const named = toolCalls(trace, name);
  const matching = options.args === undefined ? named : named.filter((c) => argsMatch(c.input, options.args));
  const wanted = options.times;
  const ok = wanted === undefined ? matching.length > 0 : matching.length === wanted;
  if (!ok) {
    const withArgs = options.args === undefined ? "" : ` with arguments matching ${preview(options.args, 200)}`;
    const expectedText = wanted === undefined ? "at least once" : times(wanted);
    const seen = named.length === 0 ? `it was never called` : `it was called ${times(named.length)}${options.args === undefined ? "" : `, ${times(matching.length)} with such arguments`}:\n${named.map((c) => `  ${name}(${preview(c.input, 200)})`).join("\n")}`;
    fail(trace, `expected tool "${name}" to be called ${expectedText}${withArgs}; ${seen}`, matching.length, wanted ?? ">= 1", "assertToolCalled");
  }
  return matching;
}

/** Asserts no call (of any kind) named `name` happened. */
export function assertNotCalled(trace: Trace, name: string): void {
  const calls = trace.calls.filter((c) => c.name === name);
  if (calls.length > 0) fail(trace, `expected "${name}" never to be called; it was called ${times(calls.length)}`, calls.length, 0, "assertNotCalled");
}

/**
 * Asserts calls named `names` happened in that order. The sequence checked is every call whose
 * name is in `names`, by start time: by default `names` must be a subsequence of it (other calls
 * may come between); with `strict`, it must be exactly that sequence.
 */
export function assertCallOrder(trace: Trace, names: readonly string[], options: { strict?: boolean } = {}): void {
  const wanted = new Set(names);
  const sequence = trace.calls.filter((c) => wanted.has(c.name)).map((c) => c.name);
  const ok = options.strict === true ? sequence.length === names.length && sequence.every((n, i) => n === names[i]) : isSubsequence(names, sequence);
  if (!ok) fail(trace, `expected calls in ${options.strict === true ? "exactly this" : "this"} order: ${names.join(" → ")}; they ran as: ${sequence.join(" → ") || "(none)"}`, sequence, [...names], "assertCallOrder");
}

/** Asserts no call failed. */
export function assertNoErrors(trace: Trace): void {
  const failed = trace.calls.filter((c) => c.error !== undefined);
  if (failed.length > 0) {
    const list = failed.map((c) => `  ${c.name}: ${c.error!.type}${c.error!.message ? `: ${c.error!.message}` : ""}`).join("\n");
    fail(trace, `expected no errors; ${failed.length} call${failed.length === 1 ? "" : "s"} failed:\n${list}`, failed.map((c) => c.name), [], "assertNoErrors");
  }
}

/** Asserts some call (named `name`, when given) failed, with an error of `type` and a message matching `message`; returns those calls. */
export function assertErrored(trace: Trace, name?: string, options: { type?: string; message?: string | RegExp } = {}): TraceCall[] {
  const failed = trace.calls.filter((c) => c.error !== undefined && (name === undefined || c.name === name));
  const matching = failed.filter((c) => (options.type === undefined || c.error!.type === options.type) && (options.message === undefined || (typeof options.message === "string" ? c.error!.message.includes(options.message) : options.message.test(c.error!.message))));
  if (matching.length === 0) {
    const what = [name === undefined ? "a call" : `"${name}"`, options.type === undefined ? "" : `with ${options.type}`, options.message === undefined ? "" : `message ${String(options.message)}`].filter(Boolean).join(" ");
    const seen = failed.length === 0 ? "none did" : `errors seen: ${failed.map((c) => `${c.name}: ${c.error!.type}: ${c.error!.message}`).join("; ")}`;
    fail(trace, `expected ${what} to fail; ${seen}`, failed.map((c) => c.error), options, "assertErrored");
  }
  return matching;
}

/** Asserts calls nest no deeper than `levels` (a run's top calls are level 1). */
export function assertMaxDepth(trace: Trace, levels: number): void {
  const deepest = trace.calls.reduce((max, c) => Math.max(max, c.depth + 1), 0);
  if (deepest > levels) {
    const call = trace.calls.find((c) => c.depth + 1 === deepest)!;
    fail(trace, `expected calls at most ${levels} levels deep; "${call.name}" is at level ${deepest}`, deepest, levels, "assertMaxDepth");
  }
}

/** Tokens of the trace's LLM calls (total, else prompt + completion). */
export function totalTokens(trace: Trace): number {
  return llmCalls(trace).reduce((sum, c) => sum + (c.tokens?.total ?? (c.tokens?.prompt ?? 0) + (c.tokens?.completion ?? 0)), 0);
}

/** Estimated cost in USD of the trace's LLM calls. */
export function totalCost(trace: Trace): number {
  return llmCalls(trace).reduce((sum, c) => sum + (c.cost ?? 0), 0);
}

export function assertTokensAtMost(trace: Trace, max: number): void {
  const used = totalTokens(trace);
  if (used > max) fail(trace, `expected at most ${max} tokens; the LLM calls used ${used}`, used, max, "assertTokensAtMost");
}

/** Asserts the estimated cost stays at most `usd`; fails too when an LLM call's model has no price (its cost is unknown). */
export function assertCostAtMost(trace: Trace, usd: number): void {
  const unpriced = llmCalls(trace).filter((c) => c.cost === undefined && c.tokens !== undefined);
  const cost = totalCost(trace);
  if (unpriced.length > 0) fail(trace, `cannot check a cost budget of $${usd}: no price for ${unpriced.map((c) => c.model ?? c.name).join(", ")} (register({ prices }) adds one)`, cost, usd, "assertCostAtMost");
  if (cost > usd) fail(trace, `expected an estimated cost of at most $${usd}; the LLM calls cost $${cost}`, cost, usd, "assertCostAtMost");
}

/** Asserts the trace (or the calls named `name`, each) took at most `ms` milliseconds. */
export function assertDurationAtMost(trace: Trace, ms: number, name?: string): void {
  if (name !== undefined) {
    const slow = trace.calls.filter((c) => c.name === name && c.durationMs > ms);
    if (slow.length > 0) fail(trace, `expected "${name}" to take at most ${ms} ms; it took ${slow.map((c) => `${c.durationMs.toFixed(1)} ms`).join(", ")}`, slow[0]!.durationMs, ms, "assertDurationAtMost");
    return;
  }
  if (trace.calls.length === 0) return;
  const start = Math.min(...trace.calls.map((c) => c.startTime));
  const end = Math.max(...trace.calls.map((c) => c.endTime));
  if (end - start > ms) fail(trace, `expected the trace to take at most ${ms} ms; it took ${(end - start).toFixed(1)} ms`, end - start, ms, "assertDurationAtMost");
}

/** Asserts every span and log record is sealed and every chain verifies, complete. */
export function assertSealed(trace: Trace): void {
  const unsealed = trace.calls.filter((c) => !c.sealed);
  if (trace.calls.length === 0) fail(trace, "expected sealed calls; the trace has none", 0, ">= 1", "assertSealed");
  if (unsealed.length > 0) fail(trace, `expected every call sealed; ${unsealed.map((c) => `"${c.name}"`).join(", ")} ${unsealed.length === 1 ? "is" : "are"} not`, unsealed.length, 0, "assertSealed");
  const report = verifyDocuments(trace.documents.map((d) => JSON.parse(d) as unknown));
  const broken = report.chains.filter((c) => !c.valid || !c.complete);
  if (!report.ok || broken.length > 0) fail(trace, `expected every chain to verify: ${report.reason ?? broken.map((c) => `${c.chain}: ${c.problem ?? "incomplete"}`).join("; ")}`, report.ok, true, "assertSealed");
}

function llmCalls(trace: Trace): TraceCall[] {
  return trace.calls.filter((c) => c.kind === "LLM");
}

function isSubsequence(needle: readonly string[], haystack: readonly string[]): boolean {
  let i = 0;
  for (const name of haystack) if (i < needle.length && name === needle[i]) i++;
  return i === needle.length;
}

function times(n: number): string {
  return n === 1 ? "1 time" : `${n} times`;
}

function fail(trace: Trace, message: string, actual: unknown, expected: unknown, operator: string): never {
  throw new AssertionError({ message: `${message}\n\n${renderTrace(trace)}`, actual, expected, operator });
}
