// A standalone OTLP/HTTP (protobuf) receiver that only counts, for the throughput and memory
// benchmarks. Loopback only. Run: node bench/receiver.mjs --port N [--decode wire|protobufjs|both]
// Prints {"port":N} once listening; GET /counts answers {spans, logs, checkpoints, requests, bytes}.
// --decode wire (default) walks the protobuf wire format for the few fields it needs, which is
// far cheaper than a full decode; protobufjs decodes with test/support/otlp-min.proto; both runs
// the two and counts disagreements in /counts.mismatches (0 expected).
// It exits when its stdin closes, so that it dies with its parent: run by hand, keep stdin open
// (a terminal, or `sleep infinity | node bench/receiver.mjs ...`), not </dev/null.
import * as http from "node:http";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import * as zlib from "node:zlib";
import protobuf from "protobufjs";
import { SEAL_CHECKPOINT_NAME } from "agent-coat";

const { values: opts } = parseArgs({ options: { port: { type: "string", default: "0" }, decode: { type: "string", default: "wire" }, "fail-every": { type: "string", default: "0" } } });
// --fail-every N: every Nth export request is answered 503 and not counted (a flaky collector).
const failEvery = Number(opts["fail-every"]);
let posts = 0;
const CHECKPOINT = Buffer.from(SEAL_CHECKPOINT_NAME);
const counts = { spans: 0, logs: 0, checkpoints: 0, requests: 0, bytes: 0, errors: 0, mismatches: 0 };

// Field paths: request -> resource_* (1) -> scope_* (2) -> record (2) -> name (span 5, log record event_name 12).
const NAME_FIELD = { traces: 5, logs: 12 };

function varint(buf, pos) {
  let value = 0;
  let shift = 0;
  for (;;) {
    const b = buf[pos++];
    if (b === undefined) throw new Error("truncated varint");
    value += (b & 0x7f) * 2 ** shift; // multiplication, not <<, so lengths above 2^31 stay right
    if (b < 0x80) return [value, pos];
    shift += 7;
  }
}

/** Calls visit(start, end) for each length-delimited field `field` in buf[start, end). */
function eachField(buf, start, end, field, visit) {
  let pos = start;
  while (pos < end) {
    let key;
    [key, pos] = varint(buf, pos);
    const wire = key & 7;
    if (wire === 0) [, pos] = varint(buf, pos);
    else if (wire === 1) pos += 8;
    else if (wire === 5) pos += 4;
    else if (wire === 2) {
      let len;
      [len, pos] = varint(buf, pos);
      if (key >>> 3 === field) visit(pos, pos + len);
      pos += len;
    } else throw new Error(`unsupported wire type ${wire}`);
    if (pos > end) throw new Error("field runs past its message");
  }
}

function countWire(signal, buf) {
  const out = { records: 0, checkpoints: 0 };
  const nameField = NAME_FIELD[signal];
  eachField(buf, 0, buf.length, 1, (s1, e1) =>
    eachField(buf, s1, e1, 2, (s2, e2) =>
      eachField(buf, s2, e2, 2, (s3, e3) => {
        let checkpoint = false;
        eachField(buf, s3, e3, nameField, (s, e) => {
          checkpoint = e - s === CHECKPOINT.length && CHECKPOINT.equals(buf.subarray(s, e));
        });
        if (checkpoint) out.checkpoints++;
        else out.records++;
      }),
    ),
  );
  return out;
}

let schema;
function countProtobufjs(signal, buf) {
  schema ??= protobuf.loadSync(fileURLToPath(new URL("../test/support/otlp-min.proto", import.meta.url)));
  const out = { records: 0, checkpoints: 0 };
  if (signal === "traces") {
    const req = schema.lookupType("otlp.ExportTraceServiceRequest").decode(buf);
    for (const rs of req.resourceSpans) for (const ss of rs.scopeSpans) for (const span of ss.spans) span.name === SEAL_CHECKPOINT_NAME ? out.checkpoints++ : out.records++;
  } else {
    const req = schema.lookupType("otlp.ExportLogsServiceRequest").decode(buf);
    for (const rl of req.resourceLogs) for (const sl of rl.scopeLogs) for (const log of sl.logRecords) log.eventName === SEAL_CHECKPOINT_NAME ? out.checkpoints++ : out.records++;
  }
  return out;
}

function count(signal, body) {
  if (opts.decode === "protobufjs") return countProtobufjs(signal, body);
  const wire = countWire(signal, body);
  if (opts.decode === "both") {
    const full = countProtobufjs(signal, body);
    if (full.records !== wire.records || full.checkpoints !== wire.checkpoints) counts.mismatches++;
  }
  return wire;
}

const server = http.createServer((req, res) => {
  const path = req.url?.split("?")[0];
  if (req.method === "GET" && path === "/counts") {
    res.writeHead(200, { "content-type": "application/json" });
    return res.end(JSON.stringify(counts));
  }
  const signal = path === "/v1/traces" ? "traces" : path === "/v1/logs" ? "logs" : undefined;
  if (req.method !== "POST" || !signal) {
    res.writeHead(404).end();
    return req.resume();
  }
  if (failEvery > 0 && ++posts % failEvery === 0) {
    counts.failed = (counts.failed ?? 0) + 1;
    res.writeHead(503, { "content-type": "text/plain" }).end("programmed failure");
    return req.resume();
  }
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", () => {
    try {
      const wire = Buffer.concat(chunks);
      const body = req.headers["content-encoding"] === "gzip" ? zlib.gunzipSync(wire) : wire;
      const { records, checkpoints } = count(signal, body);
      counts[signal === "traces" ? "spans" : "logs"] += records;
      counts.checkpoints += checkpoints;
      counts.requests++;
      counts.bytes += wire.length;
      // An empty ExportTraceServiceResponse / ExportLogsServiceResponse encodes to zero bytes.
      res.writeHead(200, { "content-type": "application/x-protobuf", "content-length": 0 }).end();
    } catch (err) {
      counts.errors++;
      process.stderr.write(`receiver: ${path}: ${err}\n`);
      res.writeHead(400, { "content-type": "text/plain" }).end("cannot decode");
    }
  });
});

server.listen(Number(opts.port), "127.0.0.1", () => {
  process.stdout.write(JSON.stringify({ port: server.address().port }) + "\n");
});
server.on("error", (err) => {
  process.stderr.write(`receiver: ${err.message}\n`);
  process.exit(1);
});
const stop = () => process.exit(0);
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
// The parent holds our stdin: when it goes away (even by a crash), so do we.
process.stdin.on("end", stop).on("error", stop).resume();
