import { types } from "node:util";
import type { CoatCall } from "./call.js";
import { reportOnce } from "../runtime/report.js";
import { keepAliveWhile, observeAsyncIterable, observeIterator, observeReadableStream, quietly, watchDropped } from "./streams.js";

/**
 * Keeps the call open until `result` settles and returns `result` itself: native promises are
 * observed with then(), other thenables (Promise subclasses included) when the caller calls their
 * then(), generators, async iterables and ReadableStreams are observed in place (their
 * methods are shadowed on the very object) so the caller gets the same object back.
 */
export function observeResult<T>(call: CoatCall, result: T): T {
  try {
    if (result === null || typeof result !== "object" || types.isProxy(result)) {
      // A Proxy is not looked into: any check on it would run its traps.
      call.end(result);
    } else if (result instanceof Promise && Object.getPrototypeOf(result) === Promise.prototype) {
      observePromise(call, result);
    } else if (result instanceof Promise) {
      // A Promise subclass may be lazy (an SDK's APIPromise resolves its base promise to null and
      // does the work in an overridden then()), and Promise.prototype.then would run its species
      // constructor: observe it like any other thenable, when the caller calls then().
      if (!observeThenable(call, result)) call.end(result);
    } else if (types.isGeneratorObject(result)) {
      if (!observeIterator(call, result as unknown as Iterator<unknown>, Symbol.asyncIterator in result)) call.end(result);
    } else if (typeof ReadableStream === "function" && result instanceof ReadableStream) {
      if (!observeReadableStream(call, result)) call.end(result);
    } else if (Symbol.asyncIterator in result) {
      if (!observeAsyncIterable(call, result as AsyncIterable<unknown>)) call.end(result);
    } else if (typeof (result as { then?: unknown }).then === "function") {
      if (!observeThenable(call, result as unknown as PromiseLike<unknown>)) call.end(result);
    } else {
      call.end(result);
    }
  } catch (error) {
    reportOnce("observing a result", error);
    quietly("recording a result", () => call.end(undefined));
  }
  return result;
}

/** A result that streams (a generator, an async iterable, a ReadableStream): observed as it is read, not settled at once. */
export function isStreamed(result: unknown): boolean {
  if (result === null || typeof result !== "object" || types.isProxy(result)) return false;
  return types.isGeneratorObject(result) || Symbol.asyncIterator in result || (typeof ReadableStream === "function" && result instanceof ReadableStream);
}

function observePromise(call: CoatCall, promise: Promise<unknown>): void {
  // The handlers never throw, so the derived promise never rejects (no unhandled rejection of ours).
  Promise.prototype.then.call(
    promise,
    (value) => quietly("recording a result", () => call.end(value)),
    (error) => quietly("recording an error", () => call.fail(error)),
  );
}

/**
 * A thenable that is not a Promise may be lazy (query builders run on then()), so it is not
 * called here: its then() is shadowed and the call settles when the caller awaits it.
 */
function observeThenable(call: CoatCall, thenable: PromiseLike<unknown>): boolean {
  if (!Object.isExtensible(thenable)) return false;
  const then = thenable.then;
  Object.defineProperty(thenable, "then", {
    configurable: true,
    writable: true,
    value(this: PromiseLike<unknown>, onFulfilled?: (v: unknown) => unknown, onRejected?: (e: unknown) => unknown) {
      const fulfilled = (value: unknown) => {
        quietly("recording a result", () => call.end(value));
        return typeof onFulfilled === "function" ? onFulfilled(value) : value;
      };
      const rejected = (error: unknown) => {
        quietly("recording an error", () => call.fail(error));
        if (typeof onRejected === "function") return onRejected(error);
        throw error;
      };
      // Whoever will settle this then() holds these callbacks: while they are alive the thenable is
      // still in use, even if the caller dropped the object itself (as `await` does).
      keepAliveWhile(fulfilled, thenable);
      keepAliveWhile(rejected, thenable);
      return then.call(this, fulfilled, rejected);
    },
  });
  watchDropped(thenable, call);
  return true;
}
