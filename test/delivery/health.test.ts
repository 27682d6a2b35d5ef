/**
 * The delivery path's own health: counts as OpenTelemetry metrics on the user's MeterProvider,
 * `coat status` on the spool, and a spool at its size limit losing its oldest data — counted,
 * warned, written as a log record and named by `coat verify` as a gap.
 */
import { execFile } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { MeterProvider, MetricReader } from "@opentelemetry/sdk-metrics";
import { expect, it } from "vitest";
import { DeliveryKey, Op, coat, register, spoolStatus } from "../../src/index.js";
import type { CoatTelemetry } from "../../src/setup/register.js";
import type { OtlpReceiver } from "../support/otlp-receiver.js";
import { startOtlpReceiver } from "../support/otlp-receiver.js";
import { deliveryFile, verifyWire } from "./support.js";

const run = promisify(execFile);
const CLI = join(resolve(import.meta.dirname, "../.."), "dist/esm/cli/coat.js");
const BATCH = { OTEL_BSP_SCHEDULE_DELAY: "20", OTEL_BLRP_SCHEDULE_DELAY: "20" };
let telemetry: CoatTelemetry | undefined;
let receiver: OtlpReceiver | undefined;
const warnings = deliveryFile(300, () => {
  const running = { telemetry, receiver };
  telemetry = undefined;
  receiver = undefined;
  return running;
});

async function calls(n: number, size = 10): Promise<void> {
  const lookup = coat(Op.TOOL, async function lookup(i: number) {
    return `${i} `.repeat(size);
  });
  for (let i = 0; i < n; i++) await lookup(i);
}

/** A reader collected by hand, as a user's exporter would on its interval. */
class HandReader extends MetricReader {
  protected async onForceFlush(): Promise<void> {}
  protected async onShutdown(): Promise<void> {}
}

async function readMetrics(reader: HandReader) {
  const { resourceMetrics } = await reader.collect();
  const points = new Map<string, number>();
  {
    for (const scope of resourceMetrics.scopeMetrics) {
      for (const metric of scope.metrics) {
        for (const point of metric.dataPoints) {
          const a = point.attributes;
          points.set(`${metric.descriptor.name} ${String(a[DeliveryKey.DESTINATION]).split(" ")[2] ?? ""} ${String(a[DeliveryKey.OUTCOME] ?? "")}`.trim(), point.value as number);
        }
      }
    }
  }
  return points;
}

it("counts on the user's MeterProvider and `coat status` say what waits in the spool, and what was re-sent once the collector is back", async () => {
  const reader = new HandReader();
  const meterProvider = new MeterProvider({ readers: [reader] });
  receiver = await startOtlpReceiver();
  receiver.failAll(503);
  const spool = mkdtempSync(join(tmpdir(), "coat-health-"));
  telemetry = register({ serviceName: "health", endpoint: receiver.httpUrl, spool, stderr: false, meterProvider, env: { ...BATCH } });
  await calls(12);
  await telemetry.forceFlush();
  const during = await readMetrics(reader);
  expect(during.get("envpod.delivery.records traces created")).toBe(12);
  expect(during.get("envpod.delivery.records traces spooled")).toBe(12);
  expect(during.get("envpod.delivery.records traces exported")).toBe(0);
  // The tool calls' 24, and the checkpoint record the flush wrote.
  const logsSpooled = during.get("envpod.delivery.records logs spooled")!;
  expect(logsSpooled).toBeGreaterThanOrEqual(25);
  expect(during.get("envpod.delivery.spool.size traces")).toBeGreaterThan(0);

  const status = await spoolStatus(spool);
  expect(status.map((s) => [s.dir.split("/").pop()!.split("-")[0], s.records])).toEqual([
    ["logs", logsSpooled],
    ["traces", 12],
  ]);
  const cli = await run(process.execPath, [CLI, "status", spool]).catch((e: { code: number; stdout: string }) => e);
  expect((cli as { code?: number }).code).toBe(1);
  expect(cli.stdout).toContain(`${12 + logsSpooled} records wait to be re-sent, 0 were lost`);

  receiver.failAll(null);
  await receiver.waitFor(() => receiver!.spans.filter((s) => s.name === "lookup").length === 12 && receiver!.logs.length === 24, 20_000, "the spooled records");
  // The receiver has the records as soon as the request arrives; the sender counts them once the answer is back.
  let after = await readMetrics(reader);
  for (let i = 0; i < 200 && after.get("envpod.delivery.records traces resent") !== 12; i++) {
    await new Promise((r) => setTimeout(r, 10));
    after = await readMetrics(reader);
  }
  expect(after.get("envpod.delivery.records traces resent"), JSON.stringify([...after])).toBe(12);
  await telemetry.shutdown();
  telemetry = undefined;
  const done = await run(process.execPath, [CLI, "status", "--json", spool]);
  expect(JSON.parse(done.stdout)).toMatchObject({ waiting: 0, lost: 0 });
  await meterProvider.shutdown();
});

it("a spool at its size limit drops its oldest data first: counted, warned, written as a log record, and a gap in the chain that verify names exactly", async () => {
  const first = await startOtlpReceiver();
  const port = first.httpPort;
  await first.close();
  const spool = mkdtempSync(join(tmpdir(), "coat-limit-"));
  telemetry = register({ serviceName: "limit", endpoint: `http://127.0.0.1:${port}`, spool: { dir: spool, maxBytes: 96 * 1024 }, stderr: false, env: { ...BATCH } });
  for (let round = 0; round < 30; round++) {
    await calls(10, 200);
    await new Promise((r) => setTimeout(r, 25));
  }
  await telemetry.forceFlush();
  const status = await spoolStatus(spool);
  const traces = status.find((s) => s.dir.includes("traces-"))!;
  expect(traces.bytes).toBeLessThanOrEqual(96 * 1024 + 16 * 1024);
  expect(traces.lost.spool_full).toBeGreaterThan(0);
  expect(warnings.join("")).toMatch(/spans for otlp http\/protobuf traces → .* were dropped from the spool: .*spool over 98304 bytes/);

  receiver = await startOtlpReceiver({ httpPort: port });
  await telemetry.shutdown();
  telemetry = undefined;
  const arrived = receiver.spans.filter((s) => s.name === "lookup").length;
  expect(arrived).toBeGreaterThan(0);
  expect(arrived + traces.lost.spool_full!).toBe(300);
  const lossRecords = receiver.logs.filter((l) => l.attributes[DeliveryKey.CAUSE] === "spool_full");
  expect(lossRecords.length).toBeGreaterThan(0);
  const report = verifyWire(receiver);
  const spans = report.chains.find((c) => c.signal === "spans")!;
  expect(spans.missing).toBe(traces.lost.spool_full);
  expect(spans.problems.every((p) => p.kind === "gap")).toBe(true);
  expect(spans.problems[0]!.message).toMatch(/records missing \(seq 0\.\.\d+\)/);
});
