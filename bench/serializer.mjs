// OTLP protobuf serialization of coat-shaped batches: OTel's ProtobufTrace/LogsSerializer beside
// agent-coat's own (src/export), 512 spans and 512 log records per batch, as load.mjs makes them
// (register() + coat()-wrapped searchFlights, capture "redacted", logs on). One process,
// interleaved rounds, medians; checks both write the same bytes.
// Run: npm run build && node bench/serializer.mjs [--json] [--quick]
import { ProtobufLogsSerializer, ProtobufTraceSerializer } from "@opentelemetry/otlp-transformer";
import { ExportResultCode } from "@opentelemetry/core";
import { Op, coat, register } from "agent-coat";
import { logsProtobufSerializer } from "../dist/esm/export/logs-serializer.js";
import { traceProtobufSerializer } from "../dist/esm/export/trace-serializer.js";
import { args, searchFlights } from "./workload.mjs";

const BATCH = 512;
const quick = process.argv.includes("--quick");
const rounds = quick ? 7 : 21;
const perRound = quick ? 5 : 20;

class Keep {
  items = [];
  export(items, done) {
    this.items.push(...items);
    done({ code: ExportResultCode.SUCCESS });
  }
  async shutdown() {}
  async forceFlush() {}
}
const spans = new Keep();
const logs = new Keep();
const telemetry = register({ serviceName: "bench", capture: "redacted", logs: true, spanExporters: [spans], logExporters: [logs], stderr: false, file: false, env: {} });
const search = coat(Op.TOOL, { description: "Search flights" }, searchFlights);
for (let i = 0; i < BATCH; i++) search(args);
await telemetry.forceFlush();
await telemetry.shutdown();
const spanBatch = spans.items.filter((s) => s.name === "searchFlights").slice(0, BATCH);
const logBatch = logs.items.slice(0, BATCH);
if (spanBatch.length < BATCH || logBatch.length < BATCH) throw new Error(`captured ${spanBatch.length} spans, ${logBatch.length} log records`);

const cases = {
  spans: { batch: spanBatch, otel: ProtobufTraceSerializer, ours: traceProtobufSerializer },
  logs: { batch: logBatch, otel: ProtobufLogsSerializer, ours: logsProtobufSerializer },
};
for (const [name, c] of Object.entries(cases)) {
  const a = c.otel.serializeRequest(c.batch);
  const b = c.ours.serializeRequest(c.batch);
  if (Buffer.compare(a, b) !== 0) throw new Error(`${name}: outputs differ (${a.length} vs ${b.length} bytes)`);
  c.bytes = a.length;
}

const samples = {};
for (const name of Object.keys(cases)) for (const impl of ["otel", "ours"]) samples[`${name}:${impl}`] = [];
let sink = 0;
for (let round = 0; round < rounds; round++) {
  for (const [name, c] of Object.entries(cases)) {
    const order = round % 2 ? ["ours", "otel"] : ["otel", "ours"];
    for (const impl of order) {
      const serializer = c[impl];
      const start = process.hrtime.bigint();
      for (let i = 0; i < perRound; i++) sink += serializer.serializeRequest(c.batch).length;
      samples[`${name}:${impl}`].push(Number(process.hrtime.bigint() - start) / perRound / 1000);
    }
  }
}
if (sink === 0) throw new Error("nothing serialized");

const median = (xs) => [...xs].sort((x, y) => x - y)[xs.length >> 1];
const result = {};
for (const [name, c] of Object.entries(cases)) {
  // The first round warms up the JIT.
  const otel = median(samples[`${name}:otel`].slice(1));
  const ours = median(samples[`${name}:ours`].slice(1));
  result[name] = { records: BATCH, bytes: c.bytes, otel_us: Math.round(otel), ours_us: Math.round(ours), speedup: Number((otel / ours).toFixed(2)), identical: true };
}
if (process.argv.includes("--json")) console.log(JSON.stringify(result));
else {
  console.log(`batches of ${BATCH}, median µs per batch over ${rounds - 1} rounds of ${perRound}; outputs byte-identical`);
  for (const [name, r] of Object.entries(result)) {
    console.log(`${name.padEnd(6)} ${String(r.bytes).padStart(8)} B   OTel ${String(r.otel_us).padStart(6)} µs   ours ${String(r.ours_us).padStart(6)} µs   ${r.speedup}×`);
  }
}
