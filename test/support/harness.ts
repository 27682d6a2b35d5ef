/**
 * Test harness: one in-process OTLP receiver plus one register() pointed at it.
 *
 * register() sets process globals, so call startHarness() ONCE per test file (in beforeAll) and
 * `receiver.reset()` in beforeEach; vitest runs each file in its own process (pool: forks).
 */
import { register } from "../../src/setup/register.js";
import type { CoatTelemetry } from "../../src/setup/register.js";
import type { RegisterOptions } from "../../src/setup/options.js";
import { startOtlpReceiver } from "./otlp-receiver.js";
import type { OtlpReceiver, ReceivedLog, ReceivedSpan } from "./otlp-receiver.js";

export interface Harness {
  readonly receiver: OtlpReceiver;
  readonly telemetry: CoatTelemetry;
  /** telemetry.forceFlush(). Logs may still be in flight afterwards: wait on the receiver. */
  flush(): Promise<void>;
  /** Flushes, then waits until the receiver decoded at least `n` spans; returns them all. */
  spans(n: number, timeoutMs?: number): Promise<ReceivedSpan[]>;
  /** Flushes, then waits until the receiver decoded at least `n` log records; returns them all. */
  logs(n: number, timeoutMs?: number): Promise<ReceivedLog[]>;
  /** telemetry.shutdown(), then receiver.close(). */
  close(): Promise<void>;
}

export async function startHarness(options: RegisterOptions = {}): Promise<Harness> {
  const receiver = await startOtlpReceiver();
  let telemetry: CoatTelemetry;
  try {
    telemetry = register({
      serviceName: "test-agent",
      tracesEndpoint: `${receiver.httpUrl}/v1/traces`,
      logsEndpoint: `${receiver.httpUrl}/v1/logs`,
      stderr: false,
      file: false,
      ...options,
    });
  } catch (error) {
    await receiver.close();
    throw error;
  }
  const flush = () => telemetry.forceFlush();
  return {
    receiver,
    telemetry,
    flush,
    async spans(n, timeoutMs) {
      await flush();
      return receiver.waitForSpans(n, timeoutMs);
    },
    async logs(n, timeoutMs) {
      await flush();
      return receiver.waitForLogs(n, timeoutMs);
    },
    async close() {
      try {
        await telemetry.shutdown();
      } finally {
        await receiver.close();
      }
    },
  };
}
