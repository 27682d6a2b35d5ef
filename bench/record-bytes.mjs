// Bytes per call of the fully-featured tool call (capture redacted by default, logs and sealing
// on): each record's canonical text (what the seal hashes, docs/canonical-form.md) and its
// OTLP/protobuf encoding, summed per signal. Needs `npm run build` (reads dist/).
//   node bench/record-bytes.mjs [--capture none|redacted|hash|raw] [--json]
import { ExportResultCode } from "@opentelemetry/core";
import { Op, SEAL_CHECKPOINT_NAME, coat, register } from "agent-coat";
import { canonicalLogRecord, canonicalSpan } from "../dist/esm/seal/canonical-sdk.js";
import { logsProtobufSerializer } from "../dist/esm/export/logs-serializer.js";
import { traceProtobufSerializer } from "../dist/esm/export/trace-serializer.js";
import { args, searchFlights } from "./workload.mjs";

const argv = process.argv.slice(2);
const captureAt = argv.indexOf("--capture");
const capture = captureAt >= 0 ? argv[captureAt + 1] : "redacted";
const CALLS = 100;

class Keep {
  items = [];
  export(items, done) {
    this.items.push(...items.filter((i) => (i.eventName ?? i.name) !== SEAL_CHECKPOINT_NAME));
    done({ code: ExportResultCode.SUCCESS });
  }
  shutdown() {
    return Promise.resolve();
  }
  forceFlush() {
    return Promise.resolve();
  }
}

const spans = new Keep();
const logs = new Keep();
const telemetry = register({ capture, logs: true, seal: {}, spanExporters: [spans], logExporters: [logs], stderr: false, file: false, env: {} });
const tool = coat(Op.TOOL, { description: "Search flights", parameters: JSON.stringify({ type: "object", properties: { query: { type: "string" } } }) }, searchFlights);
for (let i = 0; i < CALLS; i++) tool(args);
await telemetry.forceFlush();

const sum = (xs) => xs.reduce((n, x) => n + x, 0);
const per = (n) => Math.round(n / CALLS);
const byKind = (suffix) => logs.items.filter((r) => r.eventName.endsWith(suffix));
const canonical = {
  span: per(sum(spans.items.map((s) => canonicalSpan(s).length))),
  request_log: per(sum(byKind(".request").map((r) => canonicalLogRecord(r).length))),
  response_log: per(sum(byKind(".response").map((r) => canonicalLogRecord(r).length))),
};
canonical.total = canonical.span + canonical.request_log + canonical.response_log;
const otlp = {
  spans: per(traceProtobufSerializer.serializeRequest(spans.items).length),
  logs: per(logsProtobufSerializer.serializeRequest(logs.items).length),
};
otlp.total = otlp.spans + otlp.logs;
const result = { capture, calls: CALLS, canonical_bytes_per_call: canonical, otlp_protobuf_bytes_per_call: otlp };
await telemetry.shutdown();
if (argv.includes("--json")) console.log(JSON.stringify(result));
else console.log(JSON.stringify(result, null, 2));
