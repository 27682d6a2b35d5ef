import { types } from "node:util";
import { context } from "@opentelemetry/api";
import type { CoatCall } from "./call.js";
import { reportOnce } from "../runtime/report.js";

type Step = "next" | "return" | "throw";
type Method = (...args: unknown[]) => unknown;

/**
 * Runs one telemetry step (end, fail, abandon) so that nothing it throws can reach the caller:
 * a span processor whose onEnd throws must not replace the user's value or error.
 */
export function quietly(what: string, fn: () => void): void {
  try {
    fn();
  } catch (error) {
    reportOnce(what, error);
  }
}

/**
 * A stream that is dropped without being finished or cancelled still ends its span, at GC time.
 * A call that settles stops being watched: the registry holds its call strongly, and with it the
 * call's context and request, until the watched object is collected.
 */
const dropped = new FinalizationRegistry<CoatCall>((call) => quietly("ending a dropped stream", () => call.abandon()));

/**
 * Keeps a watched object alive for as long as something that still drives it (an iterator it
 * handed out, callbacks given to its then()) is alive, so that it is not reported dropped while
 * in use merely because the caller let go of the object itself.
 */
const keepAlive = new WeakMap<object, object>();

export function watchDropped(target: object, call: CoatCall): void {
  dropped.register(target, call, call);
}

/** The call has settled: nothing it watched can end it any more. */
export function unwatchDropped(call: CoatCall): void {
  dropped.unregister(call);
}

export function keepAliveWhile(holder: object, target: object): void {
  keepAlive.set(holder, target);
}

/**
 * Observes a generator object in place: its next/return/throw are shadowed on the object itself
 * (identity kept) and run inside the call's context, so work done while the stream is consumed
 * nests under the call. Returns false when the object cannot be extended.
 */
export function observeIterator(call: CoatCall, iterator: Iterator<unknown>, isAsync: boolean): boolean {
  if (!Object.isExtensible(iterator)) return false;
  const step = isAsync ? asyncStep : syncStep;
  for (const kind of ["next", "return", "throw"] as const) {
    const method = iterator[kind] as Method | undefined;
    if (typeof method !== "function") continue;
    shadow(iterator, kind, function (this: unknown, ...args: unknown[]) {
      return step(call, method, this, args, kind);
    });
  }
  watchDropped(iterator, call);
  return true;
}

/**
 * A promise's value that is itself a stream (an LLM SDK's `create({ stream: true })`): observed in
 * place like a returned one, so the call lasts until it ends. False for anything else.
 */
export function observeResolvedStream(call: CoatCall, value: unknown): boolean {
  if (value === null || typeof value !== "object" || types.isProxy(value)) return false;
  if (typeof ReadableStream === "function" && value instanceof ReadableStream) return observeReadableStream(call, value);
  if (Symbol.asyncIterator in value) return observeAsyncIterable(call, value as AsyncIterable<unknown>);
  return false;
}

/** Observes an async iterable that is not itself an iterator (an SDK's stream object). */
export function observeAsyncIterable(call: CoatCall, iterable: AsyncIterable<unknown>): boolean {
  if (!Object.isExtensible(iterable)) return false;
  const open = iterable[Symbol.asyncIterator] as Method;
  shadow(iterable, Symbol.asyncIterator, function (this: unknown) {
    const inner = context.with(call.ctx, open, this) as AsyncIterator<unknown>;
    const next = inner.next as Method;
    const ret = inner.return as Method | undefined;
    const thr = inner.throw as Method | undefined;
    const outer: AsyncIterableIterator<unknown> = {
      next: (...args: unknown[]) => asyncStep(call, next, inner, args, "next") as Promise<IteratorResult<unknown>>,
      return: (...args: unknown[]) => {
        if (ret !== undefined) return asyncStep(call, ret, inner, args, "return") as Promise<IteratorResult<unknown>>;
        quietly("recording an abandoned stream", () => call.abandon());
        return Promise.resolve({ done: true, value: args[0] });
      },
      [Symbol.asyncIterator]() {
        return this;
      },
    };
    if (thr !== undefined) outer.throw = (...args: unknown[]) => asyncStep(call, thr, inner, args, "throw") as Promise<IteratorResult<unknown>>;
    // An iterator need not reference its iterable: while it is read, the iterable is not "dropped".
    if (this !== null && (typeof this === "object" || typeof this === "function")) keepAliveWhile(outer, this);
    return outer;
  });
  watchDropped(iterable, call);
  return true;
}

/**
 * Observes a Web ReadableStream in place: the consuming methods (and `cancel`, `locked`) are
 * shadowed so that the first consumer reads through an observing stream (no read-ahead, a byte
 * stream for a byte stream) that ends, fails or abandons the call.
 */
export function observeReadableStream(call: CoatCall, stream: ReadableStream<unknown>): boolean {
  if (!Object.isExtensible(stream)) return false;
  let observed: ReadableStream<unknown> | undefined;
  const proto = ReadableStream.prototype as unknown as Record<string | symbol, unknown>;
  const lockedGetter = Object.getOwnPropertyDescriptor(ReadableStream.prototype, "locked")?.get;
  for (const name of ["getReader", "pipeTo", "pipeThrough", "tee", "values", "cancel", Symbol.asyncIterator]) {
    const method = proto[name];
    if (typeof method !== "function") continue;
    shadow(stream, name, function (...args: unknown[]) {
      observed ??= observingStream(call, stream);
      return Reflect.apply(method, observed, args);
    });
  }
  if (lockedGetter !== undefined) {
    Object.defineProperty(stream, "locked", {
      configurable: true,
      enumerable: false,
      get() {
        return Reflect.apply(lockedGetter, observed ?? stream, []) as boolean;
      },
    });
  }
  watchDropped(stream, call);
  return true;
}

function isByteStream(source: ReadableStream<unknown>): boolean {
  try {
    const reader = ReadableStream.prototype.getReader.call(source, { mode: "byob" }) as ReadableStreamBYOBReader;
    reader.releaseLock();
    return true;
  } catch {
    return false;
  }
}

function observingStream(call: CoatCall, source: ReadableStream<unknown>): ReadableStream<unknown> {
  const bytes = isByteStream(source);
  const reader = ReadableStream.prototype.getReader.call(source) as ReadableStreamDefaultReader<unknown>;
  const pull = async (controller: ReadableStreamDefaultController<unknown> | ReadableByteStreamController): Promise<void> => {
    let result: Awaited<ReturnType<ReadableStreamDefaultReader<unknown>["read"]>>;
    try {
      result = await context.with(call.ctx, () => reader.read());
    } catch (error) {
      quietly("recording an error", () => call.fail(error));
      controller.error(error);
      return;
    }
    if (result.done) {
      quietly("recording a result", () => call.endStream());
      controller.close();
      // A pending BYOB read must be answered with an empty view once the stream is closed.
      if (bytes) (controller as ReadableByteStreamController).byobRequest?.respond(0);
    } else {
      // Enqueuing into a byte stream transfers (detaches) the chunk's buffer: keep a copy for capture.
      call.chunk(bytes && call.coating.mode === "raw" ? copyView(result.value) : result.value);
      controller.enqueue(result.value as ArrayBufferView & string);
    }
  };
  const cancel = (reason: unknown): Promise<void> => {
    quietly("recording an abandoned stream", () => call.abandon());
    return reader.cancel(reason);
  };
  if (bytes) return new ReadableStream({ type: "bytes", pull, cancel }, { highWaterMark: 0 }) as ReadableStream<unknown>;
  return new ReadableStream<unknown>({ pull, cancel }, { highWaterMark: 0 });
}

function copyView(value: unknown): unknown {
  try {
    return ArrayBuffer.isView(value) ? new Uint8Array(value.buffer.slice(value.byteOffset, value.byteOffset + value.byteLength)) : value;
  } catch {
    return value;
  }
}

function syncStep(call: CoatCall, method: Method, self: unknown, args: unknown[], kind: Step): unknown {
  let result: unknown;
  try {
    result = context.with(call.ctx, method, self, ...args);
  } catch (error) {
    quietly("recording an error", () => call.fail(error));
    throw error;
  }
  settleStep(call, result, kind);
  return result;
}

function asyncStep(call: CoatCall, method: Method, self: unknown, args: unknown[], kind: Step): Promise<unknown> {
  let pending: unknown;
  try {
    pending = context.with(call.ctx, method, self, ...args);
  } catch (error) {
    quietly("recording an error", () => call.fail(error));
    throw error;
  }
  return Promise.resolve(pending).then(
    (result) => {
      settleStep(call, result, kind);
      return result;
    },
    (error: unknown) => {
      quietly("recording an error", () => call.fail(error));
      throw error;
    },
  );
}

function settleStep(call: CoatCall, result: unknown, kind: Step): void {
  try {
    const { done, value } = result as IteratorResult<unknown>;
    if (!done) call.chunk(value);
    else if (kind === "return") call.abandon();
    else call.endStream();
  } catch (error) {
    reportOnce("reading an iterator result", error);
  }
}

function shadow(target: object, key: string | symbol, value: Method): void {
  Object.defineProperty(target, key, { configurable: true, writable: true, enumerable: false, value });
}
