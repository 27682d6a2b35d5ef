/**
 * Reading an SDK's objects without running its code: data properties only (a getter or a Proxy
 * reads as absent), so recognising a shape can never change what the user's program sees.
 */
import { readDataProperty } from "../capture/snapshot.js";

export const field: (o: unknown, key: string) => unknown = readDataProperty;

export function str(o: unknown, key: string): string | undefined {
  const v = readDataProperty(o, key);
  return typeof v === "string" ? v : undefined;
}

export function num(o: unknown, key: string): number | undefined {
  const v = readDataProperty(o, key);
  return typeof v === "number" && Number.isFinite(v) ? v : undefined;
}

/** A count: a finite, non-negative number. */
export function count(o: unknown, key: string): number | undefined {
  const v = num(o, key);
  return v !== undefined && v >= 0 ? v : undefined;
}

export function bool(o: unknown, key: string): boolean | undefined {
  const v = readDataProperty(o, key);
  return typeof v === "boolean" ? v : undefined;
}

/** An array (a real one, not array-like). */
export function list(o: unknown, key: string): readonly unknown[] | undefined {
  const v = readDataProperty(o, key);
  return Array.isArray(v) ? v : undefined;
}

/** A plain-object-like value (not an array, not null). */
export function record(o: unknown, key: string): object | undefined {
  const v = readDataProperty(o, key);
  return v !== null && typeof v === "object" && !Array.isArray(v) ? v : undefined;
}

export function isRecord(v: unknown): v is object {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

/**
 * Adds `key` to `out` (a fresh plain object) when `value` is defined, as an own data property, as
 * an object literal would: a setter or read-only value put on Object.prototype is neither run nor
 * hit. Plain assignment when Object.prototype lacks the key: spreads and defineProperty cost
 * 100–400 ns a field.
 */
export function addDefined<T extends object, K extends keyof T & string>(out: T, key: K, value: T[K] | undefined): void {
  if (value === undefined) return;
  if (key in Object.prototype) Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  else out[key] = value;
}
