import { SemanticConventions as SC } from "@arizeai/openinference-semantic-conventions";
import { DiagLogLevel, diag } from "@opentelemetry/api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Op, coat, register } from "../src/index.js";
import type { OtlpReceiver } from "./support/otlp-receiver.js";
import { startOtlpReceiver } from "./support/otlp-receiver.js";

const warnings: string[] = [];
let receiver: OtlpReceiver;

beforeAll(async () => {
  diag.setLogger({ error: (m) => warnings.push(m), warn: (m) => warnings.push(m), info: () => {}, debug: () => {}, verbose: () => {} }, DiagLogLevel.WARN);
  receiver = await startOtlpReceiver();
});
afterAll(async () => {
  await receiver.close();
});

function endpoints(env: NodeJS.ProcessEnv = {}) {
  return { env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.httpUrl, ...env }, stderr: false as const };
}

describe("register()", () => {
  it("returns the live registration when called twice, warns, and loses no span", async () => {
    receiver.reset();
    warnings.length = 0;
    const first = register({ serviceName: "first", ...endpoints() });
    const work = coat(Op.TOOL, function work(n: number) {
      return n;
    });
    work(1);
    const second = register({ serviceName: "second", ...endpoints() });
    expect(second).toBe(first);
    expect(warnings.some((w) => w.includes("register() was already called"))).toBe(true);
    work(2);
    await first.shutdown();
    await receiver.waitForSpans(2);
    expect(receiver.spans.map((s) => s.resource["service.name"])).toEqual(["first", "first"]);
    expect(first.global).toBe(true);
    expect(first.destinations).toEqual([`otlp http/protobuf traces → ${receiver.httpUrl}/v1/traces`, `otlp http/protobuf logs → ${receiver.httpUrl}/v1/logs`]);
  });

  it("can register again after shutdown(), with new options", async () => {
    receiver.reset();
    const again = register({ serviceName: "again", ...endpoints() });
    coat(Op.TOOL, function after() {})();
    await again.shutdown();
    await again.shutdown();
    const [span] = await receiver.waitForSpans(1);
    expect(span!.resource["service.name"]).toBe("again");
  });

  it("ENVPOD_COAT_CAPTURE wins over the wrapper's and register()'s options", async () => {
    receiver.reset();
    const t = register({ capture: "raw", ...endpoints({ ENVPOD_COAT_CAPTURE: "none" }) });
    coat(Op.TOOL, { capture: "raw" }, function hidden(x: string) {
      return x;
    })("visible?");
    await t.shutdown();
    const [span] = await receiver.waitForSpans(1);
    expect(span!.attributes["envpod.capture.mode"]).toBe("none");
    expect(span!.attributes[SC.INPUT_VALUE]).toBeUndefined();
    expect(receiver.allWireText()).not.toContain("visible?");
  });

  it("a wrapper's capture option wins over register()'s; ENVPOD_COAT_PREVIEW_LEN wins over previewLength", async () => {
    receiver.reset();
    const t = register({ capture: "none", previewLength: 50, ...endpoints({ ENVPOD_COAT_PREVIEW_LEN: "10" }) });
    coat(Op.TOOL, { capture: "raw" }, function shown(x: string) {
      return x.length;
    })("abcdefghijklmnopqrstuvwxyz");
    coat(Op.TOOL, function unshown(x: string) {
      return x.length;
    })("abcdefghijklmnopqrstuvwxyz");
    await t.shutdown();
    const spans = await receiver.waitForSpans(2);
    const shown = spans.find((s) => s.name === "shown")!;
    expect(shown.attributes[SC.INPUT_VALUE]).toBe("abcdefghij…[+16 chars]");
    expect(shown.attributes[SC.OUTPUT_VALUE]).toBe("26");
    expect(spans.find((s) => s.name === "unshown")!.attributes[SC.INPUT_VALUE]).toBeUndefined();
  });

  it("reports unknown capture modes (env and wrapper) and ignores them: the next source decides", async () => {
    receiver.reset();
    warnings.length = 0;
    const t = register({ ...endpoints({ ENVPOD_COAT_CAPTURE: "loud" }) });
    coat(Op.TOOL, { capture: "summary" }, function careful(x: string) {
      return x;
    })("content-XYZ");
    coat(Op.TOOL, { capture: "everything" as never }, function sloppy(x: string) {
      return x;
    })("content-ABC");
    await t.shutdown();
    const spans = await receiver.waitForSpans(2);
    const careful = spans.find((s) => s.name === "careful")!;
    const sloppy = spans.find((s) => s.name === "sloppy")!;
    expect(careful.attributes["envpod.capture.mode"]).toBe("summary");
    expect(careful.attributes["input.value"]).toBe("string(11)");
    expect(sloppy.attributes["envpod.capture.mode"]).toBe("none");
    expect(sloppy.attributes["input.value"]).toBeUndefined();
    expect(receiver.allWireText()).not.toContain("content-XYZ");
    expect(receiver.allWireText()).not.toContain("content-ABC");
    expect(warnings.some((w) => w.includes("ENVPOD_COAT_CAPTURE") && w.includes("loud"))).toBe(true);
    expect(warnings.some((w) => w.includes("coat() capture option") && w.includes("everything"))).toBe(true);
  });

  it("reads OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES; the serviceName option wins", async () => {
    receiver.reset();
    const t = register({ ...endpoints({ OTEL_SERVICE_NAME: "from-env", OTEL_RESOURCE_ATTRIBUTES: "deployment.environment=test,team=agents" }) });
    coat(Op.TOOL, function a() {})();
    await t.shutdown();
    const u = register({ serviceName: "from-option", ...endpoints({ OTEL_SERVICE_NAME: "from-env" }) });
    coat(Op.TOOL, function b() {})();
    await u.shutdown();
    const spans = await receiver.waitForSpans(2);
    expect(spans.find((s) => s.name === "a")!.resource).toMatchObject({ "service.name": "from-env", "deployment.environment": "test", team: "agents" });
    expect(spans.find((s) => s.name === "b")!.resource["service.name"]).toBe("from-option");
  });
});

describe("identity", () => {
  it("fills the envelope's subject from ENVPOD_AGENT_ID / ENVPOD_AGENT_ROLE of the environment register() reads", async () => {
    receiver.reset();
    const t = register({ ...endpoints({ ENVPOD_AGENT_ID: "reviewer", ENVPOD_AGENT_ROLE: "code-review" }) });
    coat(Op.TOOL, function who() {})();
    await t.shutdown();
    const logs = await receiver.waitForLogs(2);
    for (const log of logs) expect((log.body as any).subject).toMatchObject({ agent_id: "reviewer", agent_role: "code-review" });
  });
});

describe("register() reads the OTEL_* trace variables sdk-trace leaves to it", () => {
  it("OTEL_TRACES_SAMPLER=always_off: no span is exported; the call still runs and its log records still go", async () => {
    receiver.reset();
    const telemetry = register({ serviceName: "sampled-off", ...endpoints({ OTEL_TRACES_SAMPLER: "always_off" }) });
    const work = coat(Op.TOOL, function work(n: number) {
      return n * 2;
    });
    expect(work(21)).toBe(42);
    await telemetry.shutdown();
    await receiver.waitForLogs(2);
    expect(receiver.spans.filter((s) => s.name === "work")).toHaveLength(0);
    expect(receiver.logs.filter((l) => l.eventName.startsWith("agent.tool."))).toHaveLength(2);
  });

  it("OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT caps attributes; an unknown OTEL_TRACES_SAMPLER is named in one warning", async () => {
    receiver.reset();
    warnings.length = 0;
    const telemetry = register({ serviceName: "limited", ...endpoints({ OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT: "3", OTEL_TRACES_SAMPLER: "sometimes" }) });
    coat(Op.TOOL, function work() {
      return 1;
    })();
    await telemetry.shutdown();
    const [span] = await receiver.waitForSpans(1);
    // The SDK keeps the first 3 attributes set through the span; the seal's own are written past the limit on purpose.
    const viaSpan = Object.keys(span!.attributes).filter((key) => !key.startsWith("envpod.seal."));
    expect(viaSpan).toHaveLength(3);
    expect(span!.droppedAttributesCount).toBeGreaterThan(0);
    expect(warnings.filter((w) => w.includes('OTEL_TRACES_SAMPLER="sometimes"'))).toHaveLength(1);
  });
});
