import type { ReadableLogRecord } from "@opentelemetry/sdk-logs";
import { AOTP_SPEC } from "../dialects/keys.js";

/**
 * The AOT envelopes among `records`, one JSON line each, each prefixed with `prefix`.
 * Log records of other libraries (bodies that are not envelopes) are skipped.
 */
export function envelopeLines(records: readonly ReadableLogRecord[], prefix: string): string {
  let out = "";
  for (const record of records) {
    const body = record.body as { spec?: unknown } | null | undefined;
    if (body === null || typeof body !== "object" || body.spec !== AOTP_SPEC) continue;
    try {
      out += `${prefix}${JSON.stringify(body)}\n`;
    } catch {
      // An envelope is JSON-safe by construction; a foreign look-alike may not be.
    }
  }
  return out;
}
