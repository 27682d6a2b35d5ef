import type { CoatCall } from "./call.js";
import { startCall } from "./start-call.js";
import { Coating } from "./coating.js";
import type { OpName } from "../dialects/ops.js";
import type { CoatOptions } from "./options.js";
import { observeResult } from "./results.js";
import { context } from "@opentelemetry/api";
import { checkApprover, checkPolicies, governance } from "../govern/governance.js";
import { gatesOf, runGatedAsync, runGatedSync } from "../govern/gate.js";
import { isAsyncFunction } from "../govern/policy.js";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyFunction = (this: any, ...args: any[]) => any;

/**
 * Wraps `fn` so that every call becomes a span and AOT log records. The wrapper returns what
 * `fn` returns (the same object), throws what `fn` throws, keeps `this`, `name` and `length`,
 * and stays sync when `fn` is sync. Telemetry failures never reach the caller.
 */
export function coat<F extends AnyFunction>(op: OpName, fn: F): F;
export function coat<F extends AnyFunction>(op: OpName, options: CoatOptions, fn: F): F;
export function coat<F extends AnyFunction>(op: OpName, optionsOrFn: CoatOptions | F, maybeFn?: F): F {
  const [options, fn] = typeof optionsOrFn === "function" ? [{}, optionsOrFn] : [optionsOrFn ?? {}, maybeFn];
  if (typeof op !== "string" || op.trim() === "") throw new TypeError("agent-coat: coat(op, …) needs an op: an Op member or a non-empty string");
  if (typeof fn !== "function") throw new TypeError("agent-coat: coat(op, [options,] fn) needs a function to wrap");
  if (typeof options !== "object") throw new TypeError("agent-coat: coat options must be an object");
  const coating = new Coating(op, fn.name, options);
  const own = checkPolicies(options.policies, `coat(${JSON.stringify(coating.spanName)}) option policies`);
  const approver = checkApprover(options.approver, `coat(${JSON.stringify(coating.spanName)}) option approver`);
  if (options.async !== undefined && typeof options.async !== "boolean") throw new TypeError("agent-coat: coat option async must be true or false");
  const asyncCall = options.async ?? isAsyncFunction(fn);
  const asyncOwn = own.find((p) => p.async);
  if (!asyncCall && asyncOwn !== undefined) {
    throw new TypeError(`agent-coat: policy ${asyncOwn.name} is async (or pauses) and cannot gate ${coating.spanName}, a sync function: a sync call stays sync. Use a sync policy, or pass the coat option async: true if the function returns a promise.`);
  }

  const coated = function (this: unknown): unknown {
    if (own.length > 0 || governance.policies.length > 0) {
      const gates = gatesOf(coating, own, asyncCall);
      if (gates !== undefined) return asyncCall ? runGatedAsync(coating, gates, fn, this, arguments, approver) : runGatedSync(coating, gates, fn, this, arguments);
    }
    const call: CoatCall | undefined = startCall(coating, arguments);
    if (call === undefined) return Reflect.apply(fn, this, arguments);
    let result: unknown;
    try {
      result = context.with(call.ctx, Reflect.apply, undefined, fn, this, arguments);
    } catch (error) {
      call.fail(error);
      throw error;
    }
    return observeResult(call, result);
  };
  Object.defineProperty(coated, "name", { value: fn.name, configurable: true });
  Object.defineProperty(coated, "length", { value: fn.length, configurable: true });
  return coated as unknown as F;
}

/** Wraps every function of a map of tools as `Op.TOOL`, named by its key. Other values are copied. */
function tools<T extends Record<string, unknown>>(map: T, options?: CoatOptions | ((name: string) => CoatOptions)): T {
  if (map === null || typeof map !== "object") throw new TypeError("agent-coat: coat.tools() needs an object of functions");
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(map)) {
    if (typeof value !== "function") {
      out[name] = value;
      continue;
    }
    const own = typeof options === "function" ? options(name) : options;
    out[name] = coat("tool", { ...own, name: own?.name ?? name }, value as AnyFunction);
  }
  return out as T;
}

coat.tools = tools;
