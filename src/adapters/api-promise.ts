import type { CoatCall } from "../wrap/call.js";
import { quietly, watchDropped } from "../wrap/streams.js";
import { reportOnce } from "../runtime/report.js";

type Method = (this: unknown, ...args: unknown[]) => unknown;

/**
 * An LLM SDK's `APIPromise` (openai, @anthropic-ai/sdk): a Promise subclass that requests on
 * creation and parses the body on the first `then`, `catch`, `finally` or `withResponse()`, all of
 * which go through its `parse()`. Observing `parse()` (shadowed on the very object) settles the
 * call however the caller consumes it; `asResponse()` (the raw `Response`, body unread) settles it
 * without an output. Returns false when `value` is not such a promise.
 */
export function observeApiPromise(call: CoatCall, value: unknown): boolean {
  if (!(value instanceof Promise) || !Object.isExtensible(value)) return false;
  const promise = value as Promise<unknown> & Record<string, unknown>;
  const parse = promise.parse;
  const asResponse = promise.asResponse;
  if (typeof parse !== "function" || typeof asResponse !== "function") return false;
  let observed = false;
  const observe = (settles: Promise<unknown>, withValue: boolean) => {
    if (observed) return;
    observed = true;
    // The handlers never throw, so the derived promise never rejects: no unhandled rejection of ours.
    Promise.prototype.then.call(
      settles,
      (result) => quietly("recording a result", () => call.end(withValue ? result : undefined)),
      (error) => quietly("recording an error", () => call.fail(error)),
    );
  };
  shadow(promise, "parse", function (this: unknown) {
    const parsed = Reflect.apply(parse as Method, this, []) as Promise<unknown>;
    try {
      observe(parsed, true);
    } catch (error) {
      reportOnce("observing an SDK promise", error);
    }
    return parsed;
  });
  shadow(promise, "asResponse", function (this: unknown) {
    const response = Reflect.apply(asResponse as Method, this, []) as Promise<unknown>;
    try {
      observe(response, false);
    } catch (error) {
      reportOnce("observing an SDK promise", error);
    }
    return response;
  });
  // openai's helpers derive a second APIPromise over the same response (`parse()` does): observed too.
  const thenUnwrap = promise._thenUnwrap;
  if (typeof thenUnwrap === "function") {
    shadow(promise, "_thenUnwrap", function (this: unknown, ...args: unknown[]) {
      const derived = Reflect.apply(thenUnwrap as Method, this, args);
      try {
        observeApiPromise(call, derived);
      } catch (error) {
        reportOnce("observing an SDK promise", error);
      }
      return derived;
    });
  }
  watchDropped(promise, call);
  return true;
}

/**
 * An SDK's streaming helper (Anthropic's `MessageStream`): an event emitter that is also
 * async-iterable. The call ends with the value its `final` event carries, whether or not the
 * caller iterates; only `final` and `end` listeners are added (an `error` listener would swallow
 * the unhandled rejection the SDK raises for an error nobody listens to).
 */
export function observeEventStream(call: CoatCall, value: unknown, final: string): boolean {
  const stream = value as { on?: unknown; errored?: unknown; aborted?: unknown } | null;
  if (stream === null || typeof stream !== "object" || typeof stream.on !== "function") return false;
  const on = stream.on as (this: unknown, event: string, listener: (...args: unknown[]) => void) => unknown;
  on.call(stream, final, (arg: unknown) => quietly("recording a result", () => call.end(arg)));
  on.call(stream, "end", () =>
    quietly("recording a stream's end", () => {
      if (stream.aborted === true) call.abandon();
      else if (stream.errored === true) call.fail(new Error("the SDK stream failed"));
      else call.end(undefined);
    }),
  );
  return true;
}

function shadow(target: object, key: string, value: Method): void {
  Object.defineProperty(target, key, { configurable: true, writable: true, enumerable: false, value });
}
