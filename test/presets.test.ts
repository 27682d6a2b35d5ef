// Destination presets on the wire, each against its own in-process receiver. The real backends
// (Phoenix, Jaeger, the Collector) receive the same presets in test/e2e/presets.e2e.test.ts;
// Datadog cannot run here, so its documented intake contract is checked against a loopback capture.
import { DiagLogLevel, diag } from "@opentelemetry/api";
import { BasicTracerProvider } from "@opentelemetry/sdk-trace-base";
import { ATTR_SERVICE_NAME } from "@opentelemetry/semantic-conventions";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { Op, coat, coatSpanProcessors, collector, datadog, jaeger, phoenix, register, tie } from "../src/index.js";
import type { CoatTelemetry, Destination } from "../src/index.js";
import type { OtlpReceiver } from "./support/otlp-receiver.js";
import { startOtlpReceiver } from "./support/otlp-receiver.js";

const warnings: string[] = [];
const receivers: OtlpReceiver[] = [];
let telemetry: CoatTelemetry | undefined;

beforeAll(() => {
  diag.setLogger({ error: (m) => warnings.push(m), warn: (m) => warnings.push(m), info: () => {}, debug: () => {}, verbose: () => {} }, DiagLogLevel.WARN);
});
afterEach(async () => {
  await telemetry?.shutdown();
  telemetry = undefined;
  warnings.length = 0;
});
afterAll(async () => {
  await Promise.all(receivers.map((r) => r.close()));
});

async function receiver(): Promise<OtlpReceiver> {
  const r = await startOtlpReceiver();
  receivers.push(r);
  return r;
}

/** One agent turn: an AGENT span around a TOOL span that ties an event; 2 spans, 5 log records. */
async function runAgent(): Promise<void> {
  const lookup = coat(Op.TOOL, async function lookup(city: string) {
    tie("cache.miss", { city });
    return { city, tempC: 21 };
  });
  await coat(Op.AGENT, async function agent() {
    return lookup("Lisbon");
  })();
}

function only(destinations: Destination[]) {
  return { serviceName: "preset-agent", destinations, file: false as const, env: {} };
}

describe("datadog()", () => {
  it("sends log records only, as OTLP protobuf to /v1/logs with the dd-api-key header, as Datadog's OTLP logs intake documents", async () => {
    const intake = await receiver();
    telemetry = register(only([datadog({ apiKey: "dd-test-key-1234", endpoint: `${intake.httpUrl}/v1/logs` })]));
    await runAgent();
    await telemetry.shutdown();
    await intake.waitForLogs(5);

    expect(intake.requests.length).toBeGreaterThan(0);
    for (const request of intake.requests) {
      expect(request.path).toBe("/v1/logs");
      expect(request.signal).toBe("logs");
      expect(request.headers["content-type"]).toBe("application/x-protobuf");
      expect(request.headers["dd-api-key"]).toBe("dd-test-key-1234");
      // A protobuf ExportLogsServiceRequest starts with field 1 (resource_logs), length-delimited.
      expect(request.rawBody[0]).toBe(0x0a);
    }
    expect(intake.spans).toEqual([]);
    expect(intake.errors).toEqual([]);
    // What Datadog maps: service from the resource, status from the severity, trace correlation from the ids.
    for (const log of intake.logs) {
      expect(log.resource[ATTR_SERVICE_NAME]).toBe("preset-agent");
      expect(log.severityNumber).toBeGreaterThan(0);
      expect(log.severityText).toMatch(/^(INFO|ERROR)$/);
      expect(log.traceId).toMatch(/^[0-9a-f]{32}$/);
      expect(log.spanId).toMatch(/^[0-9a-f]{16}$/);
    }
    expect(new Set(intake.logs.map((l) => l.traceId)).size).toBe(1);
    expect(telemetry.destinations).toEqual([`datadog: otlp http/protobuf logs → ${intake.httpUrl}/v1/logs`]);
  });

  it("builds the intake URL from the site, the option winning over DD_SITE, and the key from DD_API_KEY", () => {
    const env = { DD_SITE: "us5.datadoghq.com", DD_API_KEY: "from-env" };
    expect(datadog().resolve({ DD_API_KEY: "k" })).toEqual({ logs: { protocol: "http/protobuf", url: "https://otlp.datadoghq.com/v1/logs", headers: { "dd-api-key": "k" } } });
    expect(datadog().resolve(env)?.logs?.url).toBe("https://otlp.us5.datadoghq.com/v1/logs");
    expect(datadog({ site: "datadoghq.eu" }).resolve(env)?.logs).toEqual({ protocol: "http/protobuf", url: "https://otlp.datadoghq.eu/v1/logs", headers: { "dd-api-key": "from-env" } });
    expect(datadog({ site: "ap1.datadoghq.com", apiKey: "opt" }).resolve(env)?.logs?.headers).toEqual({ "dd-api-key": "opt" });
  });

  it("without an API key (or with a site that is no host name) is skipped with one warning; register() does not throw and the rest still works", async () => {
    const other = await receiver();
    telemetry = register(only([datadog(), datadog({ apiKey: "k", site: "https://evil/" }), collector({ endpoint: other.httpUrl })]));
    expect(telemetry.destinations).toEqual([`collector: otlp http/protobuf traces → ${other.httpUrl}/v1/traces`, `collector: otlp http/protobuf logs → ${other.httpUrl}/v1/logs`]);
    expect(warnings.filter((w) => w.includes("datadog destination"))).toEqual([expect.stringContaining("no API key")]);
    await runAgent();
    await telemetry.shutdown();
    await other.waitForSpans(2);
  });
});

describe("phoenix()", () => {
  it("sends spans only, as protobuf to /v1/traces, with the project in x-project-name", async () => {
    const server = await receiver();
    telemetry = register(only([phoenix({ endpoint: server.httpUrl, projectName: "support-bot" })]));
    await runAgent();
    await telemetry.shutdown();
    await server.waitForSpans(2);
    expect(server.requests.map((r) => [r.path, r.transport, r.headers["x-project-name"]])).toEqual(server.requests.map(() => ["/v1/traces", "http/protobuf", "support-bot"]));
    expect(server.logs).toEqual([]);
    expect(telemetry.destinations).toEqual([`phoenix: otlp http/protobuf traces → ${server.httpUrl}/v1/traces`]);
  });

  it("reads PHOENIX_COLLECTOR_ENDPOINT and PHOENIX_PROJECT_NAME, with or without /v1/traces, and sends no project header without a project", () => {
    const env = { PHOENIX_COLLECTOR_ENDPOINT: "http://phoenix:6006/v1/traces", PHOENIX_PROJECT_NAME: "p1" };
    expect(phoenix().resolve(env)).toEqual({ traces: { protocol: "http/protobuf", url: "http://phoenix:6006/v1/traces", headers: { "x-project-name": "p1" } } });
    expect(phoenix().resolve({})).toEqual({ traces: { protocol: "http/protobuf", url: "http://localhost:6006/v1/traces", headers: {} } });
    expect(phoenix({ endpoint: "https://app.phoenix.arize.com/s/me/", headers: { authorization: "Bearer t" } }).resolve(env)?.traces).toEqual({
      protocol: "http/protobuf",
      url: "https://app.phoenix.arize.com/s/me/v1/traces",
      headers: { authorization: "Bearer t", "x-project-name": "p1" },
    });
  });
});

describe("jaeger() and collector()", () => {
  it("jaeger() sends spans only; collector() sends spans and log records; both beside the generic endpoint option", async () => {
    const [jaegerServer, collectorServer, generic] = await Promise.all([receiver(), receiver(), receiver()]);
    telemetry = register({ ...only([jaeger({ endpoint: jaegerServer.httpUrl }), collector({ endpoint: `${collectorServer.httpUrl}/`, headers: { authorization: "Bearer c" } })]), endpoint: generic.httpUrl });
    await runAgent();
    await telemetry.shutdown();
    await Promise.all([jaegerServer.waitForSpans(2), collectorServer.waitForSpans(2), collectorServer.waitForLogs(5), generic.waitForSpans(2), generic.waitForLogs(5)]);
    expect(jaegerServer.logs).toEqual([]);
    expect(jaegerServer.requests.every((r) => r.path === "/v1/traces" && r.transport === "http/protobuf")).toBe(true);
    expect(collectorServer.requests.every((r) => r.headers.authorization === "Bearer c")).toBe(true);
    expect(new Set(collectorServer.spans.map((s) => s.spanId))).toEqual(new Set(jaegerServer.spans.map((s) => s.spanId)));
  });

  it("take http/json and grpc too, grpc defaulting to port 4317", () => {
    expect(jaeger({ protocol: "grpc" }).resolve({})).toEqual({ traces: { protocol: "grpc", url: "http://localhost:4317" } });
    expect(jaeger({ protocol: "http/json", endpoint: "http://j:4318" }).resolve({})).toEqual({ traces: { protocol: "http/json", url: "http://j:4318/v1/traces" } });
    expect(collector().resolve({})).toEqual({
      traces: { protocol: "http/protobuf", url: "http://localhost:4318/v1/traces" },
      logs: { protocol: "http/protobuf", url: "http://localhost:4318/v1/logs" },
    });
  });

  it("a preset over gRPC reaches a gRPC receiver", async () => {
    const server = await receiver();
    telemetry = register(only([collector({ protocol: "grpc", endpoint: server.grpcUrl })]));
    await runAgent();
    await telemetry.shutdown();
    await Promise.all([server.waitForSpans(2), server.waitForLogs(5)]);
    expect(new Set(server.requests.map((r) => r.transport))).toEqual(new Set(["grpc"]));
  });
});

it("the processor factories take presets too, for apps that build their own providers", async () => {
  const server = await receiver();
  const provider = new BasicTracerProvider({ spanProcessors: coatSpanProcessors({ destinations: [phoenix({ endpoint: server.httpUrl, projectName: "own-provider" })], env: {} }) });
  provider.getTracer("app").startSpan("handmade").end();
  await provider.shutdown();
  const [span] = await server.waitForSpans(1);
  expect(span!.name).toBe("handmade");
  expect(server.requests.map((r) => [r.path, r.headers["x-project-name"]])).toEqual([["/v1/traces", "own-provider"]]);
});

it("a destination whose resolve() throws is skipped with one warning", async () => {
  const server = await receiver();
  const broken: Destination = {
    name: "broken",
    resolve() {
      throw new Error("boom");
    },
  };
  telemetry = register(only([broken, jaeger({ endpoint: server.httpUrl })]));
  expect(warnings).toEqual([expect.stringMatching(/broken destination: Error: boom/)]);
  await runAgent();
  await telemetry.shutdown();
  await server.waitForSpans(2);
});
