import { context } from "@opentelemetry/api";
import { Op } from "../../dialects/ops.js";
import { reportOnce } from "../../runtime/report.js";
import type { CoatCall } from "../../wrap/call.js";
import { OpenCalls } from "../open-calls.js";
import { ClaudeSessionRecorder } from "./hooks.js";
import type { ClaudeHooks, ClaudeHooksOptions } from "./hooks.js";

/** The shape of `query()` from `@anthropic-ai/claude-agent-sdk`: `({ prompt, options }) => Query`. */
type QueryFunction = (params: never) => AsyncGenerator<unknown, void>;
/** What coatQuery reads of query()'s parameter. */
interface QueryParams {
  prompt?: unknown;
  options?: { hooks?: unknown } & Record<string, unknown>;
}

export interface CoatQueryOptions extends ClaudeHooksOptions {
  /** The run's call name (default `claude-agent-sdk.query`). */
  runName?: string;
}

/** The `result` message a query ends with (the fields read here). */
interface ResultMessage {
  type: "result";
  subtype: string;
  is_error?: boolean;
  result?: string;
  errors?: string[];
  num_turns?: number;
  total_cost_usd?: number;
  usage?: { input_tokens?: number; output_tokens?: number };
}

/**
 * Wraps `query()`: each call is a RUN call and one trace, with the session recorded from its hooks
 * under it (see coatClaudeHooks). The options' own hooks are kept and run beside agent-coat's.
 * The Query returned is the SDK's own object, its methods untouched; the run ends with the
 * `result` message (its tokens, cost and turns on the run), or when the iteration ends or throws;
 * one stopped before its result (`break`, `return()`, `close()`, `await using`) is abandoned.
 */
export function coatQuery<Q extends QueryFunction>(query: Q, options: CoatQueryOptions = {}): Q {
  if (typeof query !== "function") throw new TypeError("agent-coat: coatQuery(query) takes the query function of @anthropic-ai/claude-agent-sdk");
  const runs = new OpenCalls(options, "recording a Claude Agent SDK query");
  let sequence = 0;
  const coated = function (this: unknown, params: QueryParams): AsyncGenerator<unknown, void> {
    const key = `query:${++sequence}`;
    const run = runs.open(key, Op.RUN, options.runName ?? "claude-agent-sdk.query", typeof params?.prompt === "string" ? [params.prompt] : [], context.active());
    if (run === undefined) return Reflect.apply(query, this, [params]) as AsyncGenerator<unknown, void>;
    const recorder = new ClaudeSessionRecorder({ ...options, parent: () => run.ctx });
    let q: AsyncGenerator<unknown, void>;
    try {
      q = context.with(run.ctx, () => Reflect.apply(query, this, [withHooks(params, recorder.hooks)]) as AsyncGenerator<unknown, void>);
    } catch (error) {
      runs.close(key, (call) => call.fail(error));
      throw error;
    }
    observe(q, (settle, error) => {
      recorder.closeAll(error);
      runs.close(key, settle);
    });
    return q;
  };
  return coated as unknown as Q;
}

/** The user's params with agent-coat's hooks after the user's own, per event. */
function withHooks(params: QueryParams, hooks: ClaudeHooks): QueryParams {
  const own = (params?.options?.hooks ?? {}) as ClaudeHooks;
  const merged: ClaudeHooks = { ...own };
  for (const [event, matchers] of Object.entries(hooks)) merged[event] = [...(own[event] ?? []), ...matchers];
  return { ...params, options: { ...params?.options, hooks: merged } };
}

/**
 * Settles the run from the messages the user reads, without changing them or the Query object:
 * its `next` / `return` / `throw`, and those of the iterator its `Symbol.asyncIterator` hands out
 * (the SDK's Query iterates an inner generator), are observed in place.
 */
function observe(q: AsyncGenerator<unknown, void>, finish: (settle: (call: CoatCall) => void, error?: unknown) => void): void {
  let result: ResultMessage | undefined;
  let done = false;
  const end = (settle: (call: CoatCall) => void, error?: unknown): void => {
    if (done) return;
    done = true;
    finish(settle, error);
  };
  const settleWithResult = (call: CoatCall): void => {
    if (result === undefined) return call.end(undefined);
    recordResult(call, result);
    if (result.is_error === true || result.subtype !== "success") call.fail(resultError(result));
    else call.end(result.result);
  };
  /** Stopped by the reader: with its result the run is complete, without it abandoned. */
  const stopped = (): void => end((call) => (result === undefined ? call.abandon() : settleWithResult(call)));
  const track = async (step: Promise<IteratorResult<unknown, void>>): Promise<IteratorResult<unknown, void>> => {
    try {
      const item = await step;
      if (item.done === true) end(settleWithResult);
      else if (isResult(item.value)) result = item.value;
      return item;
    } catch (error) {
      end((call) => call.fail(error), error);
      throw error;
    }
  };
  const patched = new WeakSet<object>();
  const patch = (it: AsyncIterator<unknown, void>): void => {
    if (patched.has(it)) return;
    patched.add(it);
    const { next, return: stop, throw: fail } = it;
    Object.assign(it, {
      next: (...args: [] | [unknown]) => track(Reflect.apply(next, it, args) as Promise<IteratorResult<unknown, void>>),
      ...(typeof stop === "function" && {
        return: (value?: unknown) => {
          stopped();
          return Reflect.apply(stop, it, [value]);
        },
      }),
      ...(typeof fail === "function" && {
        throw: (error?: unknown) => {
          end((call) => call.fail(error), error);
          return Reflect.apply(fail, it, [error]);
        },
      }),
    });
  };
  try {
    patch(q);
    const iterate = q[Symbol.asyncIterator];
    Object.defineProperty(q, Symbol.asyncIterator, {
      configurable: true,
      writable: true,
      value: function (this: unknown) {
        const it = Reflect.apply(iterate, this, []) as AsyncIterator<unknown, void>;
        try {
          if (typeof it === "object" && it !== null && typeof it.next === "function") patch(it);
        } catch (error) {
          reportOnce("observing a Claude Agent SDK query", error);
        }
        return it;
      },
    });
    // The SDK's Query also ends by close() and by `await using` (Symbol.asyncDispose): the run ends with it.
    for (const name of ["close", Symbol.asyncDispose] as const) {
      const original = (q as unknown as Record<PropertyKey, unknown>)[name];
      if (typeof original !== "function") continue;
      Object.defineProperty(q, name, {
        configurable: true,
        writable: true,
        value: function (this: unknown, ...args: unknown[]) {
          stopped();
          return Reflect.apply(original, this, args);
        },
      });
    }
  } catch (error) {
    reportOnce("observing a Claude Agent SDK query", error);
  }
}

function isResult(message: unknown): message is ResultMessage {
  return typeof message === "object" && message !== null && (message as { type?: unknown }).type === "result";
}

function recordResult(call: CoatCall, result: ResultMessage): void {
  const usage = result.usage;
  if (usage !== undefined) call.usage({ input: usage.input_tokens, output: usage.output_tokens });
  call.metadata({ subtype: result.subtype, num_turns: result.num_turns, total_cost_usd: result.total_cost_usd });
}

function resultError(result: ResultMessage): Error {
  const error = new Error(result.errors?.join("; ") || result.result || `the query ended with ${result.subtype}`);
  error.name = result.subtype;
  return error;
}
