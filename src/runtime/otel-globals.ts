/**
 * The OpenTelemetry globals, read where every copy of the API keeps them rather than through the
 * copy npm gave agent-coat. A provider registered through another copy of `@opentelemetry/api`
 * or `@opentelemetry/api-logs` (a NodeSDK that pins its own) is found all the same.
 *
 * - api 1.x keeps its registry at `globalThis[Symbol.for("opentelemetry.js.api.1")]`: `trace`,
 *   `context`, `diag`, … and, from api 1.10 (OpenTelemetry JS 3.x), `logs`.
 * - `@opentelemetry/api-logs` 0.x (the 2.x line) keeps the logger provider apart, at
 *   `globalThis[Symbol.for("io.opentelemetry.js.api.logs")]`, as a getter taking its
 *   compatibility version (1).
 * The two logs slots are separate: a 3.x NodeSDK fills only the first, a 2.x one only the second.
 */
import * as api from "@opentelemetry/api";
import type { LoggerSource } from "./log-api.js";

/** The logs API of our copy of `@opentelemetry/api` when it is 1.10 or later. */
const modernLogs = (api as unknown as { logs?: { setGlobalLoggerProvider(provider: LoggerSource): boolean; disable(): void } }).logs;

const API_REGISTRY = Symbol.for("opentelemetry.js.api.1");
const LEGACY_LOGS = Symbol.for("io.opentelemetry.js.api.logs");
const LEGACY_LOGS_VERSION = 1;

type Registry = { version?: string; trace?: unknown; context?: unknown; logs?: LoggerSource; diag?: unknown };
type Slots = { [API_REGISTRY]?: Registry; [LEGACY_LOGS]?: (version: number) => LoggerSource | undefined };

const slots = globalThis as Slots;

/** Whether any copy of the API has a tracer provider registered (`provider`: that one). */
export function hasGlobalTracerProvider(provider?: object): boolean {
  const registered = slots[API_REGISTRY]?.trace as { getDelegate?: () => unknown } | undefined;
  if (provider === undefined) return registered !== undefined;
  // The API keeps its proxy there, delegating to the provider that was set.
  return registered === provider || (typeof registered?.getDelegate === "function" && registered.getDelegate() === provider);
}

/** Whether any copy of the API has a context manager registered (`manager`: that one). */
export function hasGlobalContextManager(manager?: object): boolean {
  const registered = slots[API_REGISTRY]?.context;
  return manager === undefined ? registered !== undefined : registered === manager;
}

/** Whether a diag logger is registered, so that a warning sent to diag is seen by someone. */
export function hasDiagLogger(): boolean {
  return slots[API_REGISTRY]?.diag !== undefined;
}

/** The logger provider registered globally by either line, or undefined when there is none. */
export function globalLoggerProvider(): LoggerSource | undefined {
  const modern = slots[API_REGISTRY]?.logs;
  if (modern !== undefined) return modern;
  const legacy = slots[LEGACY_LOGS];
  return typeof legacy === "function" ? legacy(LEGACY_LOGS_VERSION) : undefined;
}

/**
 * Registers `provider` as the global logger provider in both slots that are free, so that
 * libraries of either line find it. Returns the slots it took, for releaseLoggerProvider().
 */
export function claimLoggerProvider(provider: LoggerSource): { modern: boolean; legacy: boolean } {
  let modern = false;
  const registry = slots[API_REGISTRY];
  if (modernLogs !== undefined) {
    // Through the API itself, so that loggers this copy handed out before are connected too.
    modern = modernLogs.setGlobalLoggerProvider(provider as never) === true;
  } else if (registry !== undefined && registry.logs === undefined && hasLogsSlot(registry.version)) {
    // Our copy is older than the registry (1.9 beside a user's 1.10): fill the slot directly.
    registry.logs = provider;
    modern = true;
  }
  let legacy = false;
  if (slots[LEGACY_LOGS] === undefined) {
    slots[LEGACY_LOGS] = (version) => (version === LEGACY_LOGS_VERSION ? provider : undefined);
    legacy = true;
  }
  return { modern, legacy };
}

export function releaseLoggerProvider(provider: LoggerSource, taken: { modern: boolean; legacy: boolean }): void {
  const registry = slots[API_REGISTRY];
  if (taken.modern && registry?.logs === provider) {
    if (modernLogs !== undefined) modernLogs.disable();
    else delete registry.logs;
  }
  if (taken.legacy && slots[LEGACY_LOGS]?.(LEGACY_LOGS_VERSION) === provider) delete slots[LEGACY_LOGS];
}

function hasLogsSlot(version: string | undefined): boolean {
  const [major, minor] = (version ?? "").split(".").map(Number);
  return major === 1 && minor !== undefined && minor >= 10;
}
