/**
 * No record is lost whatever copies of the OpenTelemetry APIs npm chose: a provider registered
 * through another copy of @opentelemetry/api-logs (NodeSDK 0.223.0 pins its own 0.223.0) receives
 * coat()'s log records, and with no provider at all the loss is said once on stderr.
 */
import { trace } from "@opentelemetry/api";
import { logs as otherLogsCopy } from "api-logs-0.223.0";
import { logs as ourLogsCopy } from "@opentelemetry/api-logs";
import { LoggerProvider } from "@opentelemetry/sdk-logs";
import { TracerProvider } from "@opentelemetry/sdk-trace";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { context } from "@opentelemetry/api";
import { afterAll, beforeAll, expect, it, vi } from "vitest";
import { Op, coat, coatLogProcessors, coatSpanProcessors } from "../src/index.js";
import type { OtlpReceiver } from "./support/otlp-receiver.js";
import { startOtlpReceiver } from "./support/otlp-receiver.js";
import { SEAL_CHECKPOINT_NAME } from "../src/dialects/keys.js";
import { undeliveredLogRecords } from "../src/runtime/state.js";

let receiver: OtlpReceiver;
const stderr: string[] = [];

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
    stderr.push(String(chunk));
    return true;
  });
});
afterAll(async () => {
  vi.restoreAllMocks();
  await receiver.close();
});

const lookup = coat(Op.TOOL, function lookup(q: string) {
  return { q };
});

it("with no provider registered anywhere, the first call says once on stderr that its spans and log records go nowhere", () => {
  lookup("before");
  lookup("before again");
  const warnings = stderr.filter((line) => line.startsWith("agent-coat:"));
  expect(warnings.filter((w) => w.includes("no OpenTelemetry TracerProvider is registered"))).toHaveLength(1);
  expect(warnings.filter((w) => w.includes("no OpenTelemetry LoggerProvider is registered"))).toHaveLength(1);
  // Counted, not only said: two calls, a start and an end record each.
  expect(undeliveredLogRecords()).toBe(4);
});

it("a logger provider registered through another copy of @opentelemetry/api-logs receives every log record", async () => {
  expect(otherLogsCopy).not.toBe(ourLogsCopy);
  // A proxy logger taken from a copy before registration is what lost every record: coat() takes none.
  const early = ourLogsCopy.getLogger("early");
  const options = { endpoint: receiver.httpUrl, stderr: false } as const;
  const tracerProvider = new TracerProvider({ spanProcessors: coatSpanProcessors(options) });
  const loggerProvider = new LoggerProvider({ processors: coatLogProcessors(options) });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  trace.setGlobalTracerProvider(tracerProvider);
  otherLogsCopy.setGlobalLoggerProvider(loggerProvider);

  for (let i = 0; i < 5; i++) lookup(`q${i}`);
  early.emit({ body: "taken before registration" });
  await tracerProvider.shutdown();
  await loggerProvider.shutdown();

  const spans = receiver.spans.filter((s) => s.name === "lookup");
  const records = receiver.logs.filter((l) => l.eventName !== SEAL_CHECKPOINT_NAME && l.eventName?.startsWith("agent.tool."));
  expect(spans).toHaveLength(5);
  expect(records.map((r) => r.eventName).sort()).toEqual([...Array(5).fill("agent.tool.request"), ...Array(5).fill("agent.tool.response")]);
  // Every record is correlated with its span.
  for (const record of records) expect(spans.map((s) => s.spanId)).toContain(record.spanId);
});
