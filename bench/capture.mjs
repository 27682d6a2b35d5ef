// Cost per record of the capture processors (mode enforcement + secret scrubbing) on spans and
// log records made by another library, beside the same records with no capture processor.
// One process, interleaved rounds, medians. Real batch processors; the exporters discard.
// Run: npm run build && node bench/capture.mjs [--json] [--quick]
import { ExportResultCode } from "@opentelemetry/core";
import { BatchLogRecordProcessor, LoggerProvider } from "@opentelemetry/sdk-logs";
import { BasicTracerProvider, BatchSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { coatLogProcessors, coatSpanProcessors } from "agent-coat";

const discard = { export: (_items, done) => done({ code: ExportResultCode.SUCCESS }), shutdown: async () => {}, forceFlush: async () => {} };
const big = { maxQueueSize: 1 << 20, maxExportBatchSize: 512, scheduledDelayMillis: 200 };
const setup = (capture) => ({ capture, seal: false, env: {}, stderr: false, file: false, spanExporters: [discard], logExporters: [discard] });

// A typical LLM span from an auto-instrumentation: ~1 KB of JSON input, messages, one event.
const input = JSON.stringify({ model: "gpt-4o", temperature: 0.2, messages: [{ role: "system", content: "You are a helpful travel agent. ".repeat(6) }, { role: "user", content: "Find me a hotel in Lisbon near the river for two nights in May, under 200 euros a night, with breakfast. ".repeat(3) }] });
const attributes = {
  "openinference.span.kind": "LLM",
  "llm.model_name": "gpt-4o",
  "llm.provider": "openai",
  "input.value": input,
  "input.mime_type": "application/json",
  "output.value": "I found three hotels by the river that match: Hotel A at 180 euros, Hotel B at 150 euros and Hotel C at 199 euros.",
  "llm.input_messages.0.message.role": "system",
  "llm.input_messages.0.message.content": "You are a helpful travel agent.",
  "llm.input_messages.1.message.role": "user",
  "llm.input_messages.1.message.content": "Find me a hotel in Lisbon near the river for two nights in May.",
  "llm.token_count.prompt": 812,
  "llm.token_count.completion": 64,
  "llm.token_count.total": 876,
  "http.url": "https://api.openai.com/v1/chat/completions",
};

const plain = {
  tracer: new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor(discard, big)] }),
  logger: new LoggerProvider({ processors: [new BatchLogRecordProcessor({ exporter: discard, ...big })] }),
  before: () => {},
};
const modes = ["none", "redacted", "hash", "summary"];
const variants = { no_capture: plain };
for (const mode of modes) {
  variants[mode] = {
    tracer: new BasicTracerProvider({ spanProcessors: coatSpanProcessors(setup(mode)) }),
    logger: new LoggerProvider({ processors: coatLogProcessors(setup(mode)) }),
    before: () => coatSpanProcessors(setup(mode)),
  };
}
for (const v of Object.values(variants)) {
  v.spanTracer = v.tracer.getTracer("some-instrumentation");
  v.log = v.logger.getLogger("some-logger");
}

function span(v) {
  const s = v.spanTracer.startSpan("ChatCompletion", { attributes });
  s.addEvent("first_token", { "llm.token.index": 0 });
  s.end();
}
function log(v) {
  v.log.emit({ body: "user 4821 asked for a hotel in Lisbon near the river, two nights in May", attributes: { "user.region": "eu-west", "request.id": "req-42", "http.status_code": 200 } });
}

const quick = process.argv.includes("--quick");
const rounds = quick ? 5 : 15;
const calls = quick ? 3_000 : 10_000;
const samples = {};
for (const kind of ["span", "log"]) for (const name of Object.keys(variants)) samples[`${kind}:${name}`] = [];
for (let round = 0; round < rounds; round++) {
  for (const [name, v] of Object.entries(variants)) {
    v.before();
    for (const [kind, run] of [["span", span], ["log", log]]) {
      const start = process.hrtime.bigint();
      for (let i = 0; i < calls; i++) run(v);
      samples[`${kind}:${name}`].push(Number(process.hrtime.bigint() - start) / calls / 1000);
    }
    await v.tracer.forceFlush();
    await v.logger.forceFlush();
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const medians = Object.fromEntries(Object.entries(samples).map(([k, xs]) => [k, median(xs.slice(1))]));
const cost = {};
for (const kind of ["span", "log"]) for (const mode of modes) cost[`${kind}:${mode}`] = medians[`${kind}:${mode}`] - medians[`${kind}:no_capture`];
if (process.argv.includes("--json")) console.log(JSON.stringify({ node: process.version, rounds, calls, medians_us: medians, processor_cost_us: cost }));
else {
  console.log(`per record, median of ${rounds - 1} rounds × ${calls} records (µs), Node ${process.version}`);
  console.log(`  ${"".padEnd(10)} ${"span".padStart(8)} ${"+capture".padStart(9)} ${"log".padStart(8)} ${"+capture".padStart(9)}`);
  for (const name of Object.keys(variants)) {
    const c = (kind) => (name === "no_capture" ? "" : cost[`${kind}:${name}`].toFixed(2));
    console.log(`  ${name.padEnd(10)} ${medians[`span:${name}`].toFixed(2).padStart(8)} ${c("span").padStart(9)} ${medians[`log:${name}`].toFixed(2).padStart(8)} ${c("log").padStart(9)}`);
  }
}
for (const v of Object.values(variants)) {
  await v.tracer.shutdown();
  await v.logger.shutdown();
}
