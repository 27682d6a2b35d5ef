// datadog({ llmObservability: true }) on the wire. Datadog cannot run here, so its documented
// contract is checked against loopback stand-ins for the two intakes, as the logs route's test does:
// docs.datadoghq.com/llm_observability/instrument/otel_instrumentation/ documents
// OTEL_EXPORTER_OTLP_TRACES_PROTOCOL=http/protobuf, OTEL_EXPORTER_OTLP_TRACES_ENDPOINT=<otlp_trace_endpoint>,
// OTEL_EXPORTER_OTLP_TRACES_HEADERS=dd-api-key=<key>,dd-otlp-source=llmobs, "not supported" on
// app.ddog-gov.com and us2.ddog-gov.com; DataDog/documentation's regions.config.js gives otlp_trace_endpoint per site.
import { DiagLogLevel, diag } from "@opentelemetry/api";
import { ATTR_SERVICE_NAME } from "@opentelemetry/semantic-conventions";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { Op, coat, collector, datadog, register } from "../src/index.js";
import type { CoatTelemetry, DatadogOptions, Destination } from "../src/index.js";
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

/** An agent turn: AGENT around an LLM call; 2 spans, 4 log records. */
async function runAgent(): Promise<void> {
  const ask = coat(Op.LLM, { model: "gpt-4o-mini", provider: "openai" }, async function ask(question: string) {
    return `answer to ${question}`;
  });
  await coat(Op.AGENT, async function supportAgent() {
    return ask("where is my order?");
  })();
}

function only(destinations: Destination[]) {
  return { serviceName: "support-bot", destinations, file: false as const, env: {} };
}

describe("datadog({ llmObservability: true })", () => {
  it("sends the spans as OTLP protobuf to /v1/traces with dd-api-key and dd-otlp-source: llmobs, beside the unchanged logs route", async () => {
    const [tracesIntake, logsIntake] = await Promise.all([receiver(), receiver()]);
    const preset = datadog({ apiKey: "dd-test-key-1234", llmObservability: true, endpoint: `${logsIntake.httpUrl}/v1/logs`, tracesEndpoint: `${tracesIntake.httpUrl}/v1/traces` });
    telemetry = register(only([preset]));
    await runAgent();
    await telemetry.shutdown();
    const spans = await tracesIntake.waitForSpans(2);
    await logsIntake.waitForLogs(4);

    // The receiver records only POSTs to a known path with an OTLP content type; anything else lands in errors.
    expect(tracesIntake.errors).toEqual([]);
    expect(tracesIntake.requests.length).toBeGreaterThan(0);
    for (const request of tracesIntake.requests) {
      expect(request.path).toBe("/v1/traces");
      expect(request.transport).toBe("http/protobuf");
      expect(request.headers["content-type"]).toBe("application/x-protobuf");
      expect(request.headers["dd-api-key"]).toBe("dd-test-key-1234");
      expect(request.headers["dd-otlp-source"]).toBe("llmobs");
      // A protobuf ExportTraceServiceRequest starts with field 1 (resource_spans), length-delimited.
      expect(request.rawBody[0]).toBe(0x0a);
    }
    expect(tracesIntake.logs).toEqual([]);
    // What LLM Observability maps: ml_app from service.name, span kind and model from the OpenInference attributes.
    const byName = Object.fromEntries(spans.map((s) => [s.name, s]));
    expect(Object.keys(byName).sort()).toEqual(["ask", "supportAgent"]);
    expect(byName.ask!.parentSpanId).toBe(byName.supportAgent!.spanId);
    expect(byName.ask!.attributes["openinference.span.kind"]).toBe("LLM");
    expect(byName.ask!.attributes["llm.model_name"]).toBe("gpt-4o-mini");
    expect(byName.ask!.attributes["llm.provider"]).toBe("openai");
    expect(byName.supportAgent!.attributes["openinference.span.kind"]).toBe("AGENT");
    expect(spans.map((s) => s.resource[ATTR_SERVICE_NAME])).toEqual(["support-bot", "support-bot"]);

    // The logs route is today's: same path and key, no LLM Observability header, the same trace.
    expect(logsIntake.errors).toEqual([]);
    expect(logsIntake.spans).toEqual([]);
    expect(logsIntake.requests.map((r) => [r.path, r.headers["content-type"], r.headers["dd-api-key"], r.headers["dd-otlp-source"]])).toEqual(
      logsIntake.requests.map(() => ["/v1/logs", "application/x-protobuf", "dd-test-key-1234", undefined]),
    );
    expect(new Set(logsIntake.logs.map((l) => l.traceId))).toEqual(new Set([byName.ask!.traceId]));
    expect(telemetry.destinations).toEqual([`datadog: otlp http/protobuf traces → ${tracesIntake.httpUrl}/v1/traces`, `datadog: otlp http/protobuf logs → ${logsIntake.httpUrl}/v1/logs`]);
  });

  it("targets each site's documented traces intake, the site and key from DD_SITE / DD_API_KEY unless the options say otherwise", () => {
    // otlp_trace_endpoint in DataDog/documentation hugo/assets/scripts/config/regions.config.js, copied, not derived.
    const documented: Record<string, string> = {
      "datadoghq.com": "https://otlp.datadoghq.com/v1/traces",
      "us3.datadoghq.com": "https://otlp.us3.datadoghq.com/v1/traces",
      "us5.datadoghq.com": "https://otlp.us5.datadoghq.com/v1/traces",
      "datadoghq.eu": "https://otlp.datadoghq.eu/v1/traces",
      "ap1.datadoghq.com": "https://otlp.ap1.datadoghq.com/v1/traces",
      "ap2.datadoghq.com": "https://otlp.ap2.datadoghq.com/v1/traces",
      "uk1.datadoghq.com": "https://otlp.uk1.datadoghq.com/v1/traces",
    };
    for (const [site, url] of Object.entries(documented)) {
      expect(datadog({ llmObservability: true }).resolve({ DD_SITE: site, DD_API_KEY: "from-env" })?.traces).toEqual({
        protocol: "http/protobuf",
        url,
        headers: { "dd-api-key": "from-env", "dd-otlp-source": "llmobs" },
      });
    }
    expect(datadog({ llmObservability: true }).resolve({ DD_API_KEY: "k" })).toEqual({
      logs: { protocol: "http/protobuf", url: "https://otlp.datadoghq.com/v1/logs", headers: { "dd-api-key": "k" } },
      traces: { protocol: "http/protobuf", url: "https://otlp.datadoghq.com/v1/traces", headers: { "dd-api-key": "k", "dd-otlp-source": "llmobs" } },
    });
    const options = datadog({ llmObservability: true, site: "datadoghq.eu", apiKey: "opt" }).resolve({ DD_SITE: "us5.datadoghq.com", DD_API_KEY: "from-env" });
    expect(options?.traces).toEqual({ protocol: "http/protobuf", url: "https://otlp.datadoghq.eu/v1/traces", headers: { "dd-api-key": "opt", "dd-otlp-source": "llmobs" } });
    expect(options?.logs?.headers).toEqual({ "dd-api-key": "opt" });
  });

  it("hands the documented URL to the exporter register() builds", async () => {
    telemetry = register(only([datadog({ llmObservability: true, apiKey: "k", site: "us3.datadoghq.com" })]));
    expect(telemetry.destinations).toEqual(["datadog: otlp http/protobuf traces → https://otlp.us3.datadoghq.com/v1/traces", "datadog: otlp http/protobuf logs → https://otlp.us3.datadoghq.com/v1/logs"]);
    // Nothing was recorded, so nothing leaves for the real intake (a failed delivery would warn).
    await telemetry.shutdown();
    expect(warnings).toEqual([]);
  });

  it("on a ddog-gov site is skipped with one warning naming the site and why, and sends nothing; the other destinations still work", async () => {
    const [intake, other] = await Promise.all([receiver(), receiver()]);
    const toIntake = { endpoint: `${intake.httpUrl}/v1/logs`, tracesEndpoint: `${intake.httpUrl}/v1/traces` };
    const cases: [DatadogOptions, Record<string, string>, string][] = [
      [{ site: "ddog-gov.com" }, {}, "ddog-gov.com"],
      [{ site: "us2.ddog-gov.com" }, { DD_SITE: "datadoghq.com" }, "us2.ddog-gov.com"],
      [{}, { DD_SITE: "ddog-gov.com" }, "ddog-gov.com"],
    ];
    for (const [options, env, site] of cases) {
      expect(() => datadog({ apiKey: "k", llmObservability: true, ...toIntake, ...options }).resolve(env)).toThrow(`LLM Observability is not available on the site ${site}`);
    }
    telemetry = register(only([datadog({ apiKey: "k", llmObservability: true, site: "us2.ddog-gov.com", ...toIntake }), collector({ endpoint: other.httpUrl })]));
    expect(warnings.filter((w) => w.includes("datadog destination"))).toEqual([expect.stringMatching(/LLM Observability is not available on the site us2\.ddog-gov\.com \(Datadog does not offer it on its ddog-gov sites\)/)]);
    expect(telemetry.destinations).toEqual([`collector: otlp http/protobuf traces → ${other.httpUrl}/v1/traces`, `collector: otlp http/protobuf logs → ${other.httpUrl}/v1/logs`]);
    await runAgent();
    await telemetry.shutdown();
    await other.waitForSpans(2);
    expect(intake.requests).toEqual([]);
  });

  it("keeps the preset's other rules: no key, or a site that is no host name, is an error naming the spans too", () => {
    expect(() => datadog({ llmObservability: true }).resolve({})).toThrow("no API key (the apiKey option or DD_API_KEY): log records and spans are not sent to Datadog");
    // With only the logs URL overridden, the traces URL still comes from the site.
    expect(() => datadog({ llmObservability: true, apiKey: "k", site: "https://evil/", endpoint: "http://127.0.0.1:1/v1/logs" }).resolve({})).toThrow('"https://evil/" is not a Datadog site');
  });
});

describe("datadog() without llmObservability (today's configuration)", () => {
  it("sends no spans anywhere: no traces target, no span exporter, nothing at a traces stand-in", async () => {
    const intake = await receiver();
    for (const flag of [undefined, false]) {
      const targets = datadog({ apiKey: "k", llmObservability: flag, tracesEndpoint: `${intake.httpUrl}/v1/traces` }).resolve({ DD_SITE: "ddog-gov.com" });
      expect(targets).toEqual({ logs: { protocol: "http/protobuf", url: "https://otlp.ddog-gov.com/v1/logs", headers: { "dd-api-key": "k" } } });
    }
    telemetry = register(only([datadog({ apiKey: "k", endpoint: `${intake.httpUrl}/v1/logs`, tracesEndpoint: `${intake.httpUrl}/v1/traces` })]));
    expect(telemetry.destinations).toEqual([`datadog: otlp http/protobuf logs → ${intake.httpUrl}/v1/logs`]);
    await runAgent();
    await telemetry.shutdown();
    await intake.waitForLogs(4);
    expect(intake.spans).toEqual([]);
    expect(intake.requests.map((r) => r.signal)).toEqual(intake.requests.map(() => "logs"));
  });
});
