/**
 * Where register() sends what coat() records: stderr `[coat]` lines, the OTLP JSON-lines file,
 * the envpod pod socket (and its stderr fallback), and the OTLP protocol switch.
 *
 * The stderr contract is tested on real child processes running the built package (compiled once,
 * into a private temporary directory, so that `dist/` and other engineers' builds are untouched).
 * File, socket and protocol scenarios register in-process, one registration at a time, each shut
 * down before the next.
 */
import { diag, DiagLogLevel } from "@opentelemetry/api";
import { execFile, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import type { Server, Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { FileSpanExporter, Op, coat, register, tie } from "../src/index.js";
import type { CoatTelemetry, RegisterOptions } from "../src/index.js";
import { normaliseLogs, normaliseTraces, startOtlpReceiver } from "./support/otlp-receiver.js";
import { SEAL_CHECKPOINT_NAME } from "../src/dialects/keys.js";
import type { OtlpReceiver, ReceivedLog, ReceivedSpan } from "./support/otlp-receiver.js";
import { asMap } from "./support/harness.js";
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { ExportResultCode } from "@opentelemetry/core";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const FIXTURE = fileURLToPath(new URL("./fixtures/coat-agent.mjs", import.meta.url));
const HEX32 = /^[0-9a-f]{32}$/;
const HEX16 = /^[0-9a-f]{16}$/;
const UID = process.getuid!();

const TMP = mkdtempSync(join(tmpdir(), "coat-transports-"));

// ---------------------------------------------------------------------------------------------
// The built package for the child processes: compiled from src/ now, while in-process tests run.
// ---------------------------------------------------------------------------------------------

const BUILD = join(TMP, "build");
const ENTRY = join(BUILD, "esm", "index.js");
const built: Promise<void> = new Promise((resolve, reject) => {
  mkdirSync(BUILD, { recursive: true });
  writeFileSync(join(BUILD, "package.json"), '{"type":"module"}\n');
  symlinkSync(join(ROOT, "node_modules"), join(BUILD, "node_modules"), "dir");
  const tsc = join(ROOT, "node_modules", "typescript", "bin", "tsc");
  execFile(process.execPath, [tsc, "-p", "tsconfig.build.json", "--outDir", join(BUILD, "esm"), "--declaration", "false"], { cwd: ROOT }, (error, stdout) => {
    // Type errors elsewhere in src (work in progress) still emit JavaScript: only a missing entry is fatal.
    if (existsSync(ENTRY)) resolve();
    else reject(new Error(`building agent-coat failed: ${String(error)}\n${stdout}`));
  });
});
built.catch(() => undefined);

afterAll(() => rmSync(TMP, { recursive: true, force: true }));

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/** diag warnings, collected for the whole file; tests look at the ones of their own window. */
const warnings: string[] = [];
diag.setLogger(
  {
    error: (m: string) => void warnings.push(`error: ${m}`),
    warn: (m: string) => void warnings.push(m),
    info: () => undefined,
    debug: () => undefined,
    verbose: () => undefined,
  },
  DiagLogLevel.WARN,
);

async function waitUntil(predicate: () => boolean, what: string, timeoutMs = 8000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** What an AOT envelope looks like once parsed from JSON (only the fields the tests read). */
interface Envelope {
  spec: string;
  kind: string;
  ts: string;
  ids: { session_id: string; run_id: string; step_id: string; trace_id: string; span_id: string; parent_span_id: string };
  subject: { agent_id: string; agent_role: string; framework: string };
  capture: { mode: string };
  payload: Record<string, unknown> & { fn: string };
  envpod: {
    pid: number;
    uid: number;
    claim_kind: string;
    op: string;
    pod_id?: string;
    anonymous?: { pid: number; uid: number; session: string; fingerprint: string };
  };
}

/** `[coat] {json}` lines → envelopes; throws on any line that is not one. */
function coatLines(text: string): Envelope[] {
  return text
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => {
      if (!line.startsWith("[coat] {")) throw new Error(`not a [coat] line: ${JSON.stringify(line.slice(0, 200))}`);
      return JSON.parse(line.slice("[coat] ".length)) as Envelope;
    });
}

/** Plain JSON lines (the socket's format) → envelopes; throws on any line that is not one. */
function jsonLines(text: string): Envelope[] {
  return text
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => {
      if (!line.startsWith("{")) throw new Error(`not a JSON line: ${JSON.stringify(line.slice(0, 200))}`);
      return JSON.parse(line) as Envelope;
    });
}

const kindsOf = (envelopes: Envelope[]) => envelopes.map((e) => e.kind).sort();

/** Captures process.stderr.write (swallowing it) for in-process tests. */
function captureStderr(): { text: () => string; restore: () => void } {
  let text = "";
  const spy = vi.spyOn(process.stderr, "write").mockImplementation(((chunk: string | Uint8Array) => {
    text += typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8");
    return true;
  }) as typeof process.stderr.write);
  return { text: () => text, restore: () => spy.mockRestore() };
}

/** The same little workload the child fixture runs: 2 refunds with a tie each, 1 failure, 1 free tie → 9 envelopes, 3 spans. */
async function workload(): Promise<void> {
  const refund = coat(Op.TOOL, function refund(amount: number) {
    tie("checked", { amount });
    return { id: "re_1", amount };
  });
  const boom = coat(Op.TOOL, async function boom() {
    await sleep(1);
    throw new Error("card declined");
  });
  refund(10);
  refund(20);
  await boom().catch(() => undefined);
  tie("outside");
}

const WORKLOAD_KINDS = [
  "agent.event",
  "agent.tool.error",
  "agent.tool.event",
  "agent.tool.event",
  "agent.tool.request",
  "agent.tool.request",
  "agent.tool.request",
  "agent.tool.response",
  "agent.tool.response",
].sort();

/** Checks the envelopes of one run of the workload in one process. */
function expectWorkloadEnvelopes(envelopes: Envelope[], who: { pid: number; agentId: string; agentRole: string; podId?: string }): void {
  expect(kindsOf(envelopes)).toEqual(WORKLOAD_KINDS);
  const sessions = new Set(envelopes.map((e) => e.ids.session_id));
  expect(sessions.size).toBe(1);
  const [session] = [...sessions];
  expect(session).toMatch(/^sess_[0-9a-f]{16}$/);
  for (const e of envelopes) {
    expect(e.spec).toBe("aotp/0.1");
    expect(Number.isNaN(Date.parse(e.ts))).toBe(false);
    expect(e.subject.agent_id).toBe(who.agentId);
    expect(e.subject.agent_role).toBe(who.agentRole);
    expect(e.subject.framework).toBe("agent-coat");
    expect(e.envpod.claim_kind).toBe("anonymous");
    expect(e.envpod.pid).toBe(who.pid);
    expect(e.envpod.uid).toBe(UID);
    expect(e.envpod.anonymous?.fingerprint).toBe(`anon_pid${who.pid}_uid${UID}_sess${session}`);
    expect(e.envpod.pod_id).toBe(who.podId);
    if (e.kind === "agent.event") {
      // The free tie(): no active span.
      expect(e.payload).toMatchObject({ event: "outside" });
      expect(e.ids.trace_id).toBe("");
      continue;
    }
    expect(e.ids.trace_id).toMatch(HEX32);
    expect(e.ids.span_id).toMatch(HEX16);
    expect(e.ids.step_id).toBe(`step_${e.ids.span_id}`);
    expect(e.ids.parent_span_id).toBe("");
    expect(e.envpod.op).toBe("tool");
  }
  // Per call: request first, then the tie, then the response (or the error), all on one span.
  const bySpan = new Map<string, string[]>();
  for (const e of envelopes) if (e.ids.span_id) bySpan.set(e.ids.span_id, [...(bySpan.get(e.ids.span_id) ?? []), e.kind]);
  expect([...bySpan.values()].sort((a, b) => a.length - b.length)).toEqual([
    ["agent.tool.request", "agent.tool.error"],
    ["agent.tool.request", "agent.tool.event", "agent.tool.response"],
    ["agent.tool.request", "agent.tool.event", "agent.tool.response"],
  ]);
  const error = envelopes.find((e) => e.kind === "agent.tool.error")!;
  expect(error.payload).toMatchObject({ fn: "boom", error: { type: "Error" } });
}

/** A real unix socket server that collects JSON lines. */
interface LineServer {
  readonly path: string;
  readonly server: Server;
  readonly connections: Socket[];
  text: string;
  close(): Promise<void>;
}

async function lineServer(path: string, onConnection?: (socket: Socket, server: LineServer) => void): Promise<LineServer> {
  const connections: Socket[] = [];
  const server = createServer();
  const ls: LineServer = {
    path,
    server,
    connections,
    text: "",
    close: () =>
      new Promise<void>((resolve) => {
        for (const c of connections) c.destroy();
        server.close(() => resolve());
      }),
  };
  server.on("connection", (socket) => {
    connections.push(socket);
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => (ls.text += chunk));
    socket.on("error", () => undefined);
    onConnection?.(socket, ls);
  });
  await new Promise<void>((resolve) => server.listen(path, resolve));
  return ls;
}

/** One in-process registration; shut down in afterEach whatever happens. */
let live: CoatTelemetry | undefined;
function registerLive(options: RegisterOptions): CoatTelemetry {
  live = register({ serviceName: "transports-test", ...options });
  return live;
}
afterEach(async () => {
  const telemetry = live;
  live = undefined;
  await telemetry?.shutdown();
});

let mark = 0;
beforeEach(() => {
  mark = warnings.length;
});
const newWarnings = () => warnings.slice(mark);

// ---------------------------------------------------------------------------------------------
// File sink
// ---------------------------------------------------------------------------------------------

interface FileContents {
  lines: string[];
  spans: ReceivedSpan[];
  logs: ReceivedLog[];
  raw: Record<string, unknown>[];
}

/** Every line must be one OTLP/JSON export request: `{"resourceSpans":[…]}` or `{"resourceLogs":[…]}`. */
function readOtlpJsonl(path: string): FileContents {
  const text = readFileSync(path, "utf8");
  expect(text.endsWith("\n")).toBe(true);
  const lines = text.slice(0, -1).split("\n");
  const out: FileContents = { lines, spans: [], logs: [], raw: [] };
  for (const line of lines) {
    let parsed: Record<string, unknown>;
    try {
      parsed = JSON.parse(line) as Record<string, unknown>;
    } catch {
      throw new Error(`line does not parse: ${JSON.stringify(line.slice(0, 300))}`);
    }
    const keys = Object.keys(parsed);
    expect(keys.length === 1 && (keys[0] === "resourceSpans" || keys[0] === "resourceLogs"), `keys ${keys.join(",")}`).toBe(true);
    out.raw.push(parsed);
    // The seal's checkpoint records are counted apart: the tests below count the workload's own.
    if (keys[0] === "resourceSpans") out.spans.push(...normaliseTraces(parsed).filter((s) => s.name !== SEAL_CHECKPOINT_NAME));
    else out.logs.push(...normaliseLogs(parsed).filter((l) => l.eventName !== SEAL_CHECKPOINT_NAME));
  }
  return out;
}

/** Nested workload: an agent calling a tool that ties → 2 spans (parent/child), 5 log records. */
async function nestedWorkload(): Promise<void> {
  const lookup = coat(Op.TOOL, function lookup(order: string) {
    tie("found", { order });
    return { order, amount: 42 };
  });
  const agent = coat(Op.AGENT, async function agentRun(order: string) {
    await sleep(1);
    return lookup(order);
  });
  await agent("ord_1");
}

describe("file sink: OTLP JSON lines", () => {
  it("ENVPOD_COAT_FILE alone writes spans and logs as export requests, one per line", async () => {
    const path = join(TMP, "alone", "coat.jsonl");
    const stderr = captureStderr();
    try {
      const telemetry = registerLive({ env: { ENVPOD_COAT_FILE: path }, capture: "raw" });
      expect(telemetry.destinations).toEqual([`file ${path}`, "stderr"]);
      await nestedWorkload();
      await telemetry.shutdown();
    } finally {
      stderr.restore();
    }
    const file = readOtlpJsonl(path);
    // Raw JSON: ids are lowercase hex strings (not base64), as the Collector's file exporter writes them.
    for (const request of file.raw) {
      for (const rs of (request.resourceSpans ?? []) as { scopeSpans: { spans: Record<string, unknown>[] }[] }[]) {
        for (const span of rs.scopeSpans.flatMap((s) => s.spans)) {
          expect(span.traceId).toMatch(HEX32);
          expect(span.spanId).toMatch(HEX16);
          if (span.parentSpanId !== undefined) expect(span.parentSpanId).toMatch(HEX16);
          expect(typeof span.startTimeUnixNano === "string" || typeof span.startTimeUnixNano === "number").toBe(true);
        }
      }
      for (const rl of (request.resourceLogs ?? []) as { scopeLogs: { logRecords: Record<string, unknown>[] }[] }[]) {
        for (const record of rl.scopeLogs.flatMap((s) => s.logRecords)) {
          if (record.eventName === SEAL_CHECKPOINT_NAME) continue; // a checkpoint belongs to no span
          expect(record.traceId).toMatch(HEX32);
          expect(record.spanId).toMatch(HEX16);
        }
      }
    }
    expect(file.spans).toHaveLength(2);
    const outer = file.spans.find((s) => s.name === "agentRun")!;
    const inner = file.spans.find((s) => s.name === "lookup")!;
    expect(outer.parentSpanId).toBe("");
    expect(inner.parentSpanId).toBe(outer.spanId);
    expect(inner.traceId).toBe(outer.traceId);
    expect(inner.attributes["envpod.fn"]).toBe("lookup");
    expect(inner.attributes["aotp.step_id"]).toBe(`step_${inner.spanId}`);
    expect(inner.attributes["input.value"]).toBe("ord_1");
    expect(inner.events.map((e) => e.name)).toEqual(["found"]);
    expect(inner.resource["service.name"]).toBe("transports-test");
    expect(inner.status.code).toBe(1);

    expect(file.logs).toHaveLength(5);
    const kinds = file.logs.map((l) => `${l.spanId === inner.spanId ? "inner" : l.spanId === outer.spanId ? "outer" : "?"} ${l.eventName}`);
    expect(kinds.sort()).toEqual(["inner agent.tool.event", "inner agent.tool.request", "inner agent.tool.response", "outer agent.invoke.request", "outer agent.invoke.response"].sort());
    for (const log of file.logs) {
      const body = asMap(log.body);
      expect(body.spec).toBe("aotp/0.1");
      expect(body.kind).toBe(log.eventName);
      expect(log.attributes["aotp.kind"]).toBe(log.eventName);
      const ids = asMap(body.ids);
      expect(ids.trace_id).toBe(log.traceId);
      expect(ids.span_id).toBe(log.spanId);
      expect(ids.parent_span_id).toBe(log.spanId === inner.spanId ? outer.spanId : "");
    }
    const response = file.logs.find((l) => l.eventName === "agent.tool.response")!;
    expect(JSON.parse(asMap(asMap(asMap(response.body).payload).preview).output as string)).toEqual({ order: "ord_1", amount: 42 });

    // No endpoint and no pod: the same envelopes also went to stderr.
    expect(kindsOf(coatLines(stderr.text()))).toEqual(file.logs.map((l) => l.eventName).sort());
  });

  it("beside an OTLP endpoint: the file and the receiver get the same spans and records, stderr stays quiet", async () => {
    const receiver = await startOtlpReceiver();
    const path = join(TMP, "beside", "coat.jsonl");
    const stderr = captureStderr();
    try {
      const telemetry = registerLive({ endpoint: receiver.httpUrl, file: path, env: {} });
      expect(telemetry.destinations).toEqual([`otlp http/protobuf traces → ${receiver.httpUrl}/v1/traces`, `otlp http/protobuf logs → ${receiver.httpUrl}/v1/logs`, `file ${path}`]);
      await nestedWorkload();
      await nestedWorkload();
      await telemetry.shutdown();
      await receiver.waitForSpans(4);
      await receiver.waitForLogs(10);
    } finally {
      stderr.restore();
      await receiver.close();
    }
    const file = readOtlpJsonl(path);
    const ids = (spans: ReceivedSpan[]) => spans.map((s) => `${s.traceId}/${s.spanId}/${s.parentSpanId}/${s.name}`).sort();
    expect(file.spans).toHaveLength(4);
    expect(ids(file.spans)).toEqual(ids(receiver.spans));
    const logIds = (logs: ReceivedLog[]) => logs.map((l) => `${l.spanId}/${l.eventName}/${asMap(asMap(l.body).ids).step_id as string}`).sort();
    expect(file.logs).toHaveLength(10);
    expect(logIds(file.logs)).toEqual(logIds(receiver.logs));
    expect(stderr.text()).toBe("");
  });

  it("span and log sinks sharing the file never interleave partial lines (2000 calls)", async () => {
    const path = join(TMP, "many", "coat.jsonl");
    const telemetry = registerLive({
      env: { ENVPOD_COAT_FILE: path, OTEL_BLRP_MAX_QUEUE_SIZE: "20000", OTEL_BLRP_MAX_EXPORT_BATCH_SIZE: "64", OTEL_BLRP_SCHEDULE_DELAY: "1" },
      stderr: false,
      capture: "raw",
    });
    const padding = "x".repeat(700);
    const work = coat(Op.TOOL, function work(i: number) {
      tie("mid", { i, padding });
      return { i, padding };
    });
    for (let round = 0; round < 10; round++) {
      for (let i = 0; i < 200; i++) work(round * 200 + i);
      await sleep(2); // let both batch processors export while the next round is recorded
    }
    await telemetry.shutdown();
    const file = readOtlpJsonl(path);
    expect(file.spans).toHaveLength(2000);
    expect(new Set(file.spans.map((s) => s.spanId)).size).toBe(2000);
    expect(file.logs).toHaveLength(6000);
    expect(file.lines.filter((l) => l.startsWith('{"resourceSpans"')).length).toBeGreaterThan(1);
    expect(file.lines.filter((l) => l.startsWith('{"resourceLogs"')).length).toBeGreaterThan(10);
    expect(new Set(file.spans.map((s) => s.attributes["input.value"])).size).toBe(2000);
  });

  it("two sinks appending to one file through different paths (as two processes would) keep whole lines", async () => {
    const dir = join(TMP, "two-writers");
    mkdirSync(dir, { recursive: true });
    const path = join(dir, "coat.jsonl");
    writeFileSync(path, "");
    symlinkSync(path, join(dir, "link.jsonl"));
    // Each path is its own JsonlFile with its own O_APPEND handle: nothing in-process orders them.
    const a = new FileSpanExporter(path);
    const b = new FileSpanExporter(join(dir, "link.jsonl"));
    const spans: ReadableSpan[] = [];
    const grab = { onStart: () => undefined, onEnd: (s: ReadableSpan) => void spans.push(s), forceFlush: async () => undefined, shutdown: async () => undefined };
    const withGrab = registerLive({ env: {}, stderr: false, spanProcessors: [grab] });
    const work = coat(Op.TOOL, function work(i: number) {
      return i;
    });
    for (let i = 0; i < 40; i++) work(i);
    await withGrab.forceFlush();
    expect(spans).toHaveLength(40);
    const results: number[] = [];
    const exports: Promise<void>[] = [];
    for (let i = 0; i < 400; i++) {
      const exporter = i % 2 === 0 ? a : b;
      exports.push(new Promise<void>((resolve) => exporter.export(spans, (r) => resolve(void results.push(r.code)))));
    }
    await Promise.all(exports);
    await Promise.all([a.shutdown(), b.shutdown()]);
    expect(results.every((code) => code === ExportResultCode.SUCCESS)).toBe(true);
    const file = readOtlpJsonl(path);
    expect(file.lines).toHaveLength(400);
    expect(file.spans).toHaveLength(400 * 40);
  });
});

describe("file sink: batch settings and empty batches", () => {
  it("OTEL_BLRP_MAX_EXPORT_BATCH_SIZE=0 / OTEL_BLRP_MAX_QUEUE_SIZE=0 are refused with a warning, not spun on", async () => {
    for (const name of ["OTEL_BLRP_MAX_EXPORT_BATCH_SIZE", "OTEL_BLRP_MAX_QUEUE_SIZE"]) {
      const path = join(TMP, `zero-${name}.jsonl`);
      const telemetry = registerLive({ env: { ENVPOD_COAT_FILE: path, [name]: "0" }, stderr: false });
      await nestedWorkload();
      const flushed = await Promise.race([telemetry.forceFlush().then(() => true), sleep(3000).then(() => false)]);
      expect(flushed, `forceFlush with ${name}=0`).toBe(true);
      await telemetry.shutdown();
      live = undefined;
      const file = readOtlpJsonl(path);
      expect(file.spans).toHaveLength(2);
      expect(file.logs).toHaveLength(5);
      expect(file.lines.length).toBeLessThan(10);
      expect(newWarnings().filter((w) => w.includes(`${name}="0"`))).toHaveLength(1);
    }
  });

  it("an empty export writes no line", async () => {
    const path = join(TMP, "empty", "coat.jsonl");
    const exporter = new FileSpanExporter(path);
    const code = await new Promise<ExportResultCode>((resolve) => exporter.export([], (r) => resolve(r.code)));
    await exporter.shutdown();
    expect(code).toBe(ExportResultCode.SUCCESS);
    expect(existsSync(path) ? readFileSync(path, "utf8") : "").toBe("");
  });
});

// ---------------------------------------------------------------------------------------------
// Pod socket
// ---------------------------------------------------------------------------------------------

function podEnv(socket: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { ENVPOD_POD_ID: "pod-7", ENVPOD_SOCKET: socket, ...extra };
}

const socketWarnings = () => newWarnings().filter((w) => w.includes("queue socket"));

describe("pod socket", () => {
  it("sends envelopes as plain JSON lines to the pod's unix socket, nothing on stderr", async () => {
    const server = await lineServer(join(TMP, "pod-ok.sock"));
    const stderr = captureStderr();
    try {
      const telemetry = registerLive({ env: podEnv(server.path) });
      expect(telemetry.destinations).toEqual([`envpod socket ${server.path}`]);
      await workload();
      await telemetry.forceFlush();
      await waitUntil(() => server.text.split("\n").length > 9, "9 envelope lines on the socket");
      await workload();
      await telemetry.shutdown();
      await waitUntil(() => server.text.split("\n").length > 18, "18 envelope lines on the socket");
      const envelopes = jsonLines(server.text);
      expect(envelopes).toHaveLength(18);
      expect(kindsOf(envelopes)).toEqual([...WORKLOAD_KINDS, ...WORKLOAD_KINDS].sort());
      for (const e of envelopes) {
        expect(e.spec).toBe("aotp/0.1");
        expect(e.envpod.pid).toBe(process.pid);
      }
      expect(server.connections).toHaveLength(1);
    } finally {
      stderr.restore();
      await server.close();
    }
    expect(stderr.text()).toBe("");
    expect(newWarnings()).toEqual([]);
  });

  it("a missing socket: one warning, then every envelope on stderr, those queued before the failure included", async () => {
    const path = join(TMP, "no-such-dir", "queue.sock");
    const stderr = captureStderr();
    try {
      const telemetry = registerLive({ env: podEnv(path) });
      await workload();
      await telemetry.forceFlush();
      await waitUntil(() => coatLines(stderr.text()).length >= 9, "9 [coat] lines");
      await workload();
      await telemetry.forceFlush();
      await waitUntil(() => coatLines(stderr.text()).length >= 18, "18 [coat] lines");
      await telemetry.shutdown();
    } finally {
      stderr.restore();
    }
    const envelopes = coatLines(stderr.text());
    expect(kindsOf(envelopes)).toEqual([...WORKLOAD_KINDS, ...WORKLOAD_KINDS].sort());
    expect(socketWarnings()).toHaveLength(1);
    expect(socketWarnings()[0]).toContain(path);
    expect(newWarnings()).toHaveLength(1);
  });

  it("the server closing the connection: one warning, later envelopes on stderr, none lost", async () => {
    const server = await lineServer(join(TMP, "pod-close.sock"));
    const stderr = captureStderr();
    try {
      const telemetry = registerLive({ env: podEnv(server.path) });
      await workload();
      await telemetry.forceFlush();
      await waitUntil(() => jsonLines(server.text).length >= 9, "9 envelope lines on the socket");
      for (const c of server.connections) c.destroy();
      await waitUntil(() => socketWarnings().length > 0, "the fallback warning");
      await workload();
      await workload();
      await telemetry.forceFlush();
      await waitUntil(() => coatLines(stderr.text()).length >= 18, "18 [coat] lines");
      await telemetry.shutdown();
    } finally {
      stderr.restore();
      await server.close();
    }
    const onSocket = jsonLines(server.text);
    const onStderr = coatLines(stderr.text());
    expect(onSocket).toHaveLength(9);
    expect(onStderr).toHaveLength(18);
    expect(kindsOf([...onSocket, ...onStderr])).toEqual([...WORKLOAD_KINDS, ...WORKLOAD_KINDS, ...WORKLOAD_KINDS].sort());
    expect(socketWarnings()).toHaveLength(1);
    expect(newWarnings()).toHaveLength(1);
    expect(server.connections).toHaveLength(1);
  });

  it("a server that never reads: calls stay fast, flush is bounded, the buffer is capped and drops are counted", async () => {
    let paused: Socket | undefined;
    const server = await lineServer(join(TMP, "pod-stall.sock"), (socket) => {
      paused = socket;
      socket.pause();
    });
    const stderr = captureStderr();
    // 2 × 600 envelopes of ~16 KB: more than the 4 MB cap plus one whole export batch (512 records)
    // plus the kernel's buffer, however the batch processor happens to split them.
    const calls = 600;
    const big = "y".repeat(16_000);
    try {
      const telemetry = registerLive({ env: podEnv(server.path), capture: "raw", previewLength: 20_000 });
      const work = coat(Op.TOOL, function work(i: number, payload: string) {
        return `${i}:${payload}`;
      });
      let slowest = 0;
      const t0 = performance.now();
      for (let i = 0; i < calls; i++) {
        const start = performance.now();
        work(i, big);
        slowest = Math.max(slowest, performance.now() - start);
        if (i % 50 === 49) await sleep(5); // exports run between rounds, into the stalled socket
      }
      const total = performance.now() - t0;
      const flushStart = performance.now();
      await telemetry.forceFlush();
      const flushTook = performance.now() - flushStart;
      expect(slowest).toBeLessThan(500);
      expect(total).toBeLessThan(5000);
      expect(flushTook).toBeLessThan(2500);

      const dropWarnings = newWarnings().filter((w) => w.includes("not draining"));
      expect(dropWarnings.length).toBeGreaterThan(0);
      const dropped = Math.max(...dropWarnings.map((w) => Number(/(\d+) envelopes dropped/.exec(w)?.[1] ?? NaN)));
      expect(dropped).toBeGreaterThan(0);
      expect(dropped).toBeLessThan(2 * calls);

      // Now the pod drains: what was not dropped arrives, whole, and nothing was buffered beyond the cap.
      paused!.resume();
      await waitUntil(() => server.text.split("\n").length - 1 + dropped >= 2 * calls, "the socket to drain");
      const received = jsonLines(server.text);
      expect(received.length + dropped).toBe(2 * calls);
      const bytes = Buffer.byteLength(server.text);
      // 4 MB cap + one export batch past it + what the kernel held.
      expect(bytes).toBeLessThan(4 * 1024 * 1024 + 512 * 33_000 + 1024 * 1024);
      expect(bytes).toBeGreaterThan(4 * 1024 * 1024);
      expect(socketWarnings()).toEqual([]);
      await telemetry.shutdown();
    } finally {
      stderr.restore();
      await server.close();
    }
    expect(stderr.text()).toBe("");
  });

  it("a stalled server that then closes: envelopes still waiting in the socket's buffer go to stderr", async () => {
    const server = await lineServer(join(TMP, "pod-stall-close.sock"), (socket) => socket.pause());
    const stderr = captureStderr();
    const calls = 60;
    const big = "z".repeat(16_000);
    try {
      const telemetry = registerLive({ env: podEnv(server.path), capture: "raw", previewLength: 20_000 });
      const work = coat(Op.TOOL, function work(i: number, payload: string) {
        return `${i}:${payload}`;
      });
      for (let i = 0; i < calls; i++) work(i, big);
      await telemetry.forceFlush(); // ~2 MB: more than the kernel holds, less than the 4 MB cap
      for (const c of server.connections) c.destroy();
      await waitUntil(() => socketWarnings().length > 0, "the fallback warning");
      await waitUntil(() => coatLines(stderr.text()).length > 0, "[coat] lines");
      await telemetry.shutdown();
    } finally {
      stderr.restore();
      await server.close();
    }
    const onStderr = coatLines(stderr.text());
    // What the kernel had taken is gone with the connection; the rest, in order and whole, on stderr.
    const order = (e: Envelope) => Number(String((e.payload.preview as { input?: string; output?: string }).input ?? (e.payload.preview as { output: string }).output).match(/\d+/)![0]) * 2 + (e.kind.endsWith("response") ? 1 : 0);
    const positions = onStderr.map(order);
    expect(positions.length).toBeGreaterThan(calls); // more than half of the envelopes were still in userland
    expect(positions).toEqual(Array.from({ length: positions.length }, (_, k) => 2 * calls - positions.length + k));
    expect(socketWarnings()).toHaveLength(1);
  });

  it("a server still stalled at shutdown: shutdown is bounded and what it held goes to stderr", async () => {
    const server = await lineServer(join(TMP, "pod-stall-shutdown.sock"), (socket) => socket.pause());
    const stderr = captureStderr();
    const calls = 60;
    const big = "w".repeat(16_000);
    let took = 0;
    try {
      const telemetry = registerLive({ env: podEnv(server.path), capture: "raw", previewLength: 20_000 });
      const work = coat(Op.TOOL, function work(i: number, payload: string) {
        return `${i}:${payload}`;
      });
      for (let i = 0; i < calls; i++) work(i, big);
      const start = performance.now();
      await telemetry.shutdown();
      took = performance.now() - start;
    } finally {
      stderr.restore();
      await server.close();
    }
    expect(took).toBeLessThan(2500);
    const onStderr = coatLines(stderr.text());
    expect(onStderr.length).toBeGreaterThan(calls);
    expect(new Set(onStderr.map((e) => `${e.ids.span_id}/${e.kind}`)).size).toBe(onStderr.length);
    expect(socketWarnings()).toHaveLength(1);
    expect(socketWarnings()[0]).toContain("not drained at shutdown");
  });
});

// ---------------------------------------------------------------------------------------------
// OTLP protocol switch
// ---------------------------------------------------------------------------------------------

describe("OTEL_EXPORTER_OTLP_PROTOCOL switches the exporters", () => {
  let receiver: OtlpReceiver;
  beforeAll(async () => {
    receiver = await startOtlpReceiver();
  });
  afterAll(async () => {
    await receiver.close();
  });
  beforeEach(() => receiver.reset());

  async function roundTrip(env: NodeJS.ProcessEnv): Promise<{ destinations: readonly string[] }> {
    const stderr = captureStderr();
    try {
      const telemetry = registerLive({ env });
      await nestedWorkload();
      await telemetry.forceFlush();
      await receiver.waitForSpans(2);
      await receiver.waitForLogs(5);
      await telemetry.shutdown();
      expect(receiver.errors).toEqual([]);
      expect(receiver.spans.map((s) => s.name).sort()).toEqual(["agentRun", "lookup"]);
      return { destinations: telemetry.destinations };
    } finally {
      stderr.restore();
      expect(stderr.text()).toBe("");
    }
  }

  const transports = (signal: "traces" | "logs") => [...new Set(receiver.requests.filter((r) => r.signal === signal).map((r) => r.transport))];

  it("unset: http/protobuf", async () => {
    const { destinations } = await roundTrip({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.httpUrl });
    expect(transports("traces")).toEqual(["http/protobuf"]);
    expect(transports("logs")).toEqual(["http/protobuf"]);
    expect(destinations).toEqual([`otlp http/protobuf traces → ${receiver.httpUrl}/v1/traces`, `otlp http/protobuf logs → ${receiver.httpUrl}/v1/logs`]);
  });

  it("http/json", async () => {
    await roundTrip({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.httpUrl, OTEL_EXPORTER_OTLP_PROTOCOL: "http/json" });
    expect(transports("traces")).toEqual(["http/json"]);
    expect(transports("logs")).toEqual(["http/json"]);
    expect(receiver.requests.map((r) => r.path).sort()).toEqual(expect.arrayContaining(["/v1/logs", "/v1/traces"]));
  });

  it("grpc", async () => {
    const { destinations } = await roundTrip({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.grpcUrl, OTEL_EXPORTER_OTLP_PROTOCOL: "grpc" });
    expect(transports("traces")).toEqual(["grpc"]);
    expect(transports("logs")).toEqual(["grpc"]);
    expect(destinations).toEqual([`otlp grpc traces → ${receiver.grpcUrl}`, `otlp grpc logs → ${receiver.grpcUrl}`]);
  });

  it("per signal: OTEL_EXPORTER_OTLP_{TRACES,LOGS}_PROTOCOL win over OTEL_EXPORTER_OTLP_PROTOCOL", async () => {
    await roundTrip({
      OTEL_EXPORTER_OTLP_PROTOCOL: "http/protobuf",
      OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: "grpc",
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: receiver.grpcUrl,
      OTEL_EXPORTER_OTLP_LOGS_PROTOCOL: "http/json",
      OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: `${receiver.httpUrl}/v1/logs`,
    });
    expect(transports("traces")).toEqual(["grpc"]);
    expect(transports("logs")).toEqual(["http/json"]);
  });

  it("an unknown protocol: one warning per signal, http/protobuf", async () => {
    await roundTrip({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.httpUrl, OTEL_EXPORTER_OTLP_PROTOCOL: "carrier-pigeon" });
    expect(transports("traces")).toEqual(["http/protobuf"]);
    expect(transports("logs")).toEqual(["http/protobuf"]);
    expect(newWarnings().filter((w) => w.includes("carrier-pigeon"))).toHaveLength(2);
  });
});

// ---------------------------------------------------------------------------------------------
// Child processes: the real stderr, stdout and exit of an agent
// ---------------------------------------------------------------------------------------------

interface ChildRun {
  code: number | null;
  pid: number;
  stdout: string;
  stderr: string;
}

function runFixture(env: Record<string, string>): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    // A clean environment: no OTEL_* or ENVPOD_* leaks in from the test runner.
    const child = spawn(process.execPath, [FIXTURE], {
      cwd: TMP,
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? TMP, COAT_ENTRY: ENTRY, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (c: string) => (stdout += c));
    child.stderr.setEncoding("utf8").on("data", (c: string) => (stderr += c));
    const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, pid: child.pid!, stdout, stderr });
    });
  });
}

const FIXTURE_STDOUT = 'fixture stdout [{"id":"re_1","amount":10},{"id":"re_1","amount":20},"card declined"]\n';
const WHO = { ENVPOD_AGENT_ID: "agent-42", ENVPOD_AGENT_ROLE: "refunder" };

describe("child process: stderr lines, stdout, exit", () => {
  beforeAll(async () => {
    await built;
  });

  for (const exit of ["shutdown", "natural"] as const) {
    it(`no endpoint, no pod: one [coat] line per envelope on stderr (${exit === "shutdown" ? "awaits shutdown()" : "ends without shutdown()"})`, async () => {
      const run = await runFixture({ ...WHO, COAT_FIXTURE_EXIT: exit });
      expect(run.code).toBe(0);
      expect(run.stdout).toBe(`${FIXTURE_STDOUT}destinations ["stderr"]\n`);
      const envelopes = coatLines(run.stderr); // throws on any stderr line that is not `[coat] {json}`
      expect(envelopes).toHaveLength(9);
      expectWorkloadEnvelopes(envelopes, { pid: run.pid, agentId: "agent-42", agentRole: "refunder" });
    });
  }

  it("with OTEL_EXPORTER_OTLP_ENDPOINT: nothing on stderr, everything at the endpoint", async () => {
    const receiver = await startOtlpReceiver();
    try {
      const run = await runFixture({ ...WHO, COAT_FIXTURE_EXIT: "natural", OTEL_EXPORTER_OTLP_ENDPOINT: receiver.httpUrl });
      expect(run.code).toBe(0);
      expect(run.stderr).toBe("");
      expect(run.stdout).toBe(`${FIXTURE_STDOUT}destinations ${JSON.stringify([`otlp http/protobuf traces → ${receiver.httpUrl}/v1/traces`, `otlp http/protobuf logs → ${receiver.httpUrl}/v1/logs`])}\n`);
      expect(receiver.spans).toHaveLength(3);
      expect(receiver.logs).toHaveLength(9);
      const envelopes = receiver.logs.map((l) => JSON.parse(JSON.stringify(l.body, (_k, v: unknown) => (typeof v === "bigint" ? Number(v) : v))) as Envelope);
      expectWorkloadEnvelopes(envelopes, { pid: run.pid, agentId: "agent-42", agentRole: "refunder" });
    } finally {
      await receiver.close();
    }
  });

  for (const exit of ["shutdown", "natural"] as const) {
    it(`in a pod: JSON lines on the socket, nothing on stderr (${exit === "shutdown" ? "awaits shutdown()" : "ends without shutdown()"})`, async () => {
      const server = await lineServer(join(TMP, `child-${exit}.sock`));
      try {
        const run = await runFixture({ ...WHO, COAT_FIXTURE_EXIT: exit, ENVPOD_POD_ID: "pod-7", ENVPOD_SOCKET: server.path });
        expect(run.code).toBe(0);
        expect(run.stderr).toBe("");
        expect(run.stdout).toBe(`${FIXTURE_STDOUT}destinations ${JSON.stringify([`envpod socket ${server.path}`])}\n`);
        await waitUntil(() => server.text.split("\n").length > 9, "9 lines on the socket", 3000).catch(() => undefined);
        const envelopes = jsonLines(server.text);
        expect(envelopes).toHaveLength(9);
        expectWorkloadEnvelopes(envelopes, { pid: run.pid, agentId: "agent-42", agentRole: "refunder", podId: "pod-7" });
      } finally {
        await server.close();
      }
    });
  }

  it("in a pod without its socket: every envelope on stderr", async () => {
    const run = await runFixture({ ...WHO, COAT_FIXTURE_EXIT: "natural", ENVPOD_POD_ID: "pod-7", ENVPOD_SOCKET: join(TMP, "absent.sock") });
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`${FIXTURE_STDOUT}destinations ${JSON.stringify([`envpod socket ${join(TMP, "absent.sock")}`])}\n`);
    // With no diag logger, the fallback is said once on stderr itself, before the envelopes.
    const lines = run.stderr.split("\n");
    expect(lines.filter((line) => line.startsWith("agent-coat: envpod queue socket"))).toHaveLength(1);
    const envelopes = coatLines(lines.filter((line) => !line.startsWith("agent-coat: ")).join("\n"));
    expectWorkloadEnvelopes(envelopes, { pid: run.pid, agentId: "agent-42", agentRole: "refunder", podId: "pod-7" });
  });
});
