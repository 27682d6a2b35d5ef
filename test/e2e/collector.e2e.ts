// The OpenTelemetry Collector built with the Collector Builder, running the shipped
// collector-config/collector.yaml (only endpoints and ports from the environment) in front of the
// real Jaeger and Phoenix, a stand-in for Datadog's logs intake, and its file exporter.
import { SEMRESATTRS_PROJECT_NAME } from "@arizeai/openinference-semantic-conventions";
import { ATTR_SERVICE_NAME } from "@opentelemetry/semantic-conventions";
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Op, coat, collector as collectorDestination, register, tie } from "../../src/index.js";
import { e2e } from "./context.js";
import { COLLECTOR_CONFIG, startCollector } from "./support/collector.js";
import type { CollectorService } from "./support/collector.js";
import { ofTrace, sortedLogs, spansById } from "./support/compare.js";
import { startDatadogStandIn } from "./support/datadog.js";
import type { DatadogStandIn } from "./support/datadog.js";
import { runDemo } from "./support/demo.js";
import type { DemoRun } from "./support/demo.js";
import { expectDemoTrace, spansOutsideTheirParent } from "./support/demo-trace.js";
import { jaegerSpans, storedInJaeger } from "./support/jaeger.js";
import { readOtlpJsonLines } from "./support/otlp-file.js";
import { DOCKER, ROOT } from "./support/peers.js";
import { phoenixSpans } from "./support/phoenix.js";
import type { Program } from "./support/program.js";
import { eventually } from "./support/wait.js";
import { loadTrace, traceFromText } from "../../src/testing/index.js";
import type { Trace } from "../../src/testing/index.js";

const { jaeger, phoenixUrl, collectorBinary, workDir } = e2e();
const API_KEY = DOCKER ? (process.env.DD_API_KEY ?? "") : "e2e-datadog-api-key";
const PROJECT = `collector-route-${process.pid}`;

let collector: CollectorService;
let program: Program | undefined;
let datadog: DatadogStandIn;
let run: DemoRun;

beforeAll(async () => {
  datadog = await startDatadogStandIn();
  if (DOCKER) {
    collector = { otlpHttpUrl: "http://127.0.0.1:4318", otlpGrpcUrl: "http://127.0.0.1:4317", file: join(ROOT, "coat-data/records.jsonl"), ports: { grpc: 4317, http: 4318, metrics: 8888 } };
  } else {
    const started = await startCollector(collectorBinary!, workDir, {
      jaegerGrpcAddress: jaeger.otlpGrpcAddress,
      phoenixTracesUrl: `${phoenixUrl}/v1/traces`,
      datadogLogsUrl: datadog.logsUrl,
      datadogApiKey: API_KEY,
      file: join(workDir, "collector-out", "records.jsonl"),
    });
    collector = started.service;
    program = started.program;
  }
  run = await runDemo(workDir, {
    OTEL_EXPORTER_OTLP_ENDPOINT: collector.otlpHttpUrl,
    OTEL_RESOURCE_ATTRIBUTES: `${SEMRESATTRS_PROJECT_NAME}=${PROJECT}`,
    ENVPOD_COAT_CAPTURE: "raw",
  });
});
afterAll(async () => {
  await program?.stop();
  await datadog?.close();
});

describe("the Collector with collector-config/collector.yaml, the demo exporting to it over OTLP/HTTP", () => {
  it("forwards every span to Jaeger (OTLP gRPC), unchanged", async () => {
    const { spans, warnings } = await storedInJaeger(jaeger.queryUrl, run);
    expect(spansById(spans)).toEqual(spansById(run.spans));
    expectDemoTrace(spansById(spans));
    expect(Object.keys(warnings).sort()).toEqual(spansOutsideTheirParent(run.spans));
  });

  it("forwards every span to Phoenix (OTLP/HTTP protobuf), in the project of the resource attribute, with its OpenInference kind", async () => {
    const stored = await eventually(`the demo's spans in Phoenix project ${PROJECT}`, () => phoenixSpans(phoenixUrl, PROJECT), (spans) => spans.length >= run.spans.length);
    expect(Object.fromEntries(stored.map((s) => [s.context.span_id, [s.name, s.span_kind, s.parent_id ?? ""]]))).toEqual(
      Object.fromEntries(run.spans.map((s) => [s.spanId, [s.name, s.attributes["openinference.span.kind"], s.parentSpanId]])),
    );
  });

  it("writes every span and log record to its file, unchanged (OTLP JSON lines: what `coat show` and `coat verify` read)", async () => {
    const written = await eventually(
      `the demo's records in ${collector.file}`,
      () => readOtlpJsonLines(collector.file),
      (records) => ofTrace(records.spans, run.traceId).length >= run.spans.length && ofTrace(records.logs, run.traceId).length >= run.logs.length,
    );
    expect(spansById(ofTrace(written.spans, run.traceId))).toEqual(spansById(run.spans));
    expect(sortedLogs(ofTrace(written.logs, run.traceId))).toEqual(sortedLogs(run.logs));
    const shown = execFileSync(process.execPath, [join(ROOT, "dist/esm/cli/coat.js"), "show", collector.file], { encoding: "utf8" });
    expect(shown).toMatch(/supportAgent {2}AGENT/);
    expect(shown).toMatch(/bookTable {2}TOOL .* ERROR No tables left at 20:00/);
  });

  it("loads into the same trace model (agent-coat/testing) as the demo's own file sink", async () => {
    const runsOf = (trace: Trace) => trace.runs.filter((r) => r.calls.some((c) => c.span.traceId === run.traceId));
    const fromCollector = await eventually(
      `the demo's calls in the model of ${collector.file}`,
      () => traceFromText(readFileSync(collector.file, "utf8")),
      (trace) => trace.calls.filter((c) => c.span.traceId === run.traceId).length >= run.spans.length,
    );
    const fromSink = await loadTrace(run.file);
    expect(runsOf(fromSink)).toHaveLength(1);
    expect(runsOf(fromSink)[0]!.calls[0]!.children.map((c) => c.name)).toEqual(["plan", "getWeather", "bookTable", "streamReply"]);
    expect(runsOf(fromCollector)).toEqual(runsOf(fromSink));
  });

  it("`coat verify` passes on the Collector's file (every chain complete) and fails after one byte of it is changed", async () => {
    const verify = (file: string) => {
      try {
        return { code: 0, out: execFileSync(process.execPath, [join(ROOT, "dist/esm/cli/coat.js"), "verify", "--json", file], { encoding: "utf8" }) };
      } catch (error) {
        const failed = error as { status: number; stdout: string };
        return { code: failed.status, out: failed.stdout };
      }
    };
    // The demo's final checkpoints close its chains (the span chain's on its last span); the Collector may still be writing them.
    const passed = await eventually(`coat verify passing on ${collector.file}`, () => verify(collector.file), (result) => result.code === 0);
    const report = JSON.parse(passed.out) as { ok: boolean; chains: { signal: string; valid: boolean; complete: boolean; records_verified: number }[] };
    expect(report.ok).toBe(true);
    expect(report.chains.map((c) => c.signal).sort()).toEqual(["logs", "spans"]);
    expect(report.chains.find((c) => c.signal === "spans")!.records_verified).toBeGreaterThanOrEqual(run.spans.length); // the checkpoints ride on the spans
    const text = readFileSync(collector.file, "utf8");
    const at = text.indexOf('"bookTable"');
    expect(at).toBeGreaterThan(0);
    const tampered = join(workDir, "tampered.jsonl");
    writeFileSync(tampered, `${text.slice(0, at + 1)}c${text.slice(at + 2)}`);
    const failed = verify(tampered);
    expect(failed.code).not.toBe(0);
    expect((JSON.parse(failed.out) as { ok: boolean }).ok).toBe(false);
  });

  it("sends the log records to Datadog's logs intake as OTLP protobuf with the dd-api-key header, service.name, severity and trace ids, and no spans", async () => {
    const { receiver } = datadog;
    await eventually("the demo's log records at the Datadog stand-in", () => ofTrace(receiver.logs, run.traceId).length, (n) => n >= run.logs.length);
    expect(sortedLogs(ofTrace(receiver.logs, run.traceId))).toEqual(sortedLogs(run.logs));
    for (const request of receiver.requests) {
      expect([request.path, request.transport, request.headers["content-type"], request.headers["dd-api-key"]]).toEqual(["/v1/logs", "http/protobuf", "application/x-protobuf", API_KEY]);
    }
    for (const log of ofTrace(receiver.logs, run.traceId)) {
      expect(log.resource[ATTR_SERVICE_NAME]).toBe("demo-agent");
      expect(log.severityText).toMatch(/^(INFO|ERROR)$/);
      expect(log.spanId).toMatch(/^[0-9a-f]{16}$/);
    }
    expect(ofTrace(receiver.logs, run.traceId).filter((l) => l.severityText === "ERROR").map((l) => l.eventName)).toEqual(["agent.tool.error"]);
    expect(receiver.spans).toEqual([]);
    expect(receiver.errors).toEqual([]);
  });

  it("takes OTLP over gRPC too", async () => {
    const overGrpc = await runDemo(workDir, { OTEL_EXPORTER_OTLP_ENDPOINT: collector.otlpGrpcUrl, OTEL_EXPORTER_OTLP_PROTOCOL: "grpc" });
    const { spans } = await storedInJaeger(jaeger.queryUrl, overGrpc);
    expect(spansById(spans)).toEqual(spansById(overGrpc.spans));
    await eventually("the gRPC run's log records at the Datadog stand-in", () => ofTrace(datadog.receiver.logs, overGrpc.traceId).length, (n) => n >= overGrpc.logs.length);
  });
});

it.runIf(!DOCKER)("collector-config/debug.yaml is a valid overlay of collector.yaml", () => {
  const output = execFileSync(collectorBinary!, ["validate", `--config=${COLLECTOR_CONFIG}`, `--config=${join(ROOT, "collector-config/debug.yaml")}`], {
    encoding: "utf8",
    env: { PATH: process.env.PATH, DD_API_KEY: API_KEY },
  });
  expect(output).toBe("");
});

describe("the collector() preset", () => {
  it("register({ destinations: [collector()] }) reaches Jaeger and the Datadog intake through the Collector", async () => {
    const service = `collector-preset-${process.pid}`;
    const started = new Date();
    const telemetry = register({ serviceName: service, destinations: [collectorDestination({ endpoint: collector.otlpHttpUrl })], file: false, env: {} });
    const lookup = coat(Op.TOOL, async function lookup(city: string) {
      tie("cache.miss", { city });
      return city;
    });
    await coat(Op.AGENT, async function agent() {
      return lookup("Lisbon");
    })();
    await telemetry.shutdown();
    const spans = await eventually(
      `the preset's spans in Jaeger (service ${service})`,
      () => jaegerSpans(jaeger.queryUrl, service, new Date(started.getTime() - 60_000), new Date(Date.now() + 60_000)),
      (found) => found.length >= 2,
    );
    expect(spans.map((s) => s.name).sort()).toEqual(["agent", "lookup"]);
    const logs = await eventually("the preset's log records at the Datadog stand-in", () => datadog.receiver.logs.filter((l) => l.resource[ATTR_SERVICE_NAME] === service), (found) => found.length >= 5);
    expect(new Set(logs.map((l) => l.traceId))).toEqual(new Set([spans[0]!.traceId]));
  });
});
