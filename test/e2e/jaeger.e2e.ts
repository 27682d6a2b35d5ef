// The demo agent exports straight to a real Jaeger v2 (no Collector), which is read back through
// its query API and compared, span for span, with what the demo recorded in its own file.
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { ROOT } from "./support/peers.js";
import { eventually } from "./support/wait.js";
import { e2e } from "./context.js";
import { spansById } from "./support/compare.js";
import { DEMO_SERVICE, DEMO_SPANS, runDemo } from "./support/demo.js";
import { expectDemoTrace, spansOutsideTheirParent } from "./support/demo-trace.js";
import { jaegerSpans, storedInJaeger } from "./support/jaeger.js";

const { jaeger, workDir } = e2e();

describe("Jaeger v2, the demo exporting to it directly", () => {
  it.each([
    ["http/protobuf", () => `${jaeger.otlpHttpUrl}/v1/traces`],
    ["http/json", () => `${jaeger.otlpHttpUrl}/v1/traces`],
    ["grpc", () => `http://${jaeger.otlpGrpcAddress}`],
  ])("over OTLP %s: /api/v3/traces returns every span with its parent, service, status and attributes", async (protocol, endpoint) => {
    const run = await runDemo(workDir, { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: endpoint(), OTEL_EXPORTER_OTLP_PROTOCOL: protocol });
    const { spans, warnings } = await storedInJaeger(jaeger.queryUrl, run);
    expect(spansById(spans)).toEqual(spansById(run.spans));
    expectDemoTrace(spansById(spans));
    // Jaeger's clock-skew check flags exactly the spans that end a fraction of a millisecond after their parent.
    expect(Object.keys(warnings).sort()).toEqual(spansOutsideTheirParent(run.spans));
    for (const warning of Object.values(warnings)) expect(warning).toEqual([expect.stringMatching(/^clock skew adjustment disabled; not applying calculated delta/)]);
    // The service's trace list holds the demo's traces only: every trace has the agent span (no checkpoint traces).
    const listed = await jaegerSpans(jaeger.queryUrl, DEMO_SERVICE, new Date(run.started.getTime() - 60_000), new Date(run.ended.getTime() + 60_000));
    const traces = new Map<string, string[]>();
    for (const span of listed) traces.set(span.traceId, [...(traces.get(span.traceId) ?? []), span.name]);
    expect(traces.size).toBeGreaterThan(0);
    for (const names of traces.values()) expect(names).toContain(DEMO_SPANS[0]);
    expect(listed.map((s) => s.name)).not.toContain("envpod.seal.checkpoint");
  });
});

describe("Jaeger v2, the AI SDK agent (@ai-sdk/otel's spans through agent-coat's processors)", () => {
  it("stores the run as one trace: the agent span with its steps, chat calls and tool beneath it", async () => {
    const started = new Date();
    await promisify(execFile)(process.execPath, [join(ROOT, "examples/ai-sdk-agent.mjs")], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ENVPOD_COAT_FILE: join(workDir, "ai-sdk-agent-jaeger.jsonl"), OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${jaeger.otlpHttpUrl}/v1/traces` },
    });
    const spans = await eventually("the AI SDK agent's 6 spans in Jaeger", () => jaegerSpans(jaeger.queryUrl, "ai-sdk-agent", new Date(started.getTime() - 60_000), new Date(Date.now() + 60_000)), (s) => s.length >= 6);
    expect(new Set(spans.map((s) => s.traceId)).size).toBe(1);
    const root = spans.find((s) => s.parentSpanId === "")!;
    expect(root.name).toBe("invoke_agent gpt-4o-mini");
    expect(spans.map((s) => s.attributes["openinference.span.kind"]).sort()).toEqual(["AGENT", "CHAIN", "CHAIN", "LLM", "LLM", "TOOL"]);
  });
});
