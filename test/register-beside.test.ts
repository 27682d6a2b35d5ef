import { DiagLogLevel, diag, trace } from "@opentelemetry/api";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { BasicTracerProvider, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { afterAll, beforeAll, expect, it } from "vitest";
import { Op, coat, register } from "../src/index.js";
import type { OtlpReceiver } from "./support/otlp-receiver.js";
import { startOtlpReceiver } from "./support/otlp-receiver.js";

let theirs: OtlpReceiver;
let ours: OtlpReceiver;
const warnings: string[] = [];

beforeAll(async () => {
  diag.setLogger({ error: (m) => warnings.push(m), warn: (m) => warnings.push(m), info: () => {}, debug: () => {}, verbose: () => {} }, DiagLogLevel.WARN);
  theirs = await startOtlpReceiver();
  ours = await startOtlpReceiver();
});
afterAll(async () => {
  await theirs.close();
  await ours.close();
});

it("beside another global provider: coat() records through agent-coat, other libraries keep theirs, nothing is lost", async () => {
  const existing = new BasicTracerProvider({
    resource: resourceFromAttributes({ "service.name": "their-app" }),
    spanProcessors: [new SimpleSpanProcessor(new OTLPTraceExporter({ url: `${theirs.httpUrl}/v1/traces` }))],
  });
  expect(trace.setGlobalTracerProvider(existing)).toBe(true);

  const telemetry = register({ serviceName: "our-agent", env: { OTEL_EXPORTER_OTLP_ENDPOINT: ours.httpUrl }, stderr: false });
  expect(telemetry.global).toBe(false);
  expect(warnings.some((w) => w.includes("another OpenTelemetry provider is registered globally"))).toBe(true);

  const tool = coat(Op.TOOL, function ourTool() {
    trace.getTracer("third-party").startSpan("their-span").end();
    return 1;
  });
  tool();
  await telemetry.shutdown();
  await existing.forceFlush();

  const [mine] = await ours.waitForSpans(1);
  expect(mine!.name).toBe("ourTool");
  expect(mine!.resource["service.name"]).toBe("our-agent");
  const [other] = await theirs.waitForSpans(1);
  expect(other!.name).toBe("their-span");
  expect(other!.resource["service.name"]).toBe("their-app");
  expect(ours.spans).toHaveLength(1);
  expect(theirs.spans).toHaveLength(1);
  // The existing provider is still the global one after our shutdown.
  trace.getTracer("third-party").startSpan("after").end();
  await existing.forceFlush();
  await theirs.waitForSpans(2);
  await existing.shutdown();
});
