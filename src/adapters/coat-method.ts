import { context } from "@opentelemetry/api";
import type { LlmShape } from "../llm/exchange.js";
import { Op } from "../dialects/ops.js";
import type { CoatOptions } from "../wrap/options.js";
import type { AdapterOptions } from "../wrap/coating.js";
import { Coating, LLM_SHAPE } from "../wrap/coating.js";
import { startCall } from "../wrap/start-call.js";
import { observeResult } from "../wrap/results.js";
import type { CoatCall } from "../wrap/call.js";
import { activeScope } from "../context/scope.js";

type Method = (this: unknown, ...args: unknown[]) => unknown;
/** How a method's result is observed when it is not a plain promise or stream: true if it was. */
export type Observer = (call: CoatCall, result: unknown) => boolean;

const COATED = Symbol.for("agent-coat.coated-method");

function insideAdapterCall(): boolean {
  const call = activeScope().call as { coating?: unknown } | undefined;
  return call?.coating instanceof Coating && call.coating.shape !== undefined;
}

/**
 * Replaces `target[key]` (an SDK resource's model-calling method) with a recorded one, on the
 * instance itself: same `this`, same arguments, same result object. Calling it twice on the same
 * target is a no-op. Returns false when the target has no such method.
 */
export function coatMethod(target: object | undefined, key: string, name: string, shape: LlmShape, options: CoatOptions, observe: Observer): boolean {
  const method = target === undefined ? undefined : (target as Record<string, unknown>)[key];
  if (typeof method !== "function" || (method as { [COATED]?: true })[COATED] === true) return false;
  const adapterOptions: AdapterOptions = { ...options, name: options.name ?? name, [LLM_SHAPE]: shape };
  const coating = new Coating(Op.LLM, name, adapterOptions);
  const original = method as Method;
  const coated = function (this: unknown): unknown {
    // Inside a call an adapter already records (a stream helper calling create()), the call is that one.
    if (insideAdapterCall()) return Reflect.apply(original, this, arguments);
    const call = startCall(coating, arguments);
    if (call === undefined) return Reflect.apply(original, this, arguments);
    let result: unknown;
    try {
      result = context.with(call.ctx, Reflect.apply, undefined, original, this, arguments);
    } catch (error) {
      call.fail(error);
      throw error;
    }
    return observe(call, result) ? result : observeResult(call, result);
  };
  Object.defineProperty(coated, "name", { value: original.name, configurable: true });
  Object.defineProperty(coated, "length", { value: original.length, configurable: true });
  Object.defineProperty(coated, COATED, { value: true });
  Object.defineProperty(target, key, { configurable: true, writable: true, enumerable: false, value: coated });
  return true;
}
