// collector-config/collector.yaml keeps each exporter's sending queue on disk: the real Collector,
// restarted while Jaeger and the Datadog intake are down, delivers everything it had accepted once
// they are back, and `coat verify` passes on its file output.
import { execFileSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { SEAL_CHECKPOINT_NAME } from "../../src/dialects/keys.js";
import { e2e } from "./context.js";
import { startCollector } from "./support/collector.js";
import type { CollectorRoutes } from "./support/collector.js";
import { ofTrace, sortedLogs, spansById } from "./support/compare.js";
import { runDemo } from "./support/demo.js";
import { readOtlpJsonLines } from "./support/otlp-file.js";
import { freePorts } from "./support/ports.js";
import { storedInJaeger, startJaeger } from "./support/jaeger.js";
import type { JaegerPorts } from "./support/jaeger.js";
import { DOCKER, ROOT, installedPeers } from "./support/peers.js";
import type { Program } from "./support/program.js";
import { eventually } from "./support/wait.js";
import { startOtlpReceiver } from "../support/otlp-receiver.js";
import type { OtlpReceiver } from "../support/otlp-receiver.js";

const { phoenixUrl, collectorBinary, workDir } = e2e();
const API_KEY = "e2e-datadog-api-key";
const started: { stop(): Promise<void> }[] = [];
afterAll(async () => {
  await Promise.allSettled(started.map((p) => p.stop()));
});

it.runIf(!DOCKER)("a Collector restart while Jaeger and the Datadog intake are down loses nothing it accepted: all of it arrives once they are back", { timeout: 180_000 }, async () => {
  const dir = join(workDir, "collector-queue");
  mkdirSync(dir, { recursive: true });
  const jaegerPorts = (await freePorts(4)) as JaegerPorts;
  const [datadogPort] = await freePorts(1);
  const routes: CollectorRoutes = {
    jaegerGrpcAddress: `127.0.0.1:${jaegerPorts[0]}`,
    phoenixTracesUrl: `${phoenixUrl}/v1/traces`,
    datadogLogsUrl: `http://127.0.0.1:${datadogPort}/v1/logs`,
    datadogApiKey: API_KEY,
    file: join(dir, "records.jsonl"),
    queueDir: join(dir, "queue"),
  };
  const first = await startCollector(collectorBinary!, dir, routes);
  const stopFirst = track(first.program);

  // Jaeger and the Datadog intake are not running: the Collector accepts, writes its file and queues the rest on disk.
  const run = await runDemo(dir, { OTEL_EXPORTER_OTLP_ENDPOINT: first.service.otlpHttpUrl, ENVPOD_COAT_CAPTURE: "raw" });
  // Everything the demo sent, its final checkpoints included (they carry no trace id), is written before the stop:
  // the file exporter has no queue of its own, and what this test asks of the restart is the queued exporters'.
  await eventually(
    "the demo's records and checkpoints in the Collector's file",
    () => readOtlpJsonLines(routes.file),
    (written) =>
      ofTrace(written.spans, run.traceId).length >= run.spans.length &&
      ofTrace(written.logs, run.traceId).length >= run.logs.length &&
      written.logs.filter((l) => l.eventName === SEAL_CHECKPOINT_NAME).length >= run.checkpoints.logs.length,
  );
  await stopFirst();

  // Started again on the same ports and queue folder, still with both backends down.
  const second = await startCollector(collectorBinary!, dir, routes, first.service.ports);
  track(second.program);
  await new Promise((resolve) => setTimeout(resolve, 2_000));

  const jaeger = await startJaeger(installedPeers().jaeger, dir, jaegerPorts);
  track(jaeger.program);
  const datadog: OtlpReceiver = await startOtlpReceiver({ httpPort: datadogPort });
  started.push({ stop: () => datadog.close() });

  const { spans } = await eventually(
    "the demo's spans in Jaeger after the restart",
    () => storedInJaeger(jaeger.service.queryUrl, run),
    (stored) => stored.spans.length >= run.spans.length,
    90_000,
  );
  expect(spansById(spans)).toEqual(spansById(run.spans));
  await eventually("the demo's log records at the Datadog intake after the restart", () => ofTrace(datadog.logs, run.traceId).length, (n) => n >= run.logs.length, 90_000);
  expect(sortedLogs(ofTrace(datadog.logs, run.traceId))).toEqual(sortedLogs(run.logs));
  expect(datadog.requests.every((r) => r.headers["dd-api-key"] === API_KEY)).toBe(true);

  const checked = verify(routes.file);
  if (checked.code !== 0) console.log(checked.out);
  const report = JSON.parse(checked.out) as { ok: boolean; chains: { signal: string; complete: boolean }[] };
  expect(report.ok).toBe(true);
  expect(report.chains.map((c) => [c.signal, c.complete]).sort()).toEqual([
    ["logs", true],
    ["spans", true],
  ]);
});

function track(program: Program): () => Promise<void> {
  started.push(program);
  return () => program.stop();
}

function verify(file: string): { code: number; out: string } {
  try {
    return { code: 0, out: execFileSync(process.execPath, [join(ROOT, "dist/esm/cli/coat.js"), "verify", "--json", file], { encoding: "utf8" }) };
  } catch (error) {
    const failed = error as { status: number; stdout: string };
    return { code: failed.status ?? 1, out: failed.stdout ?? "" };
  }
}
