import { context } from "@opentelemetry/api";
import type { CoatCall } from "./call.js";
import { reportOnce } from "./report.js";

type Step = "next" | "return" | "throw";
type Method = (...args: unknown[]) => unknown;

/** A stream that is dropped without being finished or cancelled still ends its span, at GC time. */
const dropped = new FinalizationRegistry<CoatCall>((call) => call.abandon());

export function watchDropped(target: object, call: CoatCall): void {
  dropped.register(target, call);
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
        call.abandon();
        return Promise.resolve({ done: true, value: args[0] });
      },
      [Symbol.asyncIterator]() {
        return this;
      },
    };
    if (thr !== undefined) outer.throw = (...args: unknown[]) => asyncStep(call, thr, inner, args, "throw") as Promise<IteratorResult<unknown>>;
    return outer;
  });
  watchDropped(iterable, call);
  return true;
}

/**
 * Observes a Web ReadableStream in place: the consuming methods are shadowed so that the first
 * consumer reads through an observing stream (no read-ahead) that ends, fails or abandons the call.
 */
export function observeReadableStream(call: CoatCall, stream: ReadableStream<unknown>): boolean {
  if (!Object.isExtensible(stream)) return false;
  let observed: ReadableStream<unknown> | undefined;
  const proto = ReadableStream.prototype as unknown as Record<string | symbol, unknown>;
  for (const name of ["getReader", "pipeTo", "pipeThrough", "tee", "values", Symbol.asyncIterator]) {
    const method = proto[name];
    if (typeof method !== "function") continue;
    shadow(stream, name, function (...args: unknown[]) {
      observed ??= observingStream(call, stream);
      return Reflect.apply(method, observed, args);
    });
  }
  watchDropped(stream, call);
  return true;
}

function observingStream(call: CoatCall, source: ReadableStream<unknown>): ReadableStream<unknown> {
  const reader = ReadableStream.prototype.getReader.call(source) as ReadableStreamDefaultReader<unknown>;
  return new ReadableStream<unknown>(
    {
      async pull(controller) {
        let result: Awaited<ReturnType<ReadableStreamDefaultReader<unknown>["read"]>>;
        try {
          result = await context.with(call.ctx, () => reader.read());
        } catch (error) {
          call.fail(error);
          controller.error(error);
          return;
        }
        if (result.done) {
          call.end(undefined);
          controller.close();
        } else {
          call.chunk(result.value);
          controller.enqueue(result.value);
        }
      },
      cancel(reason) {
        call.abandon();
        return reader.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
}

function syncStep(call: CoatCall, method: Method, self: unknown, args: unknown[], kind: Step): unknown {
  let result: unknown;
  try {
    result = context.with(call.ctx, method, self, ...args);
  } catch (error) {
    call.fail(error);
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
    call.fail(error);
    throw error;
  }
  return Promise.resolve(pending).then(
    (result) => {
      settleStep(call, result, kind);
      return result;
    },
    (error: unknown) => {
      call.fail(error);
      throw error;
    },
  );
}

function settleStep(call: CoatCall, result: unknown, kind: Step): void {
  try {
    const { done, value } = result as IteratorResult<unknown>;
    if (!done) call.chunk(value);
    else if (kind === "return") call.abandon();
    else call.end(undefined);
  } catch (error) {
    reportOnce("reading an iterator result", error);
  }
}

function shadow(target: object, key: string | symbol, value: Method): void {
  Object.defineProperty(target, key, { configurable: true, writable: true, enumerable: false, value });
}
