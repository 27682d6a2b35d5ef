// record() while the process has register()'s providers live: the recording takes coat()'s calls
// and other libraries' spans and logs made inside it; nothing of it reaches the registered exporter.
import { trace as api } from "@opentelemetry/api";
import { logs } from "@opentelemetry/api-logs";
import { afterAll, expect, it } from "vitest";
import { coat, Op, register } from "../../src/index.js";
import { assertSealed, assertToolCalled, record } from "../../src/testing/index.js";
import { startOtlpReceiver } from "../support/otlp-receiver.js";

const receiver = await startOtlpReceiver();
const telemetry = register({ serviceName: "registered", endpoint: receiver.httpUrl, file: false, stderr: false, env: {} });
afterAll(async () => {
  await telemetry.shutdown();
  await receiver.close();
});

const lookup = coat(Op.TOOL, { name: "lookup" }, (key: string) => {
  api.getTracer("other-lib").startSpan("other-lib work").end();
  logs.getLogger("other-lib").emit({ body: "other-lib says hi" });
  return key.length;
});

it("takes coat()'s and other libraries' records inside it, while the registered pipeline keeps the rest", async () => {
  const recorded = await record(() => lookup("inside"));
  lookup("outside");
  await telemetry.forceFlush();

  expect(recorded.calls.map((c) => [c.name, c.depth])).toEqual([
    ["lookup", 0],
    ["other-lib work", 1],
  ]);
  expect(recorded.logs.some((l) => l.body === "other-lib says hi")).toBe(true);
  assertToolCalled(recorded, "lookup", { times: 1, args: ["inside"] });
  assertSealed(recorded);

  const spans = await receiver.waitForSpans(2);
  expect(spans.map((s) => [s.name, s.attributes["input.value"]])).toEqual([
    ["other-lib work", undefined],
    ["lookup", undefined],
  ]);
  expect(spans.every((s) => s.resource["service.name"] === "registered")).toBe(true);
});
