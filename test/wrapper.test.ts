/**
 * coat() must never change the program: same value (identity), same error (identity), same
 * `this`, sync stays sync, name/length kept, telemetry failures swallowed. Everything about
 * telemetry is asserted on what the in-process OTLP receiver decoded from the real exporters.
 */
import { types } from "node:util";
import type { Span, Tracer } from "@opentelemetry/api";
import { BasicTracerProvider } from "@opentelemetry/sdk-trace-base";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { coat } from "../src/wrap/coat.js";
import { current } from "../src/context/current.js";
import { state } from "../src/runtime/state.js";
import { tie } from "../src/wrap/tie.js";
import { asMap, harnessPerFile, sleep, spanNamed } from "./support/harness.js";
import type { ReceivedLog, ReceivedSpan } from "./support/otlp-receiver.js";

const OK = 1;
const ERROR = 2;
const INFO = 9;
const SEV_ERROR = 17;

const h = harnessPerFile();

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Runs `fn`, returns what it threw (fails if it did not throw). */
function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error("expected a throw");
}

async function rejected(promise: unknown): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected a rejection");
}

function exceptionEvent(span: ReceivedSpan) {
  const events = span.events.filter((e) => e.name === "exception");
  expect(events).toHaveLength(1);
  return events[0]!;
}

function bodyOf(log: ReceivedLog) {
  return asMap(log.body);
}

// ---------------------------------------------------------------------------------------------

describe("sync functions", () => {
  it("returns the very same object, synchronously, and records a span plus request/response records", async () => {
    const out = { answer: 42 };
    let calls = 0;
    function lookup(key: string, n: number) {
      calls++;
      expect(key).toBe("k");
      expect(n).toBe(7);
      return out;
    }
    const coated = coat("tool", lookup);
    const result = coated("k", 7);
    expect(result).toBe(out);
    expect(types.isPromise(result)).toBe(false);
    expect(calls).toBe(1);

    const [span] = await h.spans(1);
    expect(h.receiver.spans).toHaveLength(1);
    expect(span!.name).toBe("lookup");
    expect(span!.parentSpanId).toBe("");
    expect(span!.status.code).toBe(OK);
    expect(span!.resource["service.name"]).toBe("test-agent");
    expect(span!.attributes["openinference.span.kind"]).toBe("TOOL");
    expect(span!.attributes["tool.name"]).toBe("lookup");
    expect(span!.attributes["aotp.op"]).toBe("agent.tool");
    expect(span!.attributes["envpod.op"]).toBe("tool");
    expect(span!.attributes["envpod.fn"]).toBe("lookup");
    expect(span!.attributes["envpod.capture.mode"]).toBe("none");
    expect(span!.attributes["aotp.step_id"]).toBe(`step_${span!.spanId}`);
    // capture mode none: nothing about the arguments or the result
    expect(span!.attributes["input.value"]).toBeUndefined();
    expect(span!.attributes["output.value"]).toBeUndefined();
    expect(span!.endTimeUnixNano).toBeGreaterThanOrEqual(span!.startTimeUnixNano);

    const logs = await h.logsFor(span!, 2);
    expect(logs.map((l) => l.eventName)).toEqual(["agent.tool.request", "agent.tool.response"]);
    expect(logs.map((l) => l.severityNumber)).toEqual([INFO, INFO]);
    expect(logs.map((l) => bodyOf(l).kind)).toEqual(["agent.tool.request", "agent.tool.response"]);
    for (const log of logs) {
      expect(log.attributes["aotp.kind"]).toBe(log.eventName);
      const ids = asMap(bodyOf(log).ids);
      expect(ids.span_id).toBe(span!.spanId);
      expect(ids.trace_id).toBe(span!.traceId);
      expect(asMap(bodyOf(log).payload).fn).toBe("lookup");
      expect(asMap(bodyOf(log).capture).mode).toBe("none");
    }
  });

  it("uses the name option, then the function name, then the op as span name; custom ops are CHAIN steps", async () => {
    coat("llm", { name: "chat-completion" }, function named() {
      return 1;
    })();
    coat("retrieval.rerank", () => 2)(); // an arrow assigned nowhere has no name
    const anonymous = [() => 3][0]!;
    coat("memory", anonymous)();
    const spans = await h.spans(3);
    expect(spans.map((s) => s.name).sort()).toEqual(["chat-completion", "memory", "retrieval.rerank"]);
    const custom = spanNamed(spans, "retrieval.rerank");
    expect(custom.attributes["envpod.op"]).toBe("retrieval.rerank");
    expect(custom.attributes["aotp.op"]).toBe("agent.step");
    expect(custom.attributes["openinference.span.kind"]).toBe("CHAIN");
    expect(spanNamed(spans, "chat-completion").attributes["openinference.span.kind"]).toBe("LLM");
    expect(spanNamed(spans, "memory").attributes["openinference.span.kind"]).toBe("RETRIEVER");
    expect((await h.logsFor(custom, 2)).map((l) => l.eventName)).toEqual(["agent.step.start", "agent.step.end"]);
  });

  it("returns primitives, undefined and functions unchanged", async () => {
    const fnResult = () => "inner";
    expect(coat("tool", () => undefined)()).toBeUndefined();
    expect(coat("tool", () => null)()).toBeNull();
    expect(coat("tool", () => 0n)()).toBe(0n);
    const sym = Symbol("s");
    expect(coat("tool", () => sym)()).toBe(sym);
    expect(coat("tool", () => fnResult)()).toBe(fnResult);
    const spans = await h.spans(5);
    expect(spans.every((s) => s.status.code === OK)).toBe(true);
  });

  it("captures arguments and result in raw mode (a single argument stands for itself)", async () => {
    const echo = coat("tool", { capture: "raw" }, function echo(a: unknown, b?: unknown) {
      return b === undefined ? `got ${String(a)}` : { a, b };
    });
    expect(echo("hello")).toBe("got hello");
    const out = echo(1, [2, 3]);
    expect(out).toEqual({ a: 1, b: [2, 3] });
    const spans = await h.spans(2);
    const [text, json] = [...spans].sort((x, y) => Number(x.startTimeUnixNano - y.startTimeUnixNano));
    expect(text!.attributes["input.value"]).toBe("hello");
    expect(text!.attributes["input.mime_type"]).toBe("text/plain");
    expect(text!.attributes["output.value"]).toBe("got hello");
    expect(text!.attributes["output.mime_type"]).toBe("text/plain");
    expect(JSON.parse(json!.attributes["input.value"] as string)).toEqual([1, [2, 3]]);
    expect(json!.attributes["input.mime_type"]).toBe("application/json");
    expect(JSON.parse(json!.attributes["output.value"] as string)).toEqual({ a: 1, b: [2, 3] });
    expect(json!.attributes["envpod.capture.mode"]).toBe("raw");
  });

  it("a sync function that returns a promise gets that very promise back, synchronously", async () => {
    const d = deferred<string>();
    const coated = coat("tool", function give() {
      return d.promise;
    });
    const p = coated();
    expect(p).toBe(d.promise);
    d.resolve("done");
    await expect(p).resolves.toBe("done");
    const [span] = await h.spans(1);
    expect(span!.status.code).toBe(OK);
  });

  it("nests coat() calls and tie() events under the active call", async () => {
    const inner = coat("tool", function inner(x: number) {
      tie("inner.progress", { x });
      return x * 2;
    });
    const outer = coat("step", function outer() {
      expect(current()?.name).toBe("outer");
      tie("outer.progress");
      return inner(2) + inner(3);
    });
    expect(outer()).toBe(10);
    expect(current()).toBeUndefined();
    const spans = await h.spans(3);
    const o = spanNamed(spans, "outer");
    const kids = spans.filter((s) => s.name === "inner");
    expect(kids).toHaveLength(2);
    for (const kid of kids) {
      expect(kid.parentSpanId).toBe(o.spanId);
      expect(kid.traceId).toBe(o.traceId);
      expect(kid.events.map((e) => e.name)).toEqual(["inner.progress"]);
      expect(kid.events[0]!.attributes["envpod.tie.name"]).toBe("inner.progress");
    }
    expect(o.parentSpanId).toBe("");
    expect(o.events.map((e) => e.name)).toEqual(["outer.progress"]);
    expect((await h.logsFor(o, 3)).map((l) => l.eventName)).toEqual(["agent.step.start", "agent.step.event", "agent.step.end"]);
    const kidLogs = await h.logsFor(kids[0]!, 3);
    expect(kidLogs.map((l) => l.eventName)).toEqual(["agent.tool.request", "agent.tool.event", "agent.tool.response"]);
    expect(asMap(bodyOf(kidLogs[1]!).payload).event).toBe("inner.progress");
    expect(asMap(bodyOf(kidLogs[1]!).ids).parent_span_id).toBe(o.spanId);
  });

  it("rejects bad arguments to coat() itself with a TypeError (at wrap time, not call time)", () => {
    expect(() => coat("", () => 1)).toThrow(TypeError);
    expect(() => coat("tool", 5 as unknown as () => void)).toThrow(TypeError);
    expect(() => coat("tool", "x" as unknown as object, () => 1)).toThrow(TypeError);
  });
});

// ---------------------------------------------------------------------------------------------

describe("async functions and promises", () => {
  it("returns the very same promise and keeps the span open until it settles", async () => {
    const d = deferred<{ v: number }>();
    const coated = coat("llm", function ask() {
      return d.promise;
    });
    const p = coated();
    expect(p).toBe(d.promise);
    await h.flush();
    await sleep(20);
    expect(h.receiver.spans).toHaveLength(0); // still open
    const value = { v: 1 };
    d.resolve(value);
    expect(await p).toBe(value);
    const [span] = await h.spans(1);
    expect(span!.name).toBe("ask");
    expect(span!.status.code).toBe(OK);
    expect(span!.endTimeUnixNano - span!.startTimeUnixNano).toBeGreaterThanOrEqual(15_000_000n);
    const logs = await h.logsFor(span!, 2);
    expect(logs.map((l) => l.eventName)).toEqual(["agent.llm.request", "agent.llm.response"]);
  });

  it("an async function resolves to the very same value and nests what it awaits", async () => {
    const value = { deep: true };
    const child = coat("tool", async function child() {
      await sleep(1);
      return value;
    });
    const parent = coat("agent", async function parent() {
      await sleep(1);
      const a = await child();
      const b = await child();
      return a === b ? a : undefined;
    });
    const p = parent();
    expect(types.isPromise(p)).toBe(true);
    expect(await p).toBe(value);
    const spans = await h.spans(3);
    const top = spanNamed(spans, "parent");
    const kids = spans.filter((s) => s.name === "child");
    expect(kids).toHaveLength(2);
    for (const kid of kids) expect(kid.parentSpanId).toBe(top.spanId);
    // the parent ends after its children (spans anchor their clocks separately: allow 2 ms)
    for (const kid of kids) expect(top.endTimeUnixNano + 2_000_000n).toBeGreaterThanOrEqual(kid.endTimeUnixNano);
    expect(top.endTimeUnixNano - top.startTimeUnixNano).toBeGreaterThanOrEqual(2_000_000n);
  });

  it("concurrent calls each get their own span and parent", async () => {
    const leaf = coat("tool", async function leaf(ms: number) {
      await sleep(ms);
      return ms;
    });
    const branch = coat("step", async function branch(ms: number) {
      return leaf(ms);
    });
    const results = await Promise.all([branch(15), branch(5), branch(10)]);
    expect(results).toEqual([15, 5, 10]);
    const spans = await h.spans(6);
    const branches = spans.filter((s) => s.name === "branch");
    const leaves = spans.filter((s) => s.name === "leaf");
    expect(branches).toHaveLength(3);
    expect(leaves).toHaveLength(3);
    expect(new Set(leaves.map((l) => l.parentSpanId))).toEqual(new Set(branches.map((b) => b.spanId)));
  });

  it("rejects with the very same error, status ERROR, exception event, error record", async () => {
    class RateLimited extends Error {
      override name = "RateLimited";
    }
    const error = new RateLimited("secret-429-details");
    const coated = coat("llm", async function flaky() {
      await sleep(1);
      throw error;
    });
    const p = coated();
    expect(await rejected(p)).toBe(error);
    const [span] = await h.spans(1);
    expect(span!.status.code).toBe(ERROR);
    expect(span!.status.message).toBe("RateLimited");
    expect(span!.attributes["error.type"]).toBe("RateLimited");
    const ev = exceptionEvent(span!);
    expect(ev.attributes["exception.type"]).toBe("RateLimited");
    expect(ev.attributes["exception.message"]).toBeUndefined();
    expect(ev.attributes["exception.stacktrace"]).toBeUndefined();
    const logs = await h.logsFor(span!, 2);
    expect(logs.map((l) => l.eventName)).toEqual(["agent.llm.request", "agent.llm.error"]);
    expect(logs[1]!.severityNumber).toBe(SEV_ERROR);
    expect(logs[1]!.severityText).toBe("ERROR");
    const payload = asMap(bodyOf(logs[1]!).payload);
    expect(asMap(payload.error)).toEqual({ type: "RateLimited" });
    expect(h.receiver.allWireText()).not.toContain("secret-429-details");
  });

  it("a promise rejected with a non-Error is rejected unchanged", async () => {
    const reason = { code: 7 };
    const p1 = coat("tool", () => Promise.reject("plain string"))();
    const p2 = coat("tool", () => Promise.reject(reason))();
    const p3 = coat("tool", async () => {
      throw undefined;
    })();
    expect(await rejected(p1)).toBe("plain string");
    expect(await rejected(p2)).toBe(reason);
    expect(await rejected(p3)).toBeUndefined();
    const spans = await h.spans(3);
    expect(spans.map((s) => s.status.code)).toEqual([ERROR, ERROR, ERROR]);
    expect(spans.map((s) => exceptionEvent(s).attributes["exception.type"]).sort()).toEqual(["Object", "string", "undefined"]);
  });

  it("observing a rejected promise adds no unhandled rejection of coat's own", async () => {
    // (Known limit, see README: observing marks the caller's promise handled, so a rejection that
    // nobody else handles is no longer reported by Node. Here: the observer's own derived promise
    // must never reject.)
    const error = new Error("x");
    const p = coat("tool", () => Promise.reject(error))();
    await rejected(p);
    await sleep(5);
    expect(h.unhandled).toEqual([]);
    const [span] = await h.spans(1);
    expect(span!.status.code).toBe(ERROR);
  });
});

// ---------------------------------------------------------------------------------------------

describe("custom thenables", () => {
  /** A lazy thenable, like a query builder: the work runs on then(), once per then(). */
  function lazy<T>(run: () => T, fail = false) {
    const counter = { runs: 0 };
    const thenable = {
      then(onFulfilled?: (v: T) => unknown, onRejected?: (e: unknown) => unknown) {
        counter.runs++;
        return new Promise<T>((resolve, reject) =>
          setTimeout(() => {
            try {
              const v = run();
              if (fail) reject(v);
              else resolve(v);
            } catch (e) {
              reject(e);
            }
          }, 5),
        ).then(onFulfilled, onRejected);
      },
    };
    return { thenable, counter };
  }

  it("does not call then(): the work runs only when the caller awaits, and the span ends then", async () => {
    const value = { rows: [1, 2] };
    const { thenable, counter } = lazy(() => value);
    const coated = coat("memory", function query() {
      return thenable;
    });
    const result = coated();
    expect(result).toBe(thenable);
    await sleep(20);
    expect(counter.runs).toBe(0);
    await h.flush();
    expect(h.receiver.spans).toHaveLength(0); // not settled: nobody awaited

    expect(await result).toBe(value);
    expect(counter.runs).toBe(1);
    const [span] = await h.spans(1);
    expect(span!.name).toBe("query");
    expect(span!.status.code).toBe(OK);
    expect(span!.attributes["envpod.stream.abandoned"]).toBeUndefined();
    const logs = await h.logsFor(span!, 2);
    expect(logs.map((l) => l.eventName)).toEqual(["agent.memory.request", "agent.memory.response"]);
  });

  it("passes then()'s results and rejections through unchanged", async () => {
    const error = new RangeError("bad range");
    const { thenable, counter } = lazy(() => error, true);
    const coated = coat("memory", { capture: "raw" }, () => thenable);
    const r = coated();
    expect(r).toBe(thenable);
    expect(await rejected(r)).toBe(error);
    expect(counter.runs).toBe(1);
    const [span] = await h.spans(1);
    expect(span!.status.code).toBe(ERROR);
    expect(exceptionEvent(span!).attributes["exception.type"]).toBe("RangeError");
    expect(exceptionEvent(span!).attributes["exception.message"]).toBe("bad range");
  });

  it("then(onFulfilled) chaining keeps the thenable's own semantics", async () => {
    const { thenable } = lazy(() => 20);
    const r = coat("tool", { capture: "raw" }, () => thenable)();
    const chained = await r.then((v) => (v as number) + 1);
    expect(chained).toBe(21);
    const [span] = await h.spans(1);
    expect(span!.attributes["output.value"]).toBe("20");
  });

  /** The shape of the OpenAI / Anthropic SDKs' APIPromise: a lazy Promise subclass. */
  class LazyApiPromise<T> extends Promise<T> {
    parses = 0;
    private parsed: Promise<T> | undefined;
    constructor(private readonly response: Promise<{ body: T }>) {
      // The base promise is a no-op; the work happens in then(). (Also: no (executor) constructor.)
      super((resolve) => resolve(null as T));
    }
    asResponse(): Promise<{ body: T }> {
      return this.response;
    }
    private parse(): Promise<T> {
      this.parses++;
      return (this.parsed ??= this.response.then((r) => r.body));
    }
    override then<A = T, B = never>(onF?: ((v: T) => A | PromiseLike<A>) | null, onR?: ((e: unknown) => B | PromiseLike<B>) | null): Promise<A | B> {
      return this.parse().then(onF, onR);
    }
  }

  it("a lazy Promise subclass (an SDK's APIPromise) settles the span with its real value, when awaited", async () => {
    const body = { choices: ["hi"] };
    let api: LazyApiPromise<typeof body> | undefined;
    const create = coat("llm", { capture: "raw" }, function create() {
      api = new LazyApiPromise(sleep(30).then(() => ({ body })));
      return api;
    });
    const p = create();
    expect(p).toBe(api);
    expect(api!.parses).toBe(0); // coat did not trigger the work
    await h.flush();
    expect(h.receiver.spans).toHaveLength(0);
    expect(await p).toBe(body);
    const [span] = await h.spans(1);
    expect(span!.status.code).toBe(OK);
    expect(JSON.parse(span!.attributes["output.value"] as string)).toEqual(body);
    expect(span!.endTimeUnixNano - span!.startTimeUnixNano).toBeGreaterThanOrEqual(25_000_000n);
  });

  it("a lazy Promise subclass that rejects records ERROR with the real error", async () => {
    class ApiError extends Error {
      override name = "ApiError";
    }
    const error = new ApiError("429");
    const create = coat("llm", function create() {
      return new LazyApiPromise<unknown>(sleep(5).then(() => Promise.reject(error)));
    });
    expect(await rejected(create())).toBe(error);
    const [span] = await h.spans(1);
    expect(span!.status.code).toBe(ERROR);
    expect(exceptionEvent(span!).attributes["exception.type"]).toBe("ApiError");
  });

  it("a lazy Promise subclass used only through another method is left lazy", async () => {
    const api = new LazyApiPromise(Promise.resolve({ body: "raw" }));
    const create = coat("llm", () => api);
    expect((await create().asResponse()).body).toBe("raw");
    await sleep(5);
    expect(api.parses).toBe(0);
  });

  it("a plain Promise subclass is observed through its then(), catch() and finally()", async () => {
    class Tracked<T> extends Promise<T> {}
    const ok = coat("tool", function ok() {
      return Tracked.resolve(1);
    });
    const bad = coat("tool", function bad() {
      return Tracked.reject(new TypeError("nope"));
    });
    const okResult = ok();
    expect(okResult).toBeInstanceOf(Tracked);
    expect(await okResult.finally(() => undefined)).toBe(1);
    expect(await bad().catch((e: unknown) => (e as Error).name)).toBe("TypeError");
    const spans = await h.spans(2);
    expect(spanNamed(spans, "ok").status.code).toBe(OK);
    expect(spanNamed(spans, "bad").status.code).toBe(ERROR);
  });

  it("a non-extensible thenable is returned as is and never called", async () => {
    let runs = 0;
    const frozen = Object.freeze({
      then(resolve: (v: number) => void) {
        runs++;
        resolve(1);
      },
    });
    const r = coat("tool", () => frozen)();
    expect(r).toBe(frozen);
    expect(runs).toBe(0);
    const [span] = await h.spans(1);
    expect(span!.status.code).toBe(OK);
    expect(await r).toBe(1);
    expect(runs).toBe(1);
  });

  it("a thenable whose then is on the prototype (a class) is still observed and not called", async () => {
    class Query {
      runs = 0;
      then(resolve: (v: string) => void) {
        this.runs++;
        setTimeout(() => resolve("rows"), 2);
      }
    }
    const q = new Query();
    const r = coat("memory", function find() {
      return q;
    })();
    expect(r).toBe(q);
    expect(q.runs).toBe(0);
    expect(await r).toBe("rows");
    expect(q.runs).toBe(1);
    const [span] = await h.spans(1);
    expect(span!.status.code).toBe(OK);
  });
});

// ---------------------------------------------------------------------------------------------

describe("errors", () => {
  class DbError extends Error {
    constructor(
      message: string,
      readonly code: string,
      options?: { cause?: unknown },
    ) {
      super(message, options);
      this.name = "DbError";
    }
  }

  it("a sync throw of an Error subclass with a cause is rethrown unchanged; none mode sends only the type", async () => {
    const cause = new Error("socket hang up secret-cause");
    const error = new DbError("password=secret-msg", "E42", { cause });
    const coated = coat("tool", function insert() {
      throw error;
    });
    const got = thrown(() => coated());
    expect(got).toBe(error);
    expect((got as DbError).cause).toBe(cause);
    expect((got as DbError).code).toBe("E42");
    expect((got as DbError).message).toBe("password=secret-msg");

    const [span] = await h.spans(1);
    expect(span!.status).toEqual({ code: ERROR, message: "DbError" });
    expect(span!.attributes["error.type"]).toBe("DbError");
    const ev = exceptionEvent(span!);
    expect(ev.attributes).toEqual({ "exception.type": "DbError" });
    const logs = await h.logsFor(span!, 2);
    expect(logs.map((l) => [l.eventName, l.severityNumber, bodyOf(l).kind])).toEqual([
      ["agent.tool.request", INFO, "agent.tool.request"],
      ["agent.tool.error", SEV_ERROR, "agent.tool.error"],
    ]);
    expect(asMap(asMap(bodyOf(logs[1]!).payload).error)).toEqual({ type: "DbError" });
    const wire = h.receiver.allWireText();
    expect(wire).not.toContain("secret-msg");
    expect(wire).not.toContain("secret-cause");
    expect(wire).not.toContain("wrapper.test"); // no stack frame
  });

  it("raw mode records message and stack trace; errorStack:false drops the stack", async () => {
    const cause = new Error("root cause");
    const withStack = coat("tool", { capture: "raw" }, function withStack() {
      throw new DbError("constraint violated", "E23", { cause });
    });
    const noStack = coat("tool", { capture: "raw", errorStack: false }, function noStack() {
      throw new DbError("constraint violated", "E23", { cause });
    });
    expect(thrown(() => withStack())).toBeInstanceOf(DbError);
    expect(thrown(() => noStack())).toBeInstanceOf(DbError);
    const spans = await h.spans(2);
    const a = exceptionEvent(spanNamed(spans, "withStack"));
    expect(a.attributes["exception.type"]).toBe("DbError");
    expect(a.attributes["exception.message"]).toBe("constraint violated");
    expect(a.attributes["exception.stacktrace"]).toMatch(/^DbError: constraint violated\n\s+at /);
    expect(spanNamed(spans, "withStack").status).toEqual({ code: ERROR, message: "constraint violated" });
    const b = exceptionEvent(spanNamed(spans, "noStack"));
    expect(b.attributes["exception.message"]).toBe("constraint violated");
    expect(b.attributes["exception.stacktrace"]).toBeUndefined();

    const errorLog = (await h.logsFor(spanNamed(spans, "withStack"), 2)).find((l) => l.eventName === "agent.tool.error")!;
    // The error record carries the error as the span's exception event renders it, rendered once.
    const error = asMap(asMap(bodyOf(errorLog).payload).error);
    expect(error.type).toBe("DbError");
    expect(error.message).toBe(a.attributes["exception.message"]);
    expect(error.stack).toBe(a.attributes["exception.stacktrace"]);
    expect(errorLog.attributes["error.type"]).toBe("DbError");
    const noStackLog = (await h.logsFor(spanNamed(spans, "noStack"), 2)).find((l) => l.eventName === "agent.tool.error")!;
    expect(asMap(asMap(bodyOf(noStackLog).payload).error)).toEqual({ type: "DbError", message: "constraint violated" });
  });

  it("raw mode bounds the exception message to the preview length", async () => {
    const long = "m".repeat(1000);
    expect(() =>
      coat("tool", { capture: "raw" }, () => {
        throw new Error(long);
      })(),
    ).toThrow(long);
    const [span] = await h.spans(1);
    const message = exceptionEvent(span!).attributes["exception.message"] as string;
    expect(message).toBe(`${"m".repeat(200)}…[+800 chars]`);
  });

  it.each([
    ["a string", "plain string", "string"],
    ["a number", 42, "number"],
    ["undefined", undefined, "undefined"],
    ["null", null, "null"],
    ["a symbol", Symbol("s"), "symbol"],
    ["a plain object", { code: 1 }, "Object"],
    ["a null-prototype object", Object.create(null) as object, "Error"],
  ])("a throw of %s is rethrown unchanged and recorded as ERROR", async (_label, value, type) => {
    const coated = coat("tool", function odd() {
      throw value;
    });
    expect(thrown(() => coated())).toBe(value);
    const [span] = await h.spans(1);
    expect(span!.status.code).toBe(ERROR);
    expect(exceptionEvent(span!).attributes["exception.type"]).toBe(type);
  });

  it("raw mode on a thrown string records the string itself as the exception message", async () => {
    const coated = coat("tool", { capture: "raw" }, function odd() {
      throw "the actual problem";
    });
    expect(thrown(() => coated())).toBe("the actual problem");
    const [span] = await h.spans(1);
    // (Regression test: fail() once fell back to the *type*, "string", losing the text.)
    expect(exceptionEvent(span!).attributes["exception.message"]).toBe("the actual problem");
  });

  it("errors whose name getter throws are rethrown unchanged and still recorded", async () => {
    const weird = {
      get name(): string {
        throw new Error("name getter");
      },
      get message(): string {
        throw new Error("message getter");
      },
    };
    const err = new Error("fine");
    Object.defineProperty(err, "name", {
      get() {
        throw new Error("name getter");
      },
    });
    const a = coat("tool", { capture: "raw" }, function a() {
      throw weird;
    });
    const b = coat("tool", { capture: "raw" }, async function b() {
      throw err;
    });
    expect(thrown(() => a())).toBe(weird);
    expect(await rejected(b())).toBe(err);
    const spans = await h.spans(2);
    expect(spanNamed(spans, "a").status.code).toBe(ERROR);
    expect(exceptionEvent(spanNamed(spans, "a")).attributes["exception.type"]).toBe("Object");
    expect(spanNamed(spans, "b").status.code).toBe(ERROR);
    expect(exceptionEvent(spanNamed(spans, "b")).attributes["exception.type"]).toBe("Error");
    expect(exceptionEvent(spanNamed(spans, "b")).attributes["exception.message"]).toBe("fine");
  });

  it("a Proxy thrown as error (every trap throws) is rethrown unchanged and recorded as ERROR", async () => {
    const trap = () => {
      throw new Error("trap");
    };
    const proxy = new Proxy({}, { get: trap, getPrototypeOf: trap, has: trap, ownKeys: trap, getOwnPropertyDescriptor: trap });
    const coated = coat("tool", { capture: "raw" }, function proxied() {
      throw proxy;
    });
    expect(thrown(() => coated())).toBe(proxy);
    const [span] = await h.spans(1);
    // (Regression test: errorType() once read `error.constructor` unguarded, so fail() aborted
    // before setting the status or adding the exception event.)
    expect(span!.status.code).toBe(ERROR);
    expect(exceptionEvent(span!).attributes["exception.type"]).toBeTypeOf("string");
  });

  it("captureError adds output beside the error in raw mode; a throwing captureError is swallowed", async () => {
    const declined = Object.assign(new Error("declined"), { decline: "card_declined" });
    const good = coat("tool", { capture: "raw", captureError: (e) => ({ decline: (e as typeof declined).decline }) }, function pay() {
      throw declined;
    });
    const bad = coat(
      "tool",
      {
        capture: "raw",
        captureError: () => {
          throw new Error("hook broke");
        },
      },
      function refund() {
        throw declined;
      },
    );
    expect(thrown(() => good())).toBe(declined);
    expect(thrown(() => bad())).toBe(declined);
    const spans = await h.spans(2);
    expect(JSON.parse(spanNamed(spans, "pay").attributes["output.value"] as string)).toEqual({ decline: "card_declined" });
    expect(spanNamed(spans, "refund").attributes["output.value"]).toBe("[captureError threw]");
    expect(spanNamed(spans, "refund").status.code).toBe(ERROR);
  });
});

// ---------------------------------------------------------------------------------------------

describe("this, name and length", () => {
  it("keeps `this` for a method on an object literal", async () => {
    const obj = {
      factor: 3,
      seen: undefined as unknown,
      mul: coat("tool", function mul(this: { factor: number; seen: unknown }, x: number) {
        this.seen = this;
        return this.factor * x;
      }),
    };
    expect(obj.mul(5)).toBe(15);
    expect(obj.seen).toBe(obj);
    const other = { factor: 10, seen: undefined as unknown };
    expect(obj.mul.call(other, 2)).toBe(20);
    expect(other.seen).toBe(other);
    expect(Reflect.apply(obj.mul, obj, [1])).toBe(3);
    await h.spans(3);
  });

  it("keeps `this` for class methods (sync and async), wrapped on the prototype", async () => {
    class Agent {
      constructor(readonly base: number) {}
      add(n: number) {
        return { self: this, sum: this.base + n };
      }
      async later(n: number) {
        await sleep(1);
        return { self: this, sum: this.base * n };
      }
    }
    Agent.prototype.add = coat("tool", Agent.prototype.add);
    Agent.prototype.later = coat("tool", Agent.prototype.later);
    const agent = new Agent(10);
    const a = agent.add(5);
    expect(a.self).toBe(agent);
    expect(a.sum).toBe(15);
    const b = await agent.later(3);
    expect(b.self).toBe(agent);
    expect(b.sum).toBe(30);
    const spans = await h.spans(2);
    expect(spans.map((s) => s.name).sort()).toEqual(["add", "later"]);
  });

  it("keeps `this` undefined for a plain call of a strict function", () => {
    const coated = coat("tool", function (this: unknown) {
      return this;
    });
    expect(coated()).toBeUndefined();
  });

  it("keeps name and length (including 0, defaults and rest parameters)", () => {
    function search(_query: string, _limit: number, _opts: object) {
      return 0;
    }
    async function fetchAll() {
      return 0;
    }
    function withDefault(_a: number, _b = 2, ..._rest: number[]) {
      return 0;
    }
    const arrow = (_x: number, _y: number) => 0;
    expect(coat("tool", search).name).toBe("search");
    expect(coat("tool", search).length).toBe(3);
    expect(coat("tool", fetchAll).name).toBe("fetchAll");
    expect(coat("tool", fetchAll).length).toBe(0);
    expect(coat("tool", withDefault).length).toBe(1);
    expect(coat("tool", arrow).name).toBe("arrow");
    expect(coat("tool", arrow).length).toBe(2);
    const renamed = coat("tool", { name: "other" }, search);
    expect(renamed.name).toBe("search"); // the option names the span, not the function
  });

  it("keeps name and length even when they were redefined on the function", () => {
    const fn = function original(_a: number) {
      return 1;
    };
    Object.defineProperty(fn, "name", { value: "custom name" });
    Object.defineProperty(fn, "length", { value: 9 });
    const coated = coat("tool", fn);
    expect(coated.name).toBe("custom name");
    expect(coated.length).toBe(9);
  });
});

// ---------------------------------------------------------------------------------------------

describe("coat.tools", () => {
  it("wraps every function as a TOOL named by its key and copies everything else", async () => {
    const config = { retries: 2 };
    const toolbox = coat.tools({
      add(a: number, b: number) {
        return a + b;
      },
      fetchUser: async function lookup(id: string) {
        await sleep(1);
        return { id };
      },
      version: "1.2.3",
      config,
      count: 0,
      nothing: null,
    });
    expect(toolbox.version).toBe("1.2.3");
    expect(toolbox.config).toBe(config);
    expect(toolbox.count).toBe(0);
    expect(toolbox.nothing).toBeNull();
    expect(toolbox.add(2, 3)).toBe(5);
    expect(await toolbox.fetchUser("u1")).toEqual({ id: "u1" });
    expect(toolbox.add.length).toBe(2);
    expect(toolbox.fetchUser.name).toBe("lookup");

    const spans = await h.spans(2);
    expect(spans.map((s) => s.name).sort()).toEqual(["add", "fetchUser"]);
    for (const s of spans) {
      expect(s.attributes["openinference.span.kind"]).toBe("TOOL");
      expect(s.attributes["aotp.op"]).toBe("agent.tool");
      expect(s.attributes["envpod.op"]).toBe("tool");
      expect(s.attributes["tool.name"]).toBe(s.name);
    }
    expect((await h.logsFor(spanNamed(spans, "add"), 2)).map((l) => l.eventName)).toEqual(["agent.tool.request", "agent.tool.response"]);
  });

  it("takes per-tool options from a function of the name", async () => {
    const toolbox = coat.tools(
      {
        search: (q: string) => q.length,
        translate: (s: string) => s.toUpperCase(),
      },
      (name) => ({ description: `does ${name}`, capture: name === "search" ? "raw" : "none" }),
    );
    expect(toolbox.search("abc")).toBe(3);
    expect(toolbox.translate("abc")).toBe("ABC");
    const spans = await h.spans(2);
    expect(spanNamed(spans, "search").attributes["tool.description"]).toBe("does search");
    expect(spanNamed(spans, "search").attributes["input.value"]).toBe("abc");
    expect(spanNamed(spans, "translate").attributes["tool.description"]).toBe("does translate");
    expect(spanNamed(spans, "translate").attributes["input.value"]).toBeUndefined();
  });

  it("rejects a non-object", () => {
    expect(() => coat.tools(null as unknown as Record<string, unknown>)).toThrow(TypeError);
  });
});

// ---------------------------------------------------------------------------------------------

describe("capture hooks", () => {
  it("captureInput receives the arguments as an array; captureOutput the result", async () => {
    const seenIn: unknown[] = [];
    const seenOut: unknown[] = [];
    const coated = coat(
      "tool",
      {
        capture: "raw",
        captureInput: (args) => {
          seenIn.push(args);
          return { q: args[0] };
        },
        captureOutput: (result) => {
          seenOut.push(result);
          return "summary";
        },
      },
      function search(q: string, _limit: number) {
        return { hits: [q] };
      },
    );
    const r = coated("cats", 3);
    expect(r).toEqual({ hits: ["cats"] });
    expect(seenIn).toEqual([["cats", 3]]);
    expect(seenOut).toHaveLength(1);
    expect(seenOut[0]).toBe(r);
    const [span] = await h.spans(1);
    expect(JSON.parse(span!.attributes["input.value"] as string)).toEqual({ q: "cats" });
    expect(span!.attributes["output.value"]).toBe("summary");
  });

  it("throwing hooks are swallowed: the function runs once and returns its own value", async () => {
    let runs = 0;
    const value = { ok: true };
    const coated = coat(
      "tool",
      {
        capture: "raw",
        captureInput: () => {
          throw new Error("input hook broke");
        },
        captureOutput: () => {
          throw new TypeError("output hook broke");
        },
      },
      function work() {
        runs++;
        return value;
      },
    );
    expect(coated()).toBe(value);
    expect(runs).toBe(1);
    const asyncCoated = coat(
      "tool",
      {
        capture: "raw",
        captureOutput: () => {
          throw new Error("async output hook broke");
        },
      },
      async function later() {
        return value;
      },
    );
    expect(await asyncCoated()).toBe(value);
    const spans = await h.spans(2);
    const w = spanNamed(spans, "work");
    expect(w.status.code).toBe(OK);
    expect(w.attributes["input.value"]).toBe("[captureInput threw]");
    expect(w.attributes["output.value"]).toBe("[captureOutput threw]");
    expect(spanNamed(spans, "later").attributes["output.value"]).toBe("[captureOutput threw]");
  });

  it("hooks are not called and nothing leaves the process in capture mode none", async () => {
    let hookCalls = 0;
    const coated = coat(
      "tool",
      {
        captureInput: (a) => {
          hookCalls++;
          return a;
        },
        captureOutput: (r) => {
          hookCalls++;
          return r;
        },
      },
      function leaky(secret: string) {
        return `echo ${secret}`;
      },
    );
    expect(coated("SECRET-ARG-123")).toBe("echo SECRET-ARG-123");
    expect(hookCalls).toBe(0);
    const [span] = await h.spans(1);
    await h.logsFor(span!, 2);
    expect(h.receiver.allWireText()).not.toContain("SECRET-ARG-123");
  });
});

// ---------------------------------------------------------------------------------------------

describe("telemetry failures never reach user code", () => {
  it("a result with throwing getters, or a Proxy whose traps throw, is returned as is", async () => {
    const getters = {
      get then(): never {
        throw new Error("then getter");
      },
      get [Symbol.asyncIterator](): never {
        throw new Error("iterator getter");
      },
      get data(): never {
        throw new Error("data getter");
      },
    };
    const trap = () => {
      throw new Error("trap");
    };
    const proxy = new Proxy({}, { get: trap, has: trap, getPrototypeOf: trap, ownKeys: trap, getOwnPropertyDescriptor: trap, isExtensible: trap });
    const a = coat("tool", { capture: "raw" }, function getters_() {
      return getters;
    });
    const b = coat("tool", { capture: "raw" }, function proxied() {
      return proxy;
    });
    expect(a()).toBe(getters);
    expect(b()).toBe(proxy);
    const spans = await h.spans(2);
    expect(spanNamed(spans, "getters_").status.code).not.toBe(ERROR);
    expect(spanNamed(spans, "proxied").status.code).not.toBe(ERROR);
  });

  it("a Proxy result is neither unwrapped nor touched beyond what is needed", async () => {
    const target = { x: 1 };
    const proxy = new Proxy(target, {});
    const coated = coat("tool", { capture: "raw" }, () => proxy);
    expect(coated()).toBe(proxy);
    const [span] = await h.spans(1);
    expect(span!.attributes["output.value"]).toBe('"[Proxy]"');
  });

  it("a frozen generator object is returned as is and still iterates", async () => {
    function* gen() {
      yield 1;
      yield 2;
    }
    let made: Generator<number> | undefined;
    const coated = coat("tool", function frozenGen() {
      made = Object.freeze(gen());
      return made;
    });
    const g = coated();
    expect(g).toBe(made);
    expect([...g]).toEqual([1, 2]);
    const [span] = await h.spans(1);
    expect(span!.status.code).toBe(OK);
  });

  describe("when the tracer itself fails", () => {
    let saved: Tracer;
    beforeEach(() => {
      saved = state.tracer;
    });
    afterEach(() => {
      state.tracer = saved;
    });

    it("startSpan throwing: the function runs bare, once, with its value, error and this", async () => {
      state.tracer = {
        startSpan() {
          throw new Error("tracer down");
        },
        startActiveSpan() {
          throw new Error("tracer down");
        },
      } as unknown as Tracer;
      let runs = 0;
      const value = { v: 1 };
      const error = new Error("user");
      const self = { me: true };
      const ok = coat("tool", function (this: unknown) {
        runs++;
        return { self: this, value };
      });
      const bad = coat("tool", () => {
        runs++;
        throw error;
      });
      const later = coat("tool", async () => value);
      const r = ok.call(self);
      expect(r.self).toBe(self);
      expect(r.value).toBe(value);
      expect(thrown(() => bad())).toBe(error);
      expect(await later()).toBe(value);
      expect(runs).toBe(2);
    });

    /** A tracer whose spans really end (and export), then throw: what a span processor's onEnd throwing does. */
    function endThrows(what: "end" | "setStatus" | "addEvent" | "setAttributes"): Tracer {
      const real = saved;
      return {
        startSpan(name: string, options?: object, ctx?: object) {
          const span = real.startSpan(name, options as never, ctx as never);
          return new Proxy(span, {
            get(target, key) {
              const v = Reflect.get(target, key, target) as unknown;
              if (key === what && typeof v === "function") {
                return (...args: unknown[]) => {
                  (v as (...a: unknown[]) => unknown).apply(target, args);
                  throw new Error(`${what} boom`);
                };
              }
              return typeof v === "function" ? (v as (...a: unknown[]) => unknown).bind(target) : v;
            },
          }) as Span;
        },
      } as unknown as Tracer;
    }

    it.each(["setStatus", "addEvent", "setAttributes"] as const)("span.%s throwing: values and errors still pass through", async (what) => {
      state.tracer = endThrows(what);
      const value = { v: 2 };
      const error = new TypeError("user error");
      expect(coat("tool", { capture: "raw" }, () => value)()).toBe(value);
      expect(thrown(() => coat("tool", { capture: "raw" }, () => { throw error; })())).toBe(error);
      expect(await coat("tool", async () => value)()).toBe(value);
      expect(await rejected(coat("tool", async () => { throw error; })())).toBe(error);
      function* gen() {
        yield 1;
        throw error;
      }
      const g = coat("tool", gen)();
      expect(g.next()).toEqual({ value: 1, done: false });
      expect(thrown(() => g.next())).toBe(error);
      await sleep(5);
    });

    it("a real SDK tracer whose span processor throws in onStart: functions run bare", async () => {
      const provider = new BasicTracerProvider({
        spanProcessors: [
          {
            onStart() {
              throw new Error("onStart boom");
            },
            onEnd() {},
            forceFlush: async () => {},
            shutdown: async () => {},
          },
        ],
      });
      state.tracer = provider.getTracer("throwing");
      const value = { v: 5 };
      const error = new Error("user");
      let runs = 0;
      expect(coat("tool", () => (runs++, value))()).toBe(value);
      expect(thrown(() => coat("tool", () => { runs++; throw error; })())).toBe(error);
      expect(await coat("tool", async () => (runs++, value))()).toBe(value);
      expect([...coat("tool", function* () { runs++; yield 1; })()]).toEqual([1]);
      expect(runs).toBe(4);
    });

    it("a real SDK tracer whose span processor throws in onEnd: values pass through, no unhandled rejection", async () => {
      const provider = new BasicTracerProvider({
        spanProcessors: [
          {
            onStart() {},
            onEnd() {
              throw new Error("onEnd boom");
            },
            forceFlush: async () => {},
            shutdown: async () => {},
          },
        ],
      });
      state.tracer = provider.getTracer("throwing");
      const value = { v: 6 };
      const error = new Error("user");
      expect(coat("tool", () => value)()).toBe(value);
      expect(await coat("tool", async () => value)()).toBe(value);
      expect(await rejected(coat("tool", async () => { throw error; })())).toBe(error);
      const chunks: unknown[] = [];
      for await (const c of coat("llm", async function* () { yield "a"; yield "b"; })()) chunks.push(c);
      expect(chunks).toEqual(["a", "b"]);
      const { thenable } = { thenable: { then: (r: (v: unknown) => void) => r(value) } };
      expect(await coat("tool", () => thenable)()).toBe(value);
      await sleep(5);
      expect(h.unhandled).toEqual([]);
    });

    function withThrowingLogger(run: () => void): void {
      const savedLogger = state.logger;
      state.logger = {
        emit() {
          throw new Error("log pipeline down");
        },
      } as unknown as typeof state.logger;
      try {
        run();
      } finally {
        state.logger = savedLogger;
      }
    }

    it("a logger that throws on emit: values and errors pass through", () => {
      withThrowingLogger(() => {
        const value = { v: 7 };
        const error = new Error("user");
        let runs = 0;
        expect(coat("tool", () => (runs++, value))()).toBe(value);
        expect(thrown(() => coat("tool", () => { runs++; throw error; })())).toBe(error);
        expect(tie("free-event", { a: 1 })).toBeUndefined();
        expect(runs).toBe(2);
      });
    });

    // Regression: a throwing emit in startCall() used to leave the span unended and lost.
    it("a logger that throws on emit does not cost the spans", async () => {
      withThrowingLogger(() => {
        coat("tool", function logless() {
          return 1;
        })();
      });
      const [span] = await h.spans(1, 500);
      expect(span!.name).toBe("logless");
    });

    it("span.end throwing on a sync success: the value passes through", () => {
      state.tracer = endThrows("end");
      const value = { v: 3 };
      expect(coat("tool", () => value)()).toBe(value);
    });

    it("span.end throwing on a promise: no unhandled rejection, the value / error pass through", async () => {
      state.tracer = endThrows("end");
      const value = { v: 4 };
      const error = new Error("user async error");
      expect(await coat("tool", async () => value)()).toBe(value);
      expect(await rejected(coat("tool", async () => { throw error; })())).toBe(error);
      await sleep(5);
      expect(h.unhandled).toEqual([]);
    });

    it("span.end throwing on streams: chunks, the end and errors pass through", async () => {
      state.tracer = endThrows("end");
      const error = new Error("stream error");
      async function* agen() {
        yield "a";
        yield "b";
      }
      async function* abad() {
        yield "a";
        throw error;
      }
      function* sgen() {
        yield 1;
      }
      const chunks: unknown[] = [];
      for await (const c of coat("llm", agen)()) chunks.push(c);
      expect(chunks).toEqual(["a", "b"]);
      const it1 = coat("llm", abad)();
      await it1.next();
      expect(await rejected(it1.next())).toBe(error);
      expect([...coat("llm", sgen)()]).toEqual([1]);
      for (const c of coat("llm", sgen)()) {
        expect(c).toBe(1);
        break;
      }
      const rs = coat("llm", () => new ReadableStream({ start(c) { c.enqueue("x"); c.close(); } }))();
      const reader = rs.getReader();
      expect(await reader.read()).toEqual({ value: "x", done: false });
      expect(await reader.read()).toEqual({ value: undefined, done: true });
      await sleep(5);
      expect(h.unhandled).toEqual([]);
    });

    it("span.end throwing on a sync throw: the user's error is rethrown, not the telemetry one", () => {
      state.tracer = endThrows("end");
      const error = new RangeError("user sync error");
      // (Regression test: span.end() in fail()'s finally was once unguarded, so the telemetry error
      // replaced the user's error in coat()'s catch block.)
      expect(thrown(() => coat("tool", () => { throw error; })())).toBe(error);
    });
  });
});
