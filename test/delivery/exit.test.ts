/**
 * Process exit, with real child processes against a collector that is down: SIGTERM, process.exit(),
 * an uncaught exception and the user's own SIGTERM listener all leave every finished call in the
 * spool, and the next run (same spool, collector back) delivers it; SIGKILL loses only what never
 * reached the spool, and `coat verify` names that loss. Damaged segments are reported and skipped.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, expect, it } from "vitest";
import type { OtlpReceiver } from "../support/otlp-receiver.js";
import { startOtlpReceiver } from "../support/otlp-receiver.js";
import { verifyWire } from "./support.js";

const ROOT = resolve(import.meta.dirname, "../..");
const ENTRY = join(ROOT, "dist/esm/index.js");
const FIXTURE = join(ROOT, "test/fixtures/durable-agent.mjs");
let receiver: OtlpReceiver | undefined;

afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
});

interface Child {
  calls(): number;
  stderr(): string;
  waitForCalls(n: number): Promise<void>;
  kill(signal: NodeJS.Signals): void;
  ended: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function child(mode: string, endpoint: string, spool: string, count = 0): Child {
  const proc = spawn(process.execPath, [FIXTURE, ENTRY, endpoint, spool, mode, String(count)], {
    cwd: ROOT,
    env: { ...process.env, OTEL_EXPORTER_OTLP_TIMEOUT: "500", OTEL_BSP_SCHEDULE_DELAY: "100", OTEL_BLRP_SCHEDULE_DELAY: "100", ENVPOD_COAT_SPOOL: "" },
  });
  let out = "";
  let err = "";
  let called = 0;
  proc.stdout.on("data", (d: Buffer) => {
    out += d.toString();
    const all = out.match(/called (\d+)/g);
    if (all) called = Number(all[all.length - 1]!.slice(7));
  });
  proc.stderr.on("data", (d: Buffer) => (err += d.toString()));
  const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => proc.on("exit", (code, signal) => done({ code, signal })));
  return {
    calls: () => called,
    stderr: () => err,
    async waitForCalls(n) {
      while (called < n) {
        if (proc.exitCode !== null || proc.signalCode !== null) throw new Error(`child ended after ${called} calls: ${err}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    kill: (signal) => proc.kill(signal),
    ended,
  };
}

/** A port where nothing listens (a collector that is down), and a spool directory. */
async function downCollector(): Promise<{ port: number; endpoint: string; spool: string }> {
  const probe = await startOtlpReceiver();
  const port = probe.httpPort;
  await probe.close();
  return { port, endpoint: `http://127.0.0.1:${port}`, spool: mkdtempSync(join(tmpdir(), "coat-exit-")) };
}

/** The next run of the agent, with the collector back: it re-sends what the last one left. */
async function nextRun(port: number, endpoint: string, spool: string): Promise<{ receiver: OtlpReceiver; stderr: string }> {
  receiver = await startOtlpReceiver({ httpPort: port });
  const next = child("drain", endpoint, spool);
  const end = await next.ended;
  expect(end, next.stderr()).toEqual({ code: 0, signal: null });
  return { receiver, stderr: next.stderr() };
}

function lookups(r: OtlpReceiver): number {
  return new Set(r.spans.filter((s) => s.name === "lookup").map((s) => s.spanId)).size;
}

it("SIGTERM: the process dies by the signal, as it would have, and every call finished before it arrives with the next run", async () => {
  const { port, endpoint, spool } = await downCollector();
  const agent = child("wait", endpoint, spool);
  await agent.waitForCalls(30);
  agent.kill("SIGTERM");
  const before = agent.calls();
  expect(await agent.ended).toEqual({ code: null, signal: "SIGTERM" });
  const { receiver: r } = await nextRun(port, endpoint, spool);
  expect(lookups(r)).toBeGreaterThanOrEqual(before);
  const report = verifyWire(r);
  expect(report.ok, JSON.stringify(report.chains.map((c) => c.problems))).toBe(true);
});

for (const [mode, code] of [
  ["exit", 3],
  ["crash", 1],
  ["user-sigterm", 7],
] as const) {
  it(`${mode}: what was buffered is written to the spool synchronously; the exit code is the program's (${code}); the next run delivers all of it`, async () => {
    const { port, endpoint, spool } = await downCollector();
    const agent = child(mode, endpoint, spool, 25);
    if (mode === "user-sigterm") {
      await agent.waitForCalls(25);
      agent.kill("SIGTERM");
    }
    const end = await agent.ended;
    expect(end).toEqual({ code, signal: null });
    if (mode === "crash") expect(agent.stderr()).toContain("the agent crashed");
    const made = agent.calls();
    const { receiver: r } = await nextRun(port, endpoint, spool);
    expect(lookups(r)).toBe(made);
    expect(r.logs.filter((l) => String(l.attributes["envpod.fn"]) === "lookup").length).toBe(2 * made);
    const report = verifyWire(r);
    expect(report.ok, JSON.stringify(report.chains.map((c) => c.problems))).toBe(true);
  });
}

it("SIGKILL: what reached the spool is delivered by the next run, and coat verify names what never did as a lost tail", async () => {
  const { port, endpoint, spool } = await downCollector();
  const agent = child("wait", endpoint, spool);
  // Past the first failed sends (500 ms of retries), so some batches are in the spool.
  await agent.waitForCalls(20);
  await new Promise((r) => setTimeout(r, 1500));
  agent.kill("SIGKILL");
  expect((await agent.ended).signal).toBe("SIGKILL");
  const made = agent.calls();
  const { receiver: r } = await nextRun(port, endpoint, spool);
  const delivered = lookups(r);
  expect(delivered).toBeGreaterThan(0);
  expect(delivered).toBeLessThanOrEqual(made);
  const report = verifyWire(r);
  expect(report.ok).toBe(false);
  const problems = report.chains.flatMap((c) => c.problems);
  expect(problems.some((p) => p.kind === "truncated" && /chain ends at seq \d+/.test(p.message))).toBe(true);
  expect(problems.filter((p) => p.kind === "modified")).toEqual([]);
});

it("a bit flipped in one segment and another cut short: both reported and skipped, everything else delivered, and verify names the exact gap", async () => {
  const { port, endpoint, spool } = await downCollector();
  const agent = child("exit", endpoint, spool, 40);
  expect((await agent.ended).code).toBe(3);
  const traces = join(spool, readdirSync(spool).find((f) => f.startsWith("traces-"))!);
  const logs = join(spool, readdirSync(spool).find((f) => f.startsWith("logs-"))!);
  const segmentOf = (dir: string) => join(dir, readdirSync(dir).filter((f) => f.endsWith(".seg")).sort()[0]!);
  const spans = readFileSync(segmentOf(traces));
  spans[Math.floor(spans.length / 3)] ^= 0x40;
  writeFileSync(segmentOf(traces), spans);
  const logSegment = segmentOf(logs);
  const logBytes = readFileSync(logSegment);
  writeFileSync(logSegment, logBytes.subarray(0, logBytes.length - 10));
  const { receiver: r, stderr } = await nextRun(port, endpoint, spool);
  expect(stderr).toMatch(/do not match their checksum/);
  expect(stderr).toMatch(/are cut short/);
  expect(lookups(r)).toBeGreaterThan(0);
  expect(lookups(r)).toBeLessThan(40);
  const report = verifyWire(r);
  const problems = report.chains.flatMap((c) => c.problems);
  expect(problems.some((p) => p.kind === "gap" || p.kind === "truncated")).toBe(true);
  expect(problems.filter((p) => p.kind === "modified")).toEqual([]);
});
