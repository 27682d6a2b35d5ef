/**
 * Test harness: one in-process OTLP receiver plus one register() pointed at it.
 *
 * register() sets process globals, so call startHarness() ONCE per test file (in beforeAll) and
 * `receiver.reset()` in beforeEach; vitest runs each file in its own process (pool: forks).
 */
import { afterAll, afterEach, beforeAll, beforeEach, expect } from "vitest";
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
  /** Flushes, then waits until the receiver decoded at least `n` log records of `span`; returns those, in order. */
  logsFor(span: ReceivedSpan, n: number, timeoutMs?: number): Promise<ReceivedLog[]>;
  /** Flushes, waits a moment for log exports still in flight, then clears the receiver: call in beforeEach. */
  reset(): Promise<void>;
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
    async logsFor(span, n, timeoutMs) {
      await flush();
      await receiver.waitFor(() => logsOf(receiver.logs, span).length >= n, timeoutMs, `${n} log record(s) of span ${span.name}`);
      return logsOf(receiver.logs, span);
    },
    async reset() {
      await flush();
      // LoggerProvider.forceFlush() does not wait for exports in flight: give them a moment.
      await sleep(5);
      await flush();
      receiver.reset();
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

/** The one span called `name`; fails loudly when there is none or more than one. */
export function spanNamed(spans: readonly ReceivedSpan[], name: string): ReceivedSpan {
  const found = spans.filter((s) => s.name === name);
  if (found.length !== 1) {
    throw new Error(`expected exactly one span named ${JSON.stringify(name)}, got ${found.length} among [${spans.map((s) => s.name).join(", ")}]`);
  }
  return found[0]!;
}

/** The log records emitted for one span, in emission order (the receiver keeps arrival order; batches keep order). */
export function logsOf(logs: readonly ReceivedLog[], span: ReceivedSpan): ReceivedLog[] {
  return logs.filter((l) => l.spanId === span.spanId && l.traceId === span.traceId);
}

/** A plain-object view of a decoded kvlist AttrValue (log bodies, nested maps). */
export function asMap(value: unknown): Record<string, unknown> {
  if (value === null || typeof value !== "object" || Array.isArray(value) || value instanceof Uint8Array) {
    throw new Error(`expected a map, got ${String(value)}`);
  }
  return value as Record<string, unknown>;
}

/** Resolves after `ms` milliseconds. */
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The per-file lifecycle most suites want: one harness for the file, reset before each test, and
 * no unhandled rejection may surface during a test. Returns a Harness that forwards to it.
 */
export function harnessPerFile(options?: RegisterOptions): Harness & { readonly unhandled: readonly unknown[] } {
  let inner: Harness | undefined;
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  const live = (): Harness => {
    if (inner === undefined) throw new Error("harness not started: use it inside a test");
    return inner;
  };
  beforeAll(async () => {
    inner = await startHarness(options);
    process.on("unhandledRejection", onUnhandled);
  });
  afterAll(async () => {
    process.off("unhandledRejection", onUnhandled);
    await inner?.close();
  });
  beforeEach(async () => {
    await live().reset();
    unhandled.length = 0;
  });
  afterEach(async () => {
    // Let any stray rejection surface before the next test starts.
    await sleep(0);
    expect(unhandled).toEqual([]);
  });
  return {
    unhandled,
    get receiver() {
      return live().receiver;
    },
    get telemetry() {
      return live().telemetry;
    },
    flush: () => live().flush(),
    spans: (n, t) => live().spans(n, t),
    logs: (n, t) => live().logs(n, t),
    logsFor: (span, n, t) => live().logsFor(span, n, t),
    reset: () => live().reset(),
    close: () => live().close(),
  };
}
