import { types } from "node:util";
import type { CoatCall } from "./call.js";
import { reportOnce } from "./report.js";
import { observeAsyncIterable, observeIterator, observeReadableStream, watchDropped } from "./streams.js";

/**
 * Keeps the call open until `result` settles and returns `result` itself: promises are observed
 * with then(), generators, async iterables and ReadableStreams are observed in place (their
 * methods are shadowed on the very object) so the caller gets the same object back.
 */
export function observeResult<T>(call: CoatCall, result: T): T {
  try {
    if (result === null || typeof result !== "object") {
      call.end(result);
    } else if (result instanceof Promise) {
      observePromise(call, result);
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
    call.end(undefined);
  }
  return result;
}

function observePromise(call: CoatCall, promise: Promise<unknown>): void {
  Promise.prototype.then.call(
    promise,
    (value) => call.end(value),
    (error) => call.fail(error),
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
      return then.call(
        this,
        (value) => {
          call.end(value);
          return typeof onFulfilled === "function" ? onFulfilled(value) : value;
        },
        (error) => {
          call.fail(error);
          if (typeof onRejected === "function") return onRejected(error);
          throw error;
        },
      );
    },
  });
  watchDropped(thenable, call);
  return true;
}
