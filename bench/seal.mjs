// Cost of sealing and of verifying.
//   1. µs per sealed span (a typical coat span: 25 attributes, 1 event) and per sealed log record
//      (an AOT envelope body, 20 attributes): the same records with and without the seal processor,
//      interleaved rounds, medians; the difference is what sealing adds.
//   2. verification of --records records (default 1 000 000, half spans, half log records) from an
//      OTLP JSON lines file as the file sink writes it: records/s, median of --runs runs (default 3).
// Verification time includes reading the file and JSON.parse. --keep keeps the generated file.
// Run: npm run build && node bench/seal.mjs [--quick] [--records N] [--runs N] [--keep] [--json]
import { JsonLogsSerializer, JsonTraceSerializer } from "@opentelemetry/otlp-transformer";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { LoggerProvider } from "@opentelemetry/sdk-logs";
import { BasicTracerProvider } from "@opentelemetry/sdk-trace-base";
import { generateKeyPairSync } from "node:crypto";
import { closeSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SealLogRecordProcessor, SealSpanProcessor, verifyFiles } from "agent-coat";

const argv = process.argv.slice(2);
const option = (name, fallback) => {
  const i = argv.indexOf(name);
  return i >= 0 ? Number(argv[i + 1]) : fallback;
};
const quick = argv.includes("--quick");
const RECORDS = option("--records", quick ? 100_000 : 1_000_000);
const RUNS = option("--runs", quick ? 1 : 3);
const ROUNDS = quick ? 5 : 15;
const PER_ROUND = quick ? 2_000 : 10_000;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const resource = resourceFromAttributes({ "service.name": "bench-agent", "host.name": "bench" });
const key = generateKeyPairSync("ed25519").privateKey;
const nothing = { onStart() {}, onEnd() {}, onEmit() {}, forceFlush: async () => {}, shutdown: async () => {} };

// ~25 attributes as coat() writes them for a tool call with raw capture.
const preview = JSON.stringify({ city: "Lisbon", units: "metric", days: [1, 2, 3] });
function spanAttributes(i) {
  return {
    "openinference.span.kind": "TOOL", "aotp.spec": "aotp/0.1", "aotp.op": "agent.tool", "aotp.session_id": "sess_5f0c2a9e1b7d4c3a",
    "aotp.run_id": "run_8e1d2c3b4a5f6e7d", "aotp.step_id": `step_${i.toString(16).padStart(16, "0")}`, "session.id": "sess_5f0c2a9e1b7d4c3a",
    "envpod.op": "tool", "envpod.fn": "getWeather", "envpod.pid": process.pid, "envpod.capture.mode": "raw", "envpod.claim_kind": "anonymous",
    "envpod.anonymous.fingerprint": "anon_pid4242_uid1000_sesssess_5f0c2a9e1b7d4c3a", "envpod.intent": "Look the weather up", "envpod.action": "weather.get",
    "tool.name": "getWeather", "tool.description": "Current weather for a city", "tool.parameters": '{"type":"object","properties":{"city":{"type":"string"}}}',
    "input.value": preview, "input.mime_type": "application/json", "output.value": '{"city":"Lisbon","tempC":21}', "output.mime_type": "application/json",
    "llm.token_count.prompt": 1200, "llm.token_count.completion": 310, "llm.token_count.total": 1510,
  };
}
const envelope = (i) => ({
  spec: "aotp/0.1", kind: "agent.tool.request", ts: new Date(1_795_000_000_000 + i).toISOString(),
  ids: { session_id: "sess_5f0c2a9e1b7d4c3a", run_id: "run_8e1d2c3b4a5f6e7d", step_id: `step_${i}`, trace_id: "0af7651916cd43dd8448eb211c80319c", span_id: "b7ad6b7169203331", parent_span_id: "" },
  subject: { agent_id: "", agent_role: "", framework: "agent-coat", framework_version: "0.1.0" },
  capture: { mode: "raw" }, payload: { fn: "getWeather", preview: { input: preview } },
});
const logAttributes = (i) => Object.fromEntries(Object.entries(spanAttributes(i)).slice(0, 20));

function providers(sealed, spanNext = nothing, logNext = nothing, checkpointEvery = 1000) {
  const seal = { key, checkpointEvery, checkpointIntervalMs: 0 };
  const tracerProvider = new BasicTracerProvider({ resource, spanProcessors: [sealed ? new SealSpanProcessor({ ...seal, next: [spanNext] }) : spanNext], spanLimits: { attributeCountLimit: 128 } });
  const loggerProvider = new LoggerProvider({ resource, processors: [sealed ? new SealLogRecordProcessor({ ...seal, next: [logNext] }) : logNext] });
  return { tracer: tracerProvider.getTracer("bench", "1.0.0"), logger: loggerProvider.getLogger("bench", "1.0.0"), tracerProvider, loggerProvider };
}

function oneSpan(tracer, i) {
  const span = tracer.startSpan("getWeather", { attributes: spanAttributes(i) });
  span.addEvent("batch", { "envpod.tie.name": "batch", "envpod.tie.data": '{"i":3,"size":2}' });
  span.end();
}
const oneLog = (logger, i) => logger.emit({ eventName: "agent.tool.request", severityNumber: 9, severityText: "INFO", body: envelope(i), attributes: logAttributes(i) });

// ---- 1. per-record cost of sealing ----
const variants = {
  span_plain: { p: providers(false), run: (p, i) => oneSpan(p.tracer, i) },
  span_sealed: { p: providers(true), run: (p, i) => oneSpan(p.tracer, i) },
  log_plain: { p: providers(false), run: (p, i) => oneLog(p.logger, i) },
  log_sealed: { p: providers(true), run: (p, i) => oneLog(p.logger, i) },
};
const samples = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
for (let round = 0; round < ROUNDS; round++) {
  for (const [name, v] of Object.entries(variants)) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < PER_ROUND; i++) v.run(v.p, i);
    samples[name].push(Number(process.hrtime.bigint() - start) / PER_ROUND / 1000);
  }
}
const perRecord = Object.fromEntries(Object.entries(samples).map(([k, xs]) => [k, median(xs.slice(1))]));
const sealCost = { span: perRecord.span_sealed - perRecord.span_plain, log: perRecord.log_sealed - perRecord.log_plain };

// ---- 2. verification of RECORDS records ----
const dir = mkdtempSync(join(tmpdir(), "coat-seal-bench-"));
const file = join(dir, "sealed.jsonl");
const fd = openSync(file, "w");
const writer = (serialize) => {
  let batch = [];
  const flush = () => {
    if (batch.length > 0) writeSync(fd, Buffer.concat([serialize(batch), Buffer.from("\n")]));
    batch = [];
  };
  return { onStart() {}, onEnd: (r) => batch.push(r) >= 512 && flush(), onEmit: (r) => batch.push(r) >= 512 && flush(), forceFlush: async () => {}, shutdown: async () => flush() };
};
const generateStart = process.hrtime.bigint();
const gen = providers(true, writer((b) => JsonTraceSerializer.serializeRequest(b)), writer((b) => JsonLogsSerializer.serializeRequest(b)));
for (let i = 0; i < RECORDS / 2; i++) {
  oneSpan(gen.tracer, i);
  oneLog(gen.logger, i);
}
await gen.tracerProvider.shutdown();
await gen.loggerProvider.shutdown();
closeSync(fd);
const generateSeconds = Number(process.hrtime.bigint() - generateStart) / 1e9;
const bytes = statSync(file).size;

const verifyRates = [];
let verified;
for (let run = 0; run < RUNS; run++) {
  const start = process.hrtime.bigint();
  verified = await verifyFiles([file]);
  verifyRates.push(verified.chains.reduce((n, c) => n + c.records, 0) / (Number(process.hrtime.bigint() - start) / 1e9));
}
if (argv.includes("--keep")) console.error(`kept ${file}`);
else rmSync(dir, { recursive: true, force: true });
if (!verified.ok) throw new Error(`bench file did not verify: ${JSON.stringify(verified.chains.map((c) => c.error))}`);
const records = verified.chains.reduce((n, c) => n + c.records, 0);

const result = {
  node: process.version,
  per_record_us: perRecord,
  seal_cost_us: sealCost,
  verify: { records, file_mb: bytes / 1e6, runs: RUNS, records_per_s_median: median(verifyRates), records_per_s: verifyRates, generate_s: generateSeconds },
};
if (argv.includes("--json")) console.log(JSON.stringify(result));
else {
  console.log(`sealing, median of ${ROUNDS - 1} rounds × ${PER_ROUND} records (µs per record), Node ${process.version}`);
  for (const [k, v] of Object.entries(perRecord)) console.log(`  ${k.padEnd(12)} ${v.toFixed(2)}`);
  console.log(`  seal adds    ${sealCost.span.toFixed(2)} per span, ${sealCost.log.toFixed(2)} per log record`);
  console.log(`verification of ${records} records (${(bytes / 1e6).toFixed(0)} MB of OTLP JSON lines), median of ${RUNS} runs`);
  console.log(`  ${Math.round(median(verifyRates)).toLocaleString("en")} records/s  (runs: ${verifyRates.map((r) => Math.round(r)).join(", ")})`);
}
