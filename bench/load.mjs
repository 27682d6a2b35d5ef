// The application under load, run as a child by bench/throughput.mjs and bench/memory.mjs:
// register() with OTLP http/protobuf export, then coat()-wrapped searchFlights at a steady
// open-loop rate. Prints one JSON line (see `report` at the bottom).
// node bench/load.mjs --traces URL --logs URL --rate R --seconds S [--start-at EPOCH_MS]
// --start-at: begin calling at that wall-clock time (lets a parent line up phases with the run).
// --gc-every S (needs node --expose-gc): every S seconds a full GC, then a memory sample in
// `post_gc`: retained memory without the garbage collector's sawtooth.
import { parseArgs } from "node:util";
import { DiagLogLevel, diag } from "@opentelemetry/api";
import { Op, coat, register } from "agent-coat";
import { args, searchFlights } from "./workload.mjs";

const { values: opts } = parseArgs({
  options: { traces: { type: "string" }, logs: { type: "string" }, rate: { type: "string" }, seconds: { type: "string" }, "start-at": { type: "string" }, "gc-every": { type: "string" }, spool: { type: "string" } },
});
const rate = Number(opts.rate);
const seconds = Number(opts.seconds);
if (!opts.traces || !opts.logs || !(rate > 0) || !(seconds > 0)) {
  console.error("usage: node bench/load.mjs --traces URL --logs URL --rate R --seconds S [--start-at EPOCH_MS]");
  process.exit(2);
}

// Span drops are reported as "Dropped N spans because maxQueueSize reached"; log record drops are
// not reported through diag at all (the receiver's count is the real measure). Failed exports
// reach diag.error through the global error handler.
const diagCounts = { dropped_spans: 0, export_errors: 0, other_warnings: 0, samples: [] };
const note = (level) => (msg, ...rest) => {
  const text = [msg, ...rest].map(String).join(" ");
  const dropped = /Dropped (\d+) spans/.exec(text);
  if (dropped) diagCounts.dropped_spans += Number(dropped[1]);
  else if (level === "error" || /export|fail/i.test(text)) diagCounts.export_errors++;
  else diagCounts.other_warnings++;
  if (diagCounts.samples.length < 5 && !dropped) diagCounts.samples.push(text.slice(0, 200));
};
const noop = () => {};
diag.setLogger({ error: note("error"), warn: note("warn"), info: noop, debug: noop, verbose: noop }, DiagLogLevel.WARN);

const telemetry = register({
  serviceName: "bench",
  capture: "redacted",
  logs: true,
  tracesEndpoint: opts.traces,
  logsEndpoint: opts.logs,
  protocol: "http/protobuf",
  stderr: false,
  file: false,
  // The spool: a directory, or "off" (the default here: the throughput runs measure the send path alone).
  spool: opts.spool && opts.spool !== "off" ? opts.spool : false,
  env: {},
});
const search = coat(Op.TOOL, { description: "Search flights" }, searchFlights);

const median = (xs) => (xs.length ? [...xs].sort((a, b) => a - b)[xs.length >> 1] : null);
const MB = 1024 * 1024;

if (opts["start-at"]) await new Promise((r) => setTimeout(r, Math.max(0, Number(opts["start-at"]) - Date.now())));
const startEpochMs = Date.now();
const startNs = process.hrtime.bigint();
const cpuStart = process.cpuUsage();
const totalDue = Math.round(rate * seconds);
// At most 10 ms worth of calls per tick, so a slow app still yields to the exporters between ticks.
const maxPerTick = Math.max(1, Math.ceil(rate / 100));

let calls = 0;
let rssPeak = 0;
let heapPeak = 0;
const perSecond = Array.from({ length: Math.ceil(seconds) }, () => ({ calls: 0, tickUs: [], rss: 0, heap: 0 }));
const secondAt = (ns) => Math.min(perSecond.length - 1, Number((ns - startNs) / 1_000_000_000n));

const sampleMemory = () => {
  const { rss, heapUsed } = process.memoryUsage();
  rssPeak = Math.max(rssPeak, rss);
  heapPeak = Math.max(heapPeak, heapUsed);
  const slot = perSecond[secondAt(process.hrtime.bigint())];
  slot.rss = Math.max(slot.rss, rss);
  slot.heap = Math.max(slot.heap, heapUsed);
};
sampleMemory();
const sampler = setInterval(sampleMemory, 250);
const postGc = [];
const gcEvery = Number(opts["gc-every"] ?? 0);
if (gcEvery > 0 && typeof globalThis.gc !== "function") console.error("load.mjs: --gc-every needs node --expose-gc; ignored");
const gcSampler =
  gcEvery > 0 && typeof globalThis.gc === "function"
    ? setInterval(() => {
        globalThis.gc();
        const { rss, heapUsed } = process.memoryUsage();
        postGc.push({ t_s: Number((Number(process.hrtime.bigint() - startNs) / 1e9).toFixed(2)), rss_mb: Number((rss / MB).toFixed(1)), heap_mb: Number((heapUsed / MB).toFixed(1)) });
      }, gcEvery * 1000)
    : undefined;

await new Promise((resolve) => {
  const tick = () => {
    const now = process.hrtime.bigint();
    const elapsedS = Number(now - startNs) / 1e9;
    const due = Math.min(totalDue, Math.floor(elapsedS * rate));
    const n = Math.min(due - calls, maxPerTick);
    if (n > 0) {
      for (let i = 0; i < n; i++) search(args);
      const end = process.hrtime.bigint();
      calls += n;
      const slot = perSecond[secondAt(now)];
      slot.calls += n;
      slot.tickUs.push(Number(end - now) / 1000 / n);
    }
    // Open loop: stop at the deadline even if calls are still owed (achieved rate then shows it).
    if (calls >= totalDue || elapsedS >= seconds) resolve();
    else setTimeout(tick, 1);
  };
  tick();
});
const elapsedS = Number(process.hrtime.bigint() - startNs) / 1e9;
const cpu = process.cpuUsage(cpuStart);
sampleMemory();
clearInterval(sampler);
clearInterval(gcSampler);

const flushStart = Date.now();
await telemetry.forceFlush();
await telemetry.shutdown();
const { rss: rssFinal, heapUsed } = process.memoryUsage();

const report = {
  target_rate: rate,
  seconds,
  calls,
  achieved_rate: Math.round(calls / elapsedS),
  start_epoch_ms: startEpochMs,
  elapsed_s: Number(elapsedS.toFixed(3)),
  flush_ms: Date.now() - flushStart,
  cpu_us_per_call: Number(((cpu.user + cpu.system) / Math.max(1, calls)).toFixed(2)),
  rss_peak_mb: Number((rssPeak / MB).toFixed(1)),
  rss_final_mb: Number((rssFinal / MB).toFixed(1)),
  heap_used_peak_mb: Number((heapPeak / MB).toFixed(1)),
  heap_used_final_mb: Number((heapUsed / MB).toFixed(1)),
  diag: diagCounts,
  post_gc: postGc,
  timeline: perSecond.map((s, i) => ({
    second: i,
    calls: s.calls,
    rss_mb: Number((s.rss / MB).toFixed(1)),
    heap_mb: Number((s.heap / MB).toFixed(1)),
    median_us_per_call: s.tickUs.length ? Number(median(s.tickUs).toFixed(2)) : null,
  })),
};
process.stdout.write(JSON.stringify(report) + "\n");
