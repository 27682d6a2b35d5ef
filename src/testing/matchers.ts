/**
 * `agent-coat/testing/matchers`: the assertions as vitest / jest matchers.
 *
 * ```ts
 * import { coatMatchers } from "agent-coat/testing/matchers";
 * expect.extend(coatMatchers);
 * expect(trace).toHaveCalledTool("search", { times: 2 });
 * expect(trace).not.toHaveCalledTool("delete_file");
 * ```
 */
import { AssertionError } from "node:assert";
import type { ToolCalledOptions } from "./assertions.js";
import { assertCallOrder, assertCostAtMost, assertErrored, assertNoErrors, assertSealed, assertTokensAtMost, assertToolCalled } from "./assertions.js";
import type { Trace } from "./trace-model.js";

interface MatcherResult {
  pass: boolean;
  message: () => string;
}

/** Runs an assertion as a matcher: its message when it fails, `negated` when it passes and `.not` was used. */
function asMatcher(check: () => void, negated: string): MatcherResult {
  try {
    check();
    return { pass: true, message: () => negated };
  } catch (error) {
    if (!(error instanceof AssertionError)) throw error;
    return { pass: false, message: () => error.message };
  }
}

function isTrace(value: unknown): value is Trace {
  return value !== null && typeof value === "object" && Array.isArray((value as Trace).calls) && Array.isArray((value as Trace).runs);
}

function traceOf(received: unknown): Trace {
  if (!isTrace(received)) throw new TypeError("agent-coat matchers: expect() needs a trace from record() or loadTrace()");
  return received;
}

export const coatMatchers = {
  toHaveCalledTool(received: unknown, name: string, options?: ToolCalledOptions): MatcherResult {
    const trace = traceOf(received);
    return asMatcher(() => assertToolCalled(trace, name, options), `expected tool "${name}" not to be called${options?.times === undefined ? "" : ` ${options.times} times`}${options?.args === undefined ? "" : " with those arguments"}, but it was`);
  },
  toHaveCalledInOrder(received: unknown, names: readonly string[], options?: { strict?: boolean }): MatcherResult {
    const trace = traceOf(received);
    return asMatcher(() => assertCallOrder(trace, names, options), `expected calls not to run in the order ${names.join(" → ")}, but they did`);
  },
  toHaveNoErrors(received: unknown): MatcherResult {
    const trace = traceOf(received);
    return asMatcher(() => assertNoErrors(trace), "expected some call to fail, but none did");
  },
  toHaveErrored(received: unknown, name?: string, options?: { type?: string; message?: string | RegExp }): MatcherResult {
    const trace = traceOf(received);
    return asMatcher(() => assertErrored(trace, name, options), `expected ${name === undefined ? "no call" : `"${name}" not`} to fail that way, but it did`);
  },
  toStayWithinTokens(received: unknown, max: number): MatcherResult {
    const trace = traceOf(received);
    return asMatcher(() => assertTokensAtMost(trace, max), `expected more than ${max} tokens, but the calls stayed within`);
  },
  toStayWithinCost(received: unknown, usd: number): MatcherResult {
    const trace = traceOf(received);
    return asMatcher(() => assertCostAtMost(trace, usd), `expected a cost above $${usd}, but the calls stayed within`);
  },
  toBeSealed(received: unknown): MatcherResult {
    const trace = traceOf(received);
    return asMatcher(() => assertSealed(trace), "expected the trace not to verify, but every chain did");
  },
};

/** For `declare module "vitest" { interface Assertion<T> extends CoatMatchers<T> {} }` (and jest's `Matchers`). */
export interface CoatMatchers<R = unknown> {
  toHaveCalledTool(name: string, options?: ToolCalledOptions): R;
  toHaveCalledInOrder(names: readonly string[], options?: { strict?: boolean }): R;
  toHaveNoErrors(): R;
  toHaveErrored(name?: string, options?: { type?: string; message?: string | RegExp }): R;
  toStayWithinTokens(max: number): R;
  toStayWithinCost(usd: number): R;
  toBeSealed(): R;
}
