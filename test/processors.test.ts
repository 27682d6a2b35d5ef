import { SemanticConventions as SC } from "@arizeai/openinference-semantic-conventions";
import { context, trace } from "@opentelemetry/api";
import { logs } from "@opentelemetry/api-logs";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { LoggerProvider } from "@opentelemetry/sdk-logs";
import { BasicTracerProvider } from "@opentelemetry/sdk-trace-base";
import { afterAll, beforeAll, expect, it } from "vitest";
import { Op, coat, coatLogProcessors, coatSpanProcessors, tie } from "../src/index.js";
import type { OtlpReceiver } from "./support/otlp-receiver.js";
import { startOtlpReceiver } from "./support/otlp-receiver.js";

let receiver: OtlpReceiver;
beforeAll(async () => {
  receiver = await startOtlpReceiver();
});
afterAll(async () => {
  await receiver.close();
});

it("the processor factories plug into providers the app builds itself, touching no global", async () => {
  const options = { capture: "raw" as const, env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.httpUrl } };
  const spanProcessors = coatSpanProcessors(options);
  const logRecordProcessors = coatLogProcessors(options);
  expect(spanProcessors).toHaveLength(1);
  expect(logRecordProcessors).toHaveLength(1);
  expect(trace.getTracer("probe").startSpan("probe").isRecording()).toBe(false);

  // What NodeSDK does with them:
  const resource = resourceFromAttributes({ "service.name": "nodesdk-app" });
  const tracerProvider = new BasicTracerProvider({ resource, spanProcessors });
  const loggerProvider = new LoggerProvider({ resource, processors: logRecordProcessors });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager());
  trace.setGlobalTracerProvider(tracerProvider);
  logs.setGlobalLoggerProvider(loggerProvider);

  const outer = coat(Op.AGENT, async function outer(q: string) {
    tie("thinking", { q });
    return inner(q);
  });
  const inner = coat(Op.TOOL, function inner(q: string) {
    return q.toUpperCase();
  });
  expect(await outer("hi")).toBe("HI");
  await tracerProvider.shutdown();
  await loggerProvider.shutdown();
  const spans = await receiver.waitForSpans(2);
  const o = spans.find((s) => s.name === "outer")!;
  const i = spans.find((s) => s.name === "inner")!;
  expect(i.parentSpanId).toBe(o.spanId);
  expect(o.resource["service.name"]).toBe("nodesdk-app");
  expect(i.attributes[SC.OUTPUT_VALUE]).toBe("HI");
  const records = await receiver.waitForLogs(5);
  expect(records.map((l) => l.eventName).sort()).toEqual(
    ["agent.invoke.request", "agent.invoke.event", "agent.tool.request", "agent.tool.response", "agent.invoke.response"].sort(),
  );
});
