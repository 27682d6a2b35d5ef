import { afterEach, beforeAll } from "vitest";
import { verifyDocuments } from "../../src/index.js";
import type { CoatTelemetry } from "../../src/setup/register.js";
import type { OtlpReceiver } from "../support/otlp-receiver.js";
import { acceptedAsJsonLines } from "../seal/support/wire.js";

/**
 * For a delivery test file: the OTLP exporter's timeout (it retries a refused connection until
 * then, so a short one shows an outage quickly), stderr collected (agent-coat's warnings go there
 * without a diag logger), and what each test started stopped after it.
 */
export function deliveryFile(exporterTimeoutMs: number, started: () => { telemetry?: CoatTelemetry; receiver?: OtlpReceiver }): string[] {
  const warnings: string[] = [];
  beforeAll(() => {
    process.env.OTEL_EXPORTER_OTLP_TIMEOUT = String(exporterTimeoutMs);
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      warnings.push(String(chunk));
      return (write as (c: unknown, ...r: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof process.stderr.write;
  });
  afterEach(async () => {
    const { telemetry, receiver } = started();
    await telemetry?.shutdown();
    await receiver?.close();
  });
  return warnings;
}

/** `coat verify` on what the receiver accepted. */
export function verifyWire(receiver: OtlpReceiver) {
  return verifyDocuments(acceptedAsJsonLines(receiver.requests).split("\n").map((line) => JSON.parse(line)));
}
