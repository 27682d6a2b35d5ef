/**
 * The durable path through real sockets: records made while the collector is down (connection
 * refused) or answering 503 are spooled and arrive once it is back, every one, with the seal
 * chains verifying and no gap; without a spool the loss is counted and reported.
 */
import { mkdtempSync, readdirSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, it } from "vitest";
import { Op, coat, register } from "../../src/index.js";
import type { CoatTelemetry } from "../../src/setup/register.js";
import type { OtlpReceiver } from "../support/otlp-receiver.js";
import { startOtlpReceiver } from "../support/otlp-receiver.js";
import { deliveryFile, verifyWire } from "./support.js";

const BATCH = { OTEL_BSP_SCHEDULE_DELAY: "50", OTEL_BLRP_SCHEDULE_DELAY: "50" };
let telemetry: CoatTelemetry | undefined;
let receiver: OtlpReceiver | undefined;
const warnings = deliveryFile(1000, () => {
  const running = { telemetry, receiver };
  telemetry = undefined;
  receiver = undefined;
  return running;
});

async function calls(n: number): Promise<void> {
  const lookup = coat(Op.TOOL, async function lookup(i: number) {
    return `result ${i}`;
  });
  for (let i = 0; i < n; i++) await lookup(i);
}


it("the collector refusing connections, then back on the same port: every span and log record arrives and both chains verify", async () => {
  const first = await startOtlpReceiver();
  const port = first.httpPort;
  await first.close();
  const spool = mkdtempSync(join(tmpdir(), "coat-spool-"));
  telemetry = register({ serviceName: "outage", endpoint: `http://127.0.0.1:${port}`, spool, stderr: false, env: { ...BATCH } });
  await calls(40);
  await telemetry.forceFlush();
  // Everything made during the outage is on disk, owner-only.
  const folders = readdirSync(spool);
  expect(folders.sort().map((f) => f.split("-")[0])).toEqual(["logs", "traces"]);
  for (const folder of folders) {
    expect(statSync(join(spool, folder)).mode & 0o777).toBe(0o700);
    const segments = readdirSync(join(spool, folder)).filter((f) => f.endsWith(".seg"));
    expect(segments.length).toBeGreaterThan(0);
    for (const s of segments) expect(statSync(join(spool, folder, s)).mode & 0o777).toBe(0o600);
  }
  receiver = await startOtlpReceiver({ httpPort: port });
  await calls(10);
  await receiver.waitFor(() => receiver!.spans.filter((s) => s.name === "lookup").length >= 50 && receiver!.logs.length >= 100, 20_000, "50 tool spans and their 100 log records");
  await telemetry.shutdown();
  telemetry = undefined;
  const names = receiver.spans.filter((s) => s.name === "lookup").map((s) => s.spanId);
  expect(new Set(names).size).toBe(50);
  expect(receiver.logs.length).toBe(100);
  const report = verifyWire(receiver);
  expect(report.ok).toBe(true);
  expect(report.chains.map((c) => [c.signal, c.valid, c.complete, c.missing]).sort()).toEqual([
    ["logs", true, true, 0],
    ["spans", true, true, 0],
  ]);
  expect(warnings.join("")).toContain("keeping them in the spool");
  // Delivered segments are gone.
  for (const folder of readdirSync(spool)) expect(readdirSync(join(spool, folder)).filter((f) => f.endsWith(".seg"))).toEqual([]);
});

for (const protocol of ["http/protobuf", "http/json"] as const) {
  it(`${protocol}: 503 answers past the exporter's retries are spooled, then re-sent when the collector takes them again`, async () => {
    receiver = await startOtlpReceiver();
    receiver.failAll(503);
    const spool = mkdtempSync(join(tmpdir(), "coat-spool-"));
    telemetry = register({ serviceName: "busy", endpoint: receiver.httpUrl, protocol, spool, stderr: false, env: { ...BATCH } });
    await calls(20);
    await telemetry.forceFlush();
    expect(receiver.spans.length).toBe(0);
    receiver.failAll(null);
    await receiver.waitFor(() => receiver!.spans.filter((s) => s.name === "lookup").length >= 20 && receiver!.logs.length >= 40, 20_000, "20 tool spans and 40 log records");
    await telemetry.shutdown();
    telemetry = undefined;
    expect(receiver.logs.length).toBe(40);
    expect(verifyWire(receiver).ok).toBe(true);
    expect(new Set(receiver.requests.map((r) => r.transport))).toEqual(new Set([protocol]));
  });
}

it("grpc: the collector refusing connections, then back on the same port: every record arrives over gRPC and both chains verify", async () => {
  const first = await startOtlpReceiver();
  const port = first.grpcPort;
  await first.close();
  const spool = mkdtempSync(join(tmpdir(), "coat-spool-"));
  telemetry = register({ serviceName: "outage-grpc", endpoint: `http://127.0.0.1:${port}`, protocol: "grpc", headers: { "x-tenant": "t1" }, spool, stderr: false, env: { ...BATCH } });
  await calls(20);
  await telemetry.forceFlush();
  expect(readdirSync(spool).sort().map((f) => f.split("-")[0])).toEqual(["logs", "traces"]);
  receiver = await startOtlpReceiver({ grpcPort: port });
  await calls(5);
  await receiver.waitFor(() => receiver!.spans.filter((s) => s.name === "lookup").length >= 25 && receiver!.logs.length >= 50, 30_000, "25 tool spans and their 50 log records");
  await telemetry.shutdown();
  telemetry = undefined;
  expect(new Set(receiver.spans.filter((s) => s.name === "lookup").map((s) => s.spanId)).size).toBe(25);
  expect(receiver.logs.length).toBe(50);
  expect(verifyWire(receiver).ok).toBe(true);
  expect(new Set(receiver.requests.map((r) => r.transport))).toEqual(new Set(["grpc"]));
  // The options' headers travel as gRPC metadata.
  expect(receiver.requests.every((r) => r.headers["x-tenant"] === "t1")).toBe(true);
}, 60_000);

it("spool off: what the collector could not take is dropped, counted and reported", async () => {
  receiver = await startOtlpReceiver();
  receiver.failAll(400);
  telemetry = register({ serviceName: "nospool", endpoint: receiver.httpUrl, spool: false, stderr: false, env: { ...BATCH } });
  await calls(5);
  await telemetry.shutdown();
  telemetry = undefined;
  const text = warnings.join("");
  expect(text).toMatch(/5 spans for otlp http\/protobuf traces → .* were dropped: the endpoint refused them/);
  expect(text).toMatch(/nospool|5 spans: 0 exported, 0 spooled, 0 re-sent from the spool, 5 dropped \(5 rejected\)/);
});

it("records made after shutdown() are not lost silently: reported (sealed: by the seal, unsealed: counted by the delivery)", async () => {
  receiver = await startOtlpReceiver();
  const unsealed = register({ serviceName: "late-unsealed", endpoint: receiver.httpUrl, spool: false, seal: false, stderr: false, env: { ...BATCH } });
  const early = unsealed.tracerProvider.getTracer("late").startSpan("before");
  await unsealed.shutdown();
  early.end();
  expect(warnings.join("")).toMatch(/1 spans for otlp http\/protobuf traces → .* were made after shutdown\(\) and are not sent/);
  const local = register({ serviceName: "late", endpoint: receiver.httpUrl, spool: false, stderr: false, env: { ...BATCH } });
  const span = local.tracerProvider.getTracer("late").startSpan("before");
  await local.shutdown();
  span.end(); // ends after the provider shut down
  expect(warnings.join("")).toMatch(/spans made after shutdown\(\) closed the seal chain are not recorded/);
});
