// register({ policies }) gates every coat() call of the process; decisions are counted as
// OpenTelemetry metrics on the user's MeterProvider; policyDebug records how composed policies decided.
import { MeterProvider, MetricReader } from "@opentelemetry/sdk-metrics";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Op, PolicyKey, PolicyViolationError, all, alert, allow, block, coat, policy, register } from "../../src/index.js";
import type { CoatTelemetry } from "../../src/setup/register.js";
import { asMap, spanNamed } from "../support/harness.js";
import { startOtlpReceiver } from "../support/otlp-receiver.js";
import type { OtlpReceiver } from "../support/otlp-receiver.js";

class HandReader extends MetricReader {
  protected async onForceFlush(): Promise<void> {}
  protected async onShutdown(): Promise<void> {}
}

const reader = new HandReader();
const meterProvider = new MeterProvider({ readers: [reader] });
const warnings: string[] = [];
let receiver: OtlpReceiver;
let telemetry: CoatTelemetry;
const stderrWrite = process.stderr.write.bind(process.stderr);

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  process.stderr.write = ((chunk: string | Uint8Array) => (warnings.push(String(chunk)), true)) as typeof process.stderr.write;
  telemetry = register({
    serviceName: "governed",
    endpoint: receiver.httpUrl,
    spool: false,
    stderr: false,
    file: false,
    meterProvider,
    policyDebug: true,
    policies: [
      policy("no-shell", { ops: [Op.TOOL], match: "shell" }, () => block("no shell access")),
      all("careful", [policy("fine", () => allow()), policy("watch-llm", { ops: [Op.LLM] }, () => alert("model call"))]),
      policy("async-only", { async: true }, async () => allow()),
    ],
  });
});
afterAll(async () => {
  process.stderr.write = stderrWrite;
  await telemetry.shutdown();
  await meterProvider.shutdown();
  await receiver.close();
});

describe("register({ policies })", () => {
  it("gates every wrapper of the process; a sync wrapper leaves the async policy out and says so once", async () => {
    const shell = coat(Op.TOOL, function shell(cmd: string) {
      return cmd;
    });
    const search = coat(Op.TOOL, function search(q: string) {
      return q;
    });
    expect(() => shell("ls")).toThrow(PolicyViolationError);
    expect(search("x")).toBe("x");
    expect(warnings.join("")).toMatch(/policy async-only is async and does not gate shell, a sync function/);
    await telemetry.forceFlush();
    const spans = await receiver.waitForSpans(2);
    expect(spanNamed(spans, "search").attributes[PolicyKey.EVALUATED]).toEqual(["careful=allow"]);
    expect(spanNamed(spans, "shell").attributes[PolicyKey.POLICY]).toBe("no-shell");
  });

  it("an async wrapper is gated by the async policy too", async () => {
    receiver.reset();
    const fetchPage = coat(Op.TOOL, async function fetchPage() {
      return "page";
    });
    expect(await fetchPage()).toBe("page");
    await telemetry.forceFlush();
    const spans = await receiver.waitForSpans(1);
    expect(spanNamed(spans, "fetchPage").attributes[PolicyKey.EVALUATED]).toEqual(["careful=allow", "async-only=allow"]);
  });

  it("policyDebug: the decision record shows how the composed policy's parts decided", async () => {
    receiver.reset();
    const chat = coat(Op.LLM, async function chat() {
      return "hi";
    });
    expect(await chat()).toBe("hi");
    await telemetry.forceFlush();
    await receiver.waitForLogs(3);
    const record = receiver.logs.find((l) => l.eventName === "agent.policy.decision")!;
    const evaluated = asMap(asMap(asMap(record.body).payload).policy).evaluated as Record<string, unknown>[];
    const careful = evaluated.find((e) => e.policy === "careful")!;
    expect(careful.decision).toBe("alert");
    expect((careful.because as Record<string, unknown>[]).map((b) => [b.policy, b.decision])).toEqual([
      ["fine", "allow"],
      ["watch-llm", "alert"],
    ]);
  });

  it("counts decisions by policy and outcome, and the evaluation time, on the MeterProvider it was given", async () => {
    const { resourceMetrics } = await reader.collect();
    const metrics = resourceMetrics.scopeMetrics.flatMap((s) => s.metrics);
    const decisions = metrics.find((m) => m.descriptor.name === "envpod.policy.decisions")!;
    const count = (policy: string, decision: string) =>
      decisions.dataPoints.filter((p) => p.attributes[PolicyKey.POLICY] === policy && p.attributes[PolicyKey.DECISION] === decision).reduce((n, p) => n + (p.value as number), 0);
    expect(count("no-shell", "block")).toBe(1);
    expect(count("careful", "allow")).toBe(2);
    expect(count("careful", "alert")).toBe(1);
    expect(count("async-only", "allow")).toBe(2);
    const latency = metrics.find((m) => m.descriptor.name === "envpod.policy.evaluation.duration")!;
    expect(latency.descriptor.unit).toBe("ms");
    expect(latency.dataPoints.reduce((n, p) => n + (p.value as { count: number }).count, 0)).toBe(4);
  });
});
