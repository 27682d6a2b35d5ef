import type { CaptureMode } from "../capture/modes.js";
import type { SnapshotShape } from "../capture/content.js";
import type { ContentPolicy } from "../capture/policy.js";
import { createPolicy } from "../capture/policy.js";
import type { Runtime } from "../runtime/state.js";
import { policyFor } from "../runtime/state.js";
import { warnOnce } from "../runtime/report.js";
import type { CoatOptions } from "./options.js";

/** A wrapper's own string cap, if it sets a valid one; an invalid one is warned about once and ignored. */
export function wrapperStringLength(options: CoatOptions, name: string): number | undefined {
  return positive(options.limits?.maxStringLength, name, "maxStringLength");
}

/** A wrapper's snapshot bounds, or undefined when it sets none. */
export function wrapperShape(options: CoatOptions, name: string): SnapshotShape | undefined {
  const limits = options.limits;
  if (limits === undefined) return undefined;
  if (limits === null || typeof limits !== "object") {
    warnOnce(`limits ${name}`, `coat(${name}): the limits option must be an object; using the defaults.`);
    return undefined;
  }
  const shape: { maxDepth?: number; maxKeys?: number; maxItems?: number } = {};
  for (const key of ["maxDepth", "maxKeys", "maxItems"] as const) {
    const n = positive(limits[key], name, key);
    if (n !== undefined) shape[key] = n;
  }
  return Object.keys(shape).length > 0 ? Object.freeze(shape) : undefined;
}

/** The content policy of a wrapper: the process's for its mode, with the wrapper's extra sensitive keys when it has some. */
export function wrapperPolicy(mode: CaptureMode, options: CoatOptions, name: string, runtime: Runtime): ContentPolicy | undefined {
  const base = policyFor(mode, runtime);
  const keys = options.redactKeys;
  if (base === undefined || keys === undefined) return base;
  if (!Array.isArray(keys) || keys.some((k) => typeof k !== "string" || k.trim() === "")) {
    warnOnce(`redactKeys ${name}`, `coat(${name}): redactKeys must be an array of non-empty strings; using register()'s keys only.`);
    return base;
  }
  const rules = runtime.settings.redaction;
  return createPolicy(mode, { ...rules, keys: [...(rules?.keys ?? []), ...keys] }, runtime.settings.hashKey);
}

function positive(value: unknown, name: string, key: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value === "number" && Number.isInteger(value) && value > 0) return value;
  warnOnce(`limits.${key} ${name}`, `coat(${name}): limits.${key} must be a positive integer, got ${JSON.stringify(value)}; using the default.`);
  return undefined;
}
