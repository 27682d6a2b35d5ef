// Per-call cost of coat() beside a hand-written OpenTelemetry span carrying the same
// OpenInference attributes, in one process, interleaved rounds, medians and ratios.
// Real batch processors; the exporters discard. Run: npm run build && node bench/overhead.mjs [--json]
import { SemanticConventions as SC } from "@arizeai/openinference-semantic-conventions";
import { context, trace } from "@opentelemetry/api";
import { logs } from "@opentelemetry/api-logs";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { ExportResultCode } from "@opentelemetry/core";
import { BatchLogRecordProcessor, LoggerProvider } from "@opentelemetry/sdk-logs";
import { BasicTracerProvider, BatchSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { Op, coat, coatSpanProcessors } from "agent-coat";

const discard = { export: (_items, done) => done({ code: ExportResultCode.SUCCESS }), shutdown: async () => {}, forceFlush: async () => {} };
const big = { maxQueueSize: 1 << 20, maxExportBatchSize: 512, scheduledDelayMillis: 200 };
context.setGlobalContextManager(new AsyncLocalStorageContextManager());
const tracerProvider = new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor(discard, big)] });
const loggerProvider = new LoggerProvider({ processors: [new BatchLogRecordProcessor({ exporter: discard, ...big })] });
trace.setGlobalTracerProvider(tracerProvider);
logs.setGlobalLoggerProvider(loggerProvider);

const args = { city: "Lisbon", units: "metric", history: Array.from({ length: 12 }, (_, i) => ({ day: i, note: "x".repeat(60) })) };
function getWeather(a) {
  return a.city.length;
}
const tracer = trace.getTracer("bench");
function rawOtel(a) {
  return tracer.startActiveSpan("getWeather", { attributes: { [SC.OPENINFERENCE_SPAN_KIND]: "TOOL", [SC.TOOL_NAME]: "getWeather", [SC.INPUT_MIME_TYPE]: "application/json" } }, (span) => {
    try {
      return getWeather(a);
    } finally {
      span.end();
    }
  });
}
const settings = (capture, logsOn) => coatSpanProcessors({ capture, logs: logsOn, env: {} });
const variants = {
  bare: { run: getWeather, before: () => {} },
  raw_otel_span: { run: rawOtel, before: () => {} },
  coat_none_logs_off: { run: coat(Op.TOOL, getWeather), before: () => settings("none", false) },
  coat_none_logs_on: { run: coat(Op.TOOL, getWeather), before: () => settings("none", true) },
  coat_raw_logs_on: { run: coat(Op.TOOL, getWeather), before: () => settings("raw", true) },
};

const quick = process.argv.includes("--quick");
const rounds = quick ? 5 : 15;
const calls = quick ? 5_000 : 20_000;
const samples = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
for (let round = 0; round < rounds; round++) {
  for (const [name, v] of Object.entries(variants)) {
    v.before();
    const start = process.hrtime.bigint();
    for (let i = 0; i < calls; i++) v.run(args);
    samples[name].push(Number(process.hrtime.bigint() - start) / calls / 1000);
    await tracerProvider.forceFlush();
    await loggerProvider.forceFlush();
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const medians = Object.fromEntries(Object.entries(samples).map(([k, xs]) => [k, median(xs.slice(1))]));
const ratios = {
  coat_none_logs_off_vs_raw_otel: medians.coat_none_logs_off / medians.raw_otel_span,
  coat_none_logs_on_vs_raw_otel: medians.coat_none_logs_on / medians.raw_otel_span,
  coat_raw_logs_on_vs_raw_otel: medians.coat_raw_logs_on / medians.raw_otel_span,
};
if (process.argv.includes("--json")) console.log(JSON.stringify({ node: process.version, rounds, calls, medians_us: medians, ratios }));
else {
  console.log(`per sync call, median of ${rounds - 1} rounds × ${calls} calls (µs), Node ${process.version}`);
  for (const [k, v] of Object.entries(medians)) console.log(`  ${k.padEnd(22)} ${v.toFixed(2)}`);
  for (const [k, v] of Object.entries(ratios)) console.log(`  ${k.padEnd(32)} ×${v.toFixed(2)}`);
}
await tracerProvider.shutdown();
await loggerProvider.shutdown();
