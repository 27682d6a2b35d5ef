import { diag } from "@opentelemetry/api";

const reported = new Set<string>();

/**
 * Reports a telemetry failure through OTel's diag logger, once per `key`, so that a broken
 * exporter or serializer is visible without flooding the user's logs. Never throws.
 */
export function reportOnce(key: string, error: unknown): void {
  if (reported.has(key)) return;
  reported.add(key);
  try {
    diag.warn(`agent-coat: ${key}: ${describe(error)}`);
  } catch {
    // diag itself failed: nothing left to report to.
  }
}

function describe(error: unknown): string {
  try {
    return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  } catch {
    return "unprintable error";
  }
}

