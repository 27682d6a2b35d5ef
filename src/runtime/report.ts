import { diag } from "@opentelemetry/api";
import { hasDiagLogger } from "./otel-globals.js";

const reported = new Set<string>();

/**
 * Reports a telemetry failure once per `key`: through OTel's diag logger, and on stderr when no
 * diag logger is registered (a warning nobody can see is a silent one). Never throws.
 */
export function reportOnce(key: string, error: unknown): void {
  warnOnce(key, `${key}: ${describe(error)}`);
}

/** A warning, once per `key`, through diag, or on stderr when no diag logger is registered. Never throws. */
export function warnOnce(key: string, message: string): void {
  once(key, message, true);
}

/**
 * A condition worth knowing that loses nothing (so no line on stderr): through diag only, once per
 * `key`. Never throws.
 */
export function noteOnce(key: string, message: string): void {
  once(key, message, false);
}

function once(key: string, message: string, stderrWithoutDiag: boolean): void {
  if (reported.has(key)) return;
  reported.add(key);
  try {
    if (stderrWithoutDiag && !hasDiagLogger()) process.stderr.write(`agent-coat: ${message}\n`);
    else diag.warn(`agent-coat: ${message}`);
  } catch {
    // diag or stderr failed: nothing left to report to.
  }
}

/** An error's name and message (or its text), for a report line; never throws. */
export function describe(error: unknown): string {
  try {
    return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  } catch {
    return "unprintable error";
  }
}
