// The benchmark must keep working and keep counting right; its timings are never asserted.
import { execFileSync } from "node:child_process";
import { resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const root = resolve(import.meta.dirname, "..");
// @ts-expect-error plain .mjs helper without types
const { runLoad, startReceiver, stopAllChildren } = (await import("../bench/throughput.mjs")) as {
  runLoad(o: { traces: string; logs: string; rate: number; seconds: number }): Promise<{ calls: number; diag: { dropped_spans: number; export_errors: number } }>;
  startReceiver(port?: number): Promise<{ traces: string; logs: string; counts(): Promise<Record<string, number>>; stop(): Promise<void> }>;
  stopAllChildren(): Promise<void>;
};

afterAll(() => stopAllChildren());

describe("bench", () => {
  it("calls.mjs --json reports every variant with zero drops and the ratios issue 6 names", () => {
    const out = execFileSync(process.execPath, ["bench/calls.mjs", "--quick", "--json", "--only", "raw_otel,traceTool,langfuse,coat_none_logs_off_seal_off,coat_redacted_logs_on_seal_on"], { cwd: root, encoding: "utf8" });
    const result = JSON.parse(out) as { sync: Record<string, { median_us: number; drops: number }>; async: Record<string, { drops: number }>; ratios: Record<string, number | undefined> };
    expect(Object.keys(result.sync).sort()).toEqual(
      ["bare", "coat_none_logs_off_seal_off", "coat_redacted_logs_on_seal_on", "langfuse_observe", "openinference_traceTool", "raw_otel", "raw_otel_minimal", "raw_otel_with_content"].sort(),
    );
    for (const flavour of [result.sync, result.async]) for (const variant of Object.values(flavour)) expect(variant.drops).toBe(0);
    for (const key of ["coat_full_vs_openinference", "coat_none_vs_raw", "coat_full_vs_openinference_async", "coat_none_vs_raw_async"]) {
      expect(result.ratios[key]).toBeGreaterThan(0);
    }
  }, 120_000);

  it("gates.mjs --json reports the gated and ungated call (every call allowed by the five policies) and ratios.gated_vs_ungated", () => {
    const out = execFileSync(process.execPath, ["bench/gates.mjs", "--quick", "--json"], { cwd: root, encoding: "utf8" });
    const result = JSON.parse(out) as { ratio: number; policies: string[]; median_us: { gated: number; ungated: number }; redacted: { ratio: number } };
    expect(result.policies).toEqual(["tool-access", "rate-limit", "token-budget", "secrets-in-arguments", "loop-detection"]);
    expect(result.median_us.gated).toBeGreaterThan(0);
    expect(result.ratio).toBeGreaterThan(0);
    expect(result.redacted.ratio).toBeGreaterThan(0);
  }, 120_000);

  it("the load app and the receiver count every record over OTLP/http-protobuf, checkpoints apart", async () => {
    const receiver = await startReceiver(0);
    try {
      const report = await runLoad({ traces: receiver.traces, logs: receiver.logs, rate: 200, seconds: 2 });
      const counts = await receiver.counts();
      // Open loop: a loaded machine may make fewer than the 400 calls owed; each one made must arrive.
      expect(report.calls).toBeGreaterThan(100);
      expect(counts.spans).toBe(report.calls);
      expect(counts.logs).toBe(2 * report.calls);
      expect(counts.checkpoints).toBeGreaterThanOrEqual(2);
      expect(report.diag.dropped_spans + report.diag.export_errors).toBe(0);
    } finally {
      await receiver.stop();
    }
  }, 60_000);
});
