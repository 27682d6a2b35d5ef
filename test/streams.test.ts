/**
 * Streamed results: sync and async generators, non-generator async iterables (an SDK's stream
 * object) and Web ReadableStreams. The span stays open until the stream is consumed, returned
 * early, cancelled or errors; the very same object is handed back; chunks are counted and, in raw
 * mode, aggregated within bounds. Asserted on what the OTLP receiver decoded.
 */
import v8 from "node:v8";
import vm from "node:vm";
import { describe, expect, it } from "vitest";
import { coat } from "../src/wrap/coat.js";
import type { CoatOptions } from "../src/wrap/options.js";
import { tie } from "../src/wrap/tie.js";
import { asMap, harnessPerFile, sleep, spanNamed } from "./support/harness.js";
import type { ReceivedSpan } from "./support/otlp-receiver.js";

const OK = 1;
const ERROR = 2;
const FIRST_CHUNK = "coat.stream.first_chunk";

const h = harnessPerFile();

// ---------------------------------------------------------------------------------------------
// Stream sources: one factory per kind, all driven by the same script.

type Kind = "sync generator" | "async generator" | "async iterable" | "async iterable without return()" | "SDK-style class" | "ReadableStream";
const KINDS: Kind[] = ["sync generator", "async generator", "async iterable", "async iterable without return()", "SDK-style class", "ReadableStream"];

interface Script {
  chunks: readonly unknown[];
  /** Throw (or error the stream) instead of producing chunk `failAt`. */
  failAt?: number;
  error?: unknown;
  /** Delay (ms) before the first chunk. */
  firstDelay?: number;
  /** Runs inside the producer (generator body, next(), pull()) just before chunk i is produced. */
  beforeChunk?: (i: number) => void;
}

interface Probe {
  /** How often the producer was asked for a chunk. */
  pulls: number;
  /** The producer was finalized early: generator finally ran before the end, return() or cancel() called. */
  stoppedEarly: boolean;
  cancelReason: unknown;
}

function produce(kind: Kind, script: Script): { stream: unknown; probe: Probe } {
  const probe: Probe = { pulls: 0, stoppedEarly: false, cancelReason: undefined };
  const { chunks, failAt, error, firstDelay = 0, beforeChunk } = script;
  const step = (i: number): IteratorResult<unknown> => {
    probe.pulls++;
    if (i === failAt) throw error;
    if (i >= chunks.length) return { done: true, value: undefined };
    beforeChunk?.(i);
    return { done: false, value: chunks[i] };
  };
  switch (kind) {
    case "sync generator": {
      if (firstDelay) throw new Error("a sync generator cannot wait");
      const gen = function* () {
        let i = 0;
        let finished = false;
        try {
          for (;;) {
            const r = step(i++);
            if (r.done) {
              finished = true;
              return;
            }
            yield r.value;
          }
        } finally {
          if (!finished) probe.stoppedEarly = true;
        }
      };
      return { stream: gen(), probe };
    }
    case "async generator":
    case "SDK-style class": {
      const gen = async function* () {
        let i = 0;
        let finished = false;
        try {
          for (;;) {
            if (i === 0 && firstDelay) await sleep(firstDelay);
            await Promise.resolve();
            const r = step(i++);
            if (r.done) {
              finished = true;
              return;
            }
            yield r.value;
          }
        } finally {
          if (!finished) probe.stoppedEarly = true;
        }
      };
      if (kind === "async generator") return { stream: gen(), probe };
      class Stream<T> implements AsyncIterable<T> {
        readonly controller = { abort: () => undefined };
        [Symbol.asyncIterator](): AsyncIterator<T> {
          return gen() as AsyncIterator<T>;
        }
      }
      return { stream: new Stream(), probe };
    }
    case "async iterable":
    case "async iterable without return()": {
      const withReturn = kind === "async iterable";
      const stream = {
        [Symbol.asyncIterator]() {
          // This iterator deliberately does not reference its iterable (like many SDK iterators).
          let i = 0;
          const iterator: AsyncIterator<unknown> = {
            async next() {
              if (i === 0 && firstDelay) await sleep(firstDelay);
              await Promise.resolve();
              return step(i++);
            },
          };
          if (withReturn) {
            iterator.return = async (value?: unknown) => {
              probe.stoppedEarly = true;
              return { done: true, value };
            };
          }
          return iterator;
        },
      };
      return { stream, probe };
    }
    case "ReadableStream": {
      let i = 0;
      const stream = new ReadableStream<unknown>({
        async pull(controller) {
          if (i === 0 && firstDelay) await sleep(firstDelay);
          let r: IteratorResult<unknown>;
          try {
            r = step(i++);
          } catch (e) {
            controller.error(e);
            return;
          }
          if (r.done) controller.close();
          else controller.enqueue(r.value);
        },
        cancel(reason) {
          probe.stoppedEarly = true;
          probe.cancelReason = reason;
        },
      });
      return { stream, probe };
    }
  }
}

/** Consumes `stream` the idiomatic way for its kind (for…of / for await…of), stopping after `breakAfter` chunks. */
async function consume(kind: Kind, stream: unknown, breakAfter = Infinity, perChunk?: (c: unknown) => void): Promise<unknown[]> {
  const out: unknown[] = [];
  if (out.length >= breakAfter) return out;
  if (kind === "sync generator") {
    for (const c of stream as Iterable<unknown>) {
      out.push(c);
      perChunk?.(c);
      if (out.length >= breakAfter) break;
    }
  } else {
    for await (const c of stream as AsyncIterable<unknown>) {
      out.push(c);
      perChunk?.(c);
      if (out.length >= breakAfter) break;
    }
  }
  return out;
}

/** Wraps a producer of `kind` as a sync function named `name` (the shape of an SDK's `stream()` call). */
function coated(kind: Kind, script: Script, name = "stream", options: CoatOptions = {}) {
  const made: { stream?: unknown; probe?: Probe } = {};
  const fn = coat("llm", { ...options, name }, function () {
    const p = produce(kind, script);
    made.stream = p.stream;
    made.probe = p.probe;
    return p.stream;
  });
  return { fn, made };
}

const chunkEvents = (span: ReceivedSpan) => span.events.filter((e) => e.name === FIRST_CHUNK);

async function rejection(fn: () => Promise<unknown>): Promise<unknown> {
  try {
    await fn();
  } catch (error) {
    return error;
  }
  throw new Error("expected a rejection");
}

// ---------------------------------------------------------------------------------------------

describe.each(KINDS)("%s", (kind) => {
  const TOKENS = ["Hel", "lo", ", ", "world"];

  it("consumed fully: same object, span open until the end, chunks counted, first-chunk event, OK", async () => {
    const { fn, made } = coated(kind, { chunks: TOKENS });
    const stream = fn();
    expect(stream).toBe(made.stream);
    if (kind === "ReadableStream") expect(stream).toBeInstanceOf(ReadableStream);

    expect(await consume(kind, stream)).toEqual(TOKENS);
    expect(made.probe!.stoppedEarly).toBe(false);

    const [span] = await h.spans(1);
    expect(h.receiver.spans).toHaveLength(1);
    expect(span!.name).toBe("stream");
    expect(span!.status.code).toBe(OK);
    expect(span!.attributes["envpod.stream.chunks"]).toBe(TOKENS.length);
    expect(span!.attributes["envpod.stream.abandoned"]).toBeUndefined();
    expect(chunkEvents(span!)).toHaveLength(1);
    expect(span!.attributes["output.value"]).toBeUndefined(); // capture none
    const logs = await h.logsFor(span!, 2);
    expect(logs.map((l) => l.eventName)).toEqual(["agent.llm.request", "agent.llm.response"]);
    expect(logs[1]!.attributes["envpod.stream.chunks"]).toBe(TOKENS.length);
  });

  it("keeps the span open while the stream is only partly read", async () => {
    const { fn } = coated(kind, { chunks: TOKENS });
    const stream = fn();
    const iterator =
      kind === "sync generator" ? (stream as Iterable<unknown>)[Symbol.iterator]() : (stream as AsyncIterable<unknown>)[Symbol.asyncIterator]();
    const first = await iterator.next();
    expect(first).toEqual({ done: false, value: "Hel" });
    await h.flush();
    await sleep(10);
    expect(h.receiver.spans).toHaveLength(0);
    for (let r = await iterator.next(); !r.done; r = await iterator.next());
    const [span] = await h.spans(1);
    expect(span!.attributes["envpod.stream.chunks"]).toBe(TOKENS.length);
    expect(span!.status.code).toBe(OK);
  });

  it("broken early: abandoned = true, chunks so far, producer finalized", async () => {
    const { fn, made } = coated(kind, { chunks: ["a", "b", "c", "d", "e"] });
    const got = await consume(kind, fn(), 2);
    expect(got).toEqual(["a", "b"]);
    await sleep(0);
    if (kind !== "async iterable without return()") expect(made.probe!.stoppedEarly).toBe(true);
    const [span] = await h.spans(1);
    expect(span!.attributes["envpod.stream.abandoned"]).toBe(true);
    expect(span!.attributes["envpod.stream.chunks"]).toBe(2);
    expect(span!.status.code).not.toBe(ERROR);
    expect(chunkEvents(span!)).toHaveLength(1);
    const logs = await h.logsFor(span!, 2);
    expect(logs[1]!.eventName).toBe("agent.llm.response");
    expect(logs[1]!.attributes["envpod.stream.abandoned"]).toBe(true);
  });

  it("errors midway: the very same error reaches the consumer, status ERROR, chunks so far", async () => {
    class StreamBroke extends Error {
      override name = "StreamBroke";
    }
    const error = new StreamBroke("connection reset");
    const { fn } = coated(kind, { chunks: ["a", "b", "c", "d"], failAt: 2, error });
    const seen: unknown[] = [];
    const stream = fn();
    const got = await rejection(() => consume(kind, stream, Infinity, (c) => seen.push(c)));
    expect(got).toBe(error);
    expect(seen).toEqual(["a", "b"]);
    const [span] = await h.spans(1);
    expect(span!.status.code).toBe(ERROR);
    expect(span!.attributes["error.type"]).toBe("StreamBroke");
    expect(span!.events.filter((e) => e.name === "exception").map((e) => e.attributes["exception.type"])).toEqual(["StreamBroke"]);
    expect(chunkEvents(span!)).toHaveLength(1);
    expect(span!.attributes["envpod.stream.abandoned"]).toBeUndefined();
    const logs = await h.logsFor(span!, 2);
    expect(logs.map((l) => l.eventName)).toEqual(["agent.llm.request", "agent.llm.error"]);
    expect(h.receiver.allWireText()).not.toContain("connection reset");
  });

  // (Regression test: fail() once left envpod.stream.chunks out.)
  it("errors midway: envpod.stream.chunks still counts the chunks that went by", async () => {
    const error = new Error("midway");
    const { fn } = coated(kind, { chunks: ["a", "b", "c"], failAt: 2, error });
    expect(await rejection(() => consume(kind, fn()))).toBe(error);
    const [span] = await h.spans(1);
    expect(span!.status.code).toBe(ERROR);
    expect(span!.attributes["envpod.stream.chunks"]).toBe(2);
  });

  it("errors before the first chunk: ERROR, no first-chunk event", async () => {
    const error = new Error("refused");
    const { fn } = coated(kind, { chunks: ["a"], failAt: 0, error });
    expect(await rejection(() => consume(kind, fn()))).toBe(error);
    const [span] = await h.spans(1);
    expect(span!.status.code).toBe(ERROR);
    expect(chunkEvents(span!)).toHaveLength(0);
  });

  it("an empty stream ends OK with no first-chunk event", async () => {
    const { fn } = coated(kind, { chunks: [] }, "empty", { capture: "raw" });
    expect(await consume(kind, fn())).toEqual([]);
    const [span] = await h.spans(1);
    expect(span!.status.code).toBe(OK);
    expect(chunkEvents(span!)).toHaveLength(0);
    expect(span!.attributes["envpod.stream.abandoned"]).toBeUndefined();
  });

  it("raw mode concatenates text chunks into output.value", async () => {
    const { fn } = coated(kind, { chunks: TOKENS }, "text", { capture: "raw" });
    await consume(kind, fn());
    const [span] = await h.spans(1);
    expect(span!.attributes["output.value"]).toBe("Hello, world");
    expect(span!.attributes["output.mime_type"]).toBe("text/plain");
    const logs = await h.logsFor(span!, 2);
    expect(asMap(asMap(asMap(logs[1]!.body).payload).preview).output).toBe("Hello, world");
  });

  it("raw mode renders non-text chunks as a JSON array", async () => {
    const chunks = [{ delta: "a", i: 0 }, { delta: "b", i: 1 }, "tail", 3];
    const { fn } = coated(kind, { chunks }, "objects", { capture: "raw" });
    const got = await consume(kind, fn());
    expect(got[0]).toBe(chunks[0]); // chunks pass through by identity
    const [span] = await h.spans(1);
    expect(JSON.parse(span!.attributes["output.value"] as string)).toEqual(chunks);
    expect(span!.attributes["output.mime_type"]).toBe("application/json");
  });

  it("the first-chunk event marks the time of the first chunk, once", async () => {
    if (kind === "sync generator") return; // a sync generator cannot wait; its event is checked above
    const { fn } = coated(kind, { chunks: ["a", "b", "c"], firstDelay: 40 });
    await consume(kind, fn());
    const [span] = await h.spans(1);
    const events = chunkEvents(span!);
    expect(events).toHaveLength(1);
    expect(events[0]!.timeUnixNano - span!.startTimeUnixNano).toBeGreaterThanOrEqual(30_000_000n);
    expect(events[0]!.timeUnixNano).toBeLessThanOrEqual(span!.endTimeUnixNano);
  });

  it("coat() calls and tie() in the producer nest under the stream's span; the consumer's do not", async () => {
    const inner = coat("tool", function producerWork(i: number) {
      return i;
    });
    const consumerWork = coat("tool", function consumerWork(c: unknown) {
      return c;
    });
    const { fn } = coated(kind, {
      chunks: ["x", "y", "z"],
      beforeChunk: (i) => {
        inner(i);
        tie("producer.progress", { i });
      },
    });
    const agent = coat("step", async function consumer() {
      return consume(kind, fn(), Infinity, (c) => consumerWork(c));
    });
    expect(await agent()).toEqual(["x", "y", "z"]);
    const spans = await h.spans(1 + 1 + 3 + 3);
    const top = spanNamed(spans, "consumer");
    const stream = spanNamed(spans, "stream");
    expect(stream.parentSpanId).toBe(top.spanId);
    const producer = spans.filter((s) => s.name === "producerWork");
    const consumerSide = spans.filter((s) => s.name === "consumerWork");
    expect(producer).toHaveLength(3);
    expect(consumerSide).toHaveLength(3);
    for (const s of producer) expect(s.parentSpanId).toBe(stream.spanId);
    for (const s of consumerSide) expect(s.parentSpanId).toBe(top.spanId);
    expect(stream.events.filter((e) => e.name === "producer.progress")).toHaveLength(3);
    expect(top.events.filter((e) => e.name === "producer.progress")).toHaveLength(0);
    const logs = await h.logsFor(stream, 5);
    expect(logs.map((l) => l.eventName)).toEqual(["agent.llm.request", "agent.llm.event", "agent.llm.event", "agent.llm.event", "agent.llm.response"]);
  });
});

// ---------------------------------------------------------------------------------------------

describe("bounded aggregation", () => {
  it("10k text chunks: output.value is cut at the preview length with a marker, all chunks counted", async () => {
    const started = Date.now();
    const { fn } = coated("async generator", { chunks: Array.from({ length: 10_000 }, () => "xy") }, "big", { capture: "raw" });
    const got = await consume("async generator", fn());
    expect(got).toHaveLength(10_000);
    const [span] = await h.spans(1);
    expect(span!.attributes["envpod.stream.chunks"]).toBe(10_000);
    expect(span!.attributes["output.value"]).toBe(`${"xy".repeat(100)}…[+19800 chars]`);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("10k object chunks: output.value is a bounded JSON array that says how many were left out", async () => {
    const chunks = Array.from({ length: 10_000 }, (_, i) => ({ i, delta: "token ".repeat(3) }));
    const { fn } = coated("sync generator", { chunks }, "bigObjects", { capture: "raw" });
    expect(await consume("sync generator", fn())).toHaveLength(10_000);
    const [span] = await h.spans(1);
    expect(span!.attributes["envpod.stream.chunks"]).toBe(10_000);
    const text = span!.attributes["output.value"] as string;
    expect(text.length).toBeLessThan(20_000);
    const parsed = JSON.parse(text) as unknown[];
    expect(parsed.length).toBeLessThanOrEqual(65);
    expect(parsed[0]).toEqual({ i: 0, delta: "token token token " });
    // The reader must be able to tell that the array is not the whole stream.
    expect(JSON.stringify(parsed.at(-1))).toMatch(/\+9936 more/);
  });

  it("a text cut never splits a surrogate pair", async () => {
    const chunks = ["a".repeat(199), "😀", "b".repeat(50)];
    const { fn } = coated("sync generator", { chunks }, "emoji", { capture: "raw" });
    await consume("sync generator", fn());
    const [span] = await h.spans(1);
    const value = span!.attributes["output.value"] as string;
    expect(value).toBe(`${"a".repeat(199)}…[+52 chars]`);
  });

  it("one huge text chunk is cut too", async () => {
    const { fn } = coated("sync generator", { chunks: ["z".repeat(100_000)] }, "huge", { capture: "raw" });
    await consume("sync generator", fn());
    const [span] = await h.spans(1);
    expect(span!.attributes["output.value"]).toBe(`${"z".repeat(200)}…[+99800 chars]`);
  });

  it("capture none: chunks counted, no content leaves the process", async () => {
    const { fn } = coated("async generator", { chunks: ["SECRET-", "TOKEN-", "STREAM"] }, "quiet");
    await consume("async generator", fn());
    const [span] = await h.spans(1);
    await h.logsFor(span!, 2);
    expect(span!.attributes["envpod.stream.chunks"]).toBe(3);
    expect(h.receiver.allWireText()).not.toContain("SECRET-");
    expect(h.receiver.allWireText()).not.toContain("STREAM");
  });

  it("captureOutput receives the aggregate of a stream, not the stream object", async () => {
    const seen: unknown[] = [];
    const { fn } = coated("async generator", { chunks: ["ab", "cd"] }, "hooked", {
      capture: "raw",
      captureOutput: (v) => {
        seen.push(v);
        return { length: (v as string).length };
      },
    });
    await consume("async generator", fn());
    const [span] = await h.spans(1);
    expect(seen).toEqual(["abcd"]);
    expect(JSON.parse(span!.attributes["output.value"] as string)).toEqual({ length: 4 });
  });
});

// ---------------------------------------------------------------------------------------------

// Regression: the chunk aggregate used to be created on the first chunk only.
it("an empty stream records envpod.stream.chunks = 0", async () => {
  const { fn } = coated("async generator", { chunks: [] }, "empty");
  expect(await consume("async generator", fn())).toEqual([]);
  const [span] = await h.spans(1);
  expect(span!.attributes["envpod.stream.chunks"]).toBe(0);
});

describe("generators driven by hand", () => {
  it("gen.return() early from outside marks the stream abandoned", async () => {
    const { fn, made } = coated("sync generator", { chunks: [1, 2, 3] });
    const g = fn() as Generator<unknown>;
    expect(g.next()).toEqual({ done: false, value: 1 });
    expect(g.return(undefined)).toEqual({ done: true, value: undefined });
    expect(made.probe!.stoppedEarly).toBe(true);
    const [span] = await h.spans(1);
    expect(span!.attributes["envpod.stream.abandoned"]).toBe(true);
    expect(span!.attributes["envpod.stream.chunks"]).toBe(1);
  });

  it("gen.throw() from outside rethrows the same error and records ERROR", async () => {
    const { fn } = coated("async generator", { chunks: [1, 2, 3] });
    const g = fn() as AsyncGenerator<unknown>;
    await g.next();
    const error = new Error("consumer gave up");
    expect(await rejection(() => g.throw(error))).toBe(error);
    const [span] = await h.spans(1);
    expect(span!.status.code).toBe(ERROR);
  });

  it("next() arguments reach the generator body; the return value is not a chunk", async () => {
    const received: unknown[] = [];
    const g = coat("llm", function* conversation() {
      received.push(yield "q1");
      received.push(yield "q2");
      return "bye";
    })();
    expect(g.next()).toEqual({ done: false, value: "q1" });
    expect(g.next("a1")).toEqual({ done: false, value: "q2" });
    expect(g.next("a2")).toEqual({ done: true, value: "bye" });
    expect(received).toEqual(["a1", "a2"]);
    const [span] = await h.spans(1);
    expect(span!.attributes["envpod.stream.chunks"]).toBe(2);
    expect(span!.attributes["envpod.stream.abandoned"]).toBeUndefined();
  });

  it("a coated async generator function (not a sync function returning one) works the same", async () => {
    const inner = coat("tool", function nested() {
      return 1;
    });
    const gen = coat("llm", async function* tokens(n: number) {
      for (let i = 0; i < n; i++) {
        await sleep(1);
        inner();
        yield `t${i}`;
      }
    });
    expect(gen.name).toBe("tokens");
    expect(gen.length).toBe(1);
    const out: unknown[] = [];
    for await (const t of gen(3)) out.push(t);
    expect(out).toEqual(["t0", "t1", "t2"]);
    const spans = await h.spans(4);
    const s = spanNamed(spans, "tokens");
    expect(s.attributes["envpod.stream.chunks"]).toBe(3);
    expect(spans.filter((x) => x.name === "nested").every((x) => x.parentSpanId === s.spanId)).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------

describe("ReadableStream", () => {
  function source(chunks: unknown[], opts: { failAt?: number; error?: unknown } = {}) {
    const probe = { cancelled: false, reason: undefined as unknown, pulls: 0 };
    let i = 0;
    const stream = new ReadableStream<unknown>({
      pull(c) {
        probe.pulls++;
        if (i === opts.failAt) return c.error(opts.error);
        if (i >= chunks.length) return c.close();
        c.enqueue(chunks[i++]);
      },
      cancel(reason) {
        probe.cancelled = true;
        probe.reason = reason;
      },
    });
    return { stream, probe };
  }

  function wrap(chunks: unknown[], opts: { failAt?: number; error?: unknown } = {}, capture: "raw" | "none" = "none") {
    const s = source(chunks, opts);
    const fn = coat("llm", { name: "rs", capture }, () => s.stream);
    return { ...s, fn };
  }

  it("getReader(): read loop, same object, OK; the lock is released like on the original", async () => {
    const { stream, fn } = wrap(["a", "b", "c"]);
    const rs = fn();
    expect(rs).toBe(stream);
    expect(rs.locked).toBe(false);
    const reader = rs.getReader();
    expect(rs.locked).toBe(true);
    const out: unknown[] = [];
    for (let r = await reader.read(); !r.done; r = await reader.read()) out.push(r.value);
    expect(out).toEqual(["a", "b", "c"]);
    reader.releaseLock();
    expect(rs.locked).toBe(false);
    const [span] = await h.spans(1);
    expect(span!.status.code).toBe(OK);
    expect(span!.attributes["envpod.stream.chunks"]).toBe(3);
  });

  it("getReader(): an error midway rejects read() with the very same error", async () => {
    const error = new TypeError("decode failed");
    const { fn } = wrap(["a", "b"], { failAt: 1, error });
    const reader = fn().getReader();
    expect(await reader.read()).toEqual({ done: false, value: "a" });
    expect(await rejection(() => reader.read())).toBe(error);
    expect(await rejection(() => reader.closed)).toBe(error);
    const [span] = await h.spans(1);
    expect(span!.status.code).toBe(ERROR);
    expect(chunkEvents(span!)).toHaveLength(1);
  });

  it("pipeTo(new WritableStream()) consumes the stream and ends the span", async () => {
    const { fn } = wrap(["p", "q", "r"], {}, "raw");
    const written: unknown[] = [];
    await fn().pipeTo(
      new WritableStream({
        write(chunk) {
          written.push(chunk);
        },
      }),
    );
    expect(written).toEqual(["p", "q", "r"]);
    const [span] = await h.spans(1);
    expect(span!.status.code).toBe(OK);
    expect(span!.attributes["envpod.stream.chunks"]).toBe(3);
    expect(span!.attributes["output.value"]).toBe("pqr");
  });

  it("pipeTo() into a failing sink cancels the source: abandoned, and pipeTo rejects with the sink's error", async () => {
    const { fn, probe } = wrap(["p", "q", "r", "s"]);
    const sinkError = new Error("disk full");
    let writes = 0;
    const got = await rejection(() =>
      fn().pipeTo(
        new WritableStream({
          write() {
            if (++writes === 2) throw sinkError;
          },
        }),
      ),
    );
    expect(got).toBe(sinkError);
    expect(probe.cancelled).toBe(true);
    expect(probe.reason).toBe(sinkError);
    const [span] = await h.spans(1);
    expect(span!.attributes["envpod.stream.abandoned"]).toBe(true);
  });

  it("pipeThrough(new TransformStream()) reads through the observer", async () => {
    const { fn } = wrap(["a", "b"]);
    const upper = fn().pipeThrough(
      new TransformStream<unknown, string>({
        transform(chunk, controller) {
          controller.enqueue(String(chunk).toUpperCase());
        },
      }),
    );
    const out: string[] = [];
    for await (const c of upper) out.push(c);
    expect(out).toEqual(["A", "B"]);
    const [span] = await h.spans(1);
    expect(span!.attributes["envpod.stream.chunks"]).toBe(2);
    expect(span!.status.code).toBe(OK);
  });

  it("reader.cancel(reason) passes the reason to the source and marks the stream abandoned", async () => {
    const { fn, probe } = wrap(["a", "b", "c"]);
    const reader = fn().getReader();
    await reader.read();
    const reason = { why: "user hit stop" };
    await reader.cancel(reason);
    expect(probe.cancelled).toBe(true);
    expect(probe.reason).toBe(reason);
    const [span] = await h.spans(1);
    expect(span!.attributes["envpod.stream.abandoned"]).toBe(true);
    expect(span!.attributes["envpod.stream.chunks"]).toBe(1);
    expect(span!.status.code).not.toBe(ERROR);
  });

  it("reader.cancel() while a read is pending settles that read as done", async () => {
    let cancelled: unknown;
    const slow = new ReadableStream<string>(
      {
        async pull(c) {
          await sleep(30);
          c.enqueue("late");
        },
        cancel(reason) {
          cancelled = reason;
        },
      },
      { highWaterMark: 0 },
    );
    const reader = coat("llm", { name: "slow" }, () => slow)().getReader();
    const pending = reader.read();
    await sleep(5);
    await reader.cancel("stop");
    expect(await pending).toEqual({ done: true, value: undefined });
    expect(cancelled).toBe("stop");
    await sleep(40); // the source's late chunk must not surface anywhere
    const [span] = await h.spans(1);
    expect(span!.attributes["envpod.stream.abandoned"]).toBe(true);
    expect(span!.attributes["envpod.stream.chunks"]).toBeUndefined();
  });

  it("stream.cancel(reason) before any read cancels the source and ends the span", async () => {
    const { fn, probe } = wrap(["a", "b"]);
    const rs = fn();
    const reason = new Error("not needed");
    await rs.cancel(reason);
    expect(probe.cancelled).toBe(true);
    expect(probe.reason).toBe(reason);
    const [span] = await h.spans(1);
    expect(span!.attributes["envpod.stream.abandoned"]).toBe(true);
  });

  it("stream.cancel() after a reader released its lock works like on the original", async () => {
    const { fn, probe } = wrap(["a", "b", "c"]);
    const rs = fn();
    const reader = rs.getReader();
    await reader.read();
    reader.releaseLock();
    await rs.cancel("done early");
    expect(probe.cancelled).toBe(true);
    expect(probe.reason).toBe("done early");
    const [span] = await h.spans(1);
    expect(span!.attributes["envpod.stream.abandoned"]).toBe(true);
  });

  it("a second reader continues where the first one stopped", async () => {
    const { fn } = wrap(["a", "b", "c"]);
    const rs = fn();
    const r1 = rs.getReader();
    expect((await r1.read()).value).toBe("a");
    r1.releaseLock();
    const r2 = rs.getReader();
    expect((await r2.read()).value).toBe("b");
    expect((await r2.read()).value).toBe("c");
    expect((await r2.read()).done).toBe(true);
    const [span] = await h.spans(1);
    expect(span!.attributes["envpod.stream.chunks"]).toBe(3);
    expect(span!.attributes["envpod.stream.abandoned"]).toBeUndefined();
  });

  it("tee(): both branches see every chunk, the span ends once", async () => {
    const { fn } = wrap(["a", "b"]);
    const [x, y] = fn().tee();
    const read = async (s: ReadableStream<unknown>) => {
      const out: unknown[] = [];
      for await (const c of s) out.push(c);
      return out;
    };
    expect(await Promise.all([read(x), read(y)])).toEqual([
      ["a", "b"],
      ["a", "b"],
    ]);
    const spans = await h.spans(1);
    expect(spans).toHaveLength(1);
    expect(spans[0]!.attributes["envpod.stream.chunks"]).toBe(2);
  });

  it("does not read ahead of the consumer", async () => {
    const { fn, probe } = wrap(["a", "b", "c", "d", "e", "f"]);
    const reader = fn().getReader();
    await reader.read();
    await sleep(10);
    // The source's own highWaterMark (1) allows one chunk of read-ahead; coat must add none.
    expect(probe.pulls).toBeLessThanOrEqual(2);
    await reader.cancel();
  });

  it("new Response(stream) reads it through the observer", async () => {
    const encoder = new TextEncoder();
    const s = source([encoder.encode("Hel"), encoder.encode("lo")]);
    const fn = coat("tool", { name: "body" }, () => s.stream);
    expect(await new Response(fn() as ReadableStream<Uint8Array>).text()).toBe("Hello");
    const [span] = await h.spans(1);
    expect(span!.status.code).toBe(OK);
    expect(span!.attributes["envpod.stream.chunks"]).toBe(2);
  });

  it("a byte stream still supports BYOB readers", async () => {
    const bytes = new Uint8Array([1, 2, 3, 4, 5, 6]);
    let sent = false;
    const stream = new ReadableStream({
      type: "bytes",
      pull(controller) {
        if (sent) return controller.close();
        sent = true;
        controller.enqueue(bytes.slice());
      },
    });
    const rs = coat("tool", { name: "bytes" }, () => stream)();
    expect(rs).toBe(stream);
    const reader = rs.getReader({ mode: "byob" });
    const first = await reader.read(new Uint8Array(4));
    expect(Array.from(first.value!)).toEqual([1, 2, 3, 4]);
    const second = await reader.read(new Uint8Array(4));
    expect(Array.from(second.value!)).toEqual([5, 6]);
    const third = await reader.read(new Uint8Array(4));
    expect(third.done).toBe(true);
    const [span] = await h.spans(1);
    expect(span!.status.code).toBe(OK);
    expect(span!.attributes["envpod.stream.chunks"]).toBe(1);
  });

  it("a byte stream read by a default reader in raw mode: bytes pass through, chunks captured by size", async () => {
    const parts = [new Uint8Array([1, 2, 3]), new Uint8Array([4, 5])];
    let i = 0;
    const stream = new ReadableStream({
      type: "bytes",
      pull(controller) {
        if (i >= parts.length) return controller.close();
        controller.enqueue(parts[i++]!.slice());
      },
    });
    const rs = coat("tool", { name: "rawBytes", capture: "raw" }, () => stream)();
    const got: number[] = [];
    for await (const chunk of rs as ReadableStream<Uint8Array>) got.push(...chunk);
    expect(got).toEqual([1, 2, 3, 4, 5]);
    const [span] = await h.spans(1);
    expect(JSON.parse(span!.attributes["output.value"] as string)).toEqual(["[Uint8Array(3)]", "[Uint8Array(2)]"]);
  });

  it("a producer's coat() calls in pull() nest under the stream span", async () => {
    const inner = coat("tool", function fetchChunk(i: number) {
      return `c${i}`;
    });
    let i = 0;
    const fn = coat("llm", function rsNest() {
      return new ReadableStream<string>({
        pull(c) {
          if (i >= 3) return c.close();
          c.enqueue(inner(i++));
        },
      });
    });
    const out: string[] = [];
    for await (const c of fn()) out.push(c);
    expect(out).toEqual(["c0", "c1", "c2"]);
    const spans = await h.spans(4);
    const s = spanNamed(spans, "rsNest");
    const kids = spans.filter((x) => x.name === "fetchChunk");
    expect(kids).toHaveLength(3);
    for (const k of kids) expect(k.parentSpanId).toBe(s.spanId);
  });
});

// ---------------------------------------------------------------------------------------------

describe("garbage collection", () => {
  v8.setFlagsFromString("--expose-gc");
  const gc = vm.runInNewContext("gc") as () => void;

  async function collect(): Promise<void> {
    for (let i = 0; i < 4; i++) {
      gc();
      await sleep(5);
    }
  }

  /** Reads "a", lets the collector run, reads the rest: the call's span is whole, not abandoned. */
  async function readAcrossCollection(iterator: AsyncIterator<unknown>): Promise<void> {
    expect(await iterator.next()).toEqual({ done: false, value: "a" });
    await collect();
    const rest: unknown[] = [];
    for (let r = await iterator.next(); !r.done; r = await iterator.next()) rest.push(r.value);
    expect(rest).toEqual(["b", "c"]);
    const [span] = await h.spans(1);
    expect(span!.attributes["envpod.stream.abandoned"]).toBeUndefined();
    expect(span!.attributes["envpod.stream.chunks"]).toBe(3);
  }

  it("an async iterable whose iterator outlives it is not reported abandoned while still being read", async () => {
    // The iterable itself is dropped at once (nothing else holds it); only its iterator is kept.
    const iterator = (() => {
      const { fn } = coated("async iterable", { chunks: ["a", "b", "c"] }, "kept");
      return (fn() as AsyncIterable<unknown>)[Symbol.asyncIterator]();
    })();
    await readAcrossCollection(iterator);
  });

  it("an SDK-style promise resolving to a stream is not reported abandoned when dropped while the stream is read", async () => {
    async function* chunks() {
      yield "a";
      yield "b";
      yield "c";
    }
    // A thenable like an SDK's APIPromise: awaited once, then dropped; only the stream is kept.
    const fn = coat("llm", { name: "streamed" }, function streamed() {
      return { then: (resolve: (v: unknown) => void) => resolve(chunks()) };
    });
    const stream = (await (async () => (await fn()) as AsyncIterable<unknown>)())[Symbol.asyncIterator]();
    await readAcrossCollection(stream);
  });

  it("a stream dropped unread ends its span as abandoned", async () => {
    (() => {
      coated("async generator", { chunks: ["a"] }, "dropped").fn();
    })();
    await collect();
    const [span] = await h.spans(1);
    expect(span!.name).toBe("dropped");
    expect(span!.attributes["envpod.stream.abandoned"]).toBe(true);
  });

  it("an awaited lazy thenable is not reported abandoned while its work is pending", async () => {
    let runs = 0;
    const fn = coat("memory", function slowQuery() {
      return {
        then(resolve: (v: string) => void) {
          runs++;
          setTimeout(() => resolve("rows"), 60);
        },
      };
    });
    const pending = (async () => await fn())();
    await sleep(5);
    await collect();
    expect(await pending).toBe("rows");
    expect(runs).toBe(1);
    const [span] = await h.spans(1);
    expect(span!.attributes["envpod.stream.abandoned"]).toBeUndefined();
    expect(span!.endTimeUnixNano - span!.startTimeUnixNano).toBeGreaterThanOrEqual(50_000_000n);
  });
});
