/**
 * Proves the in-process OTLP receiver against the REAL OpenTelemetry JS exporters
 * (http/protobuf, http/json, gRPC), not against itself.
 */
import * as http from "node:http";
import * as net from "node:net";
import * as zlib from "node:zlib";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { context, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type HrTime, type SpanContext } from "@opentelemetry/api";
import { SeverityNumber } from "@opentelemetry/api-logs";
import { resourceFromAttributes } from "@opentelemetry/resources";
import {
  BasicTracerProvider,
  SimpleSpanProcessor,
  type IdGenerator,
  type SpanExporter,
} from "@opentelemetry/sdk-trace-base";
import { LoggerProvider, SimpleLogRecordProcessor, type LogRecordExporter } from "@opentelemetry/sdk-logs";
import { OTLPTraceExporter as ProtoTraceExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import { OTLPTraceExporter as JsonTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { OTLPTraceExporter as GrpcTraceExporter } from "@opentelemetry/exporter-trace-otlp-grpc";
import { OTLPLogExporter as ProtoLogExporter } from "@opentelemetry/exporter-logs-otlp-proto";
import { OTLPLogExporter as JsonLogExporter } from "@opentelemetry/exporter-logs-otlp-http";
import { OTLPLogExporter as GrpcLogExporter } from "@opentelemetry/exporter-logs-otlp-grpc";
import type { CompressionAlgorithm } from "@opentelemetry/otlp-exporter-base";
import {
  startOtlpReceiver,
  type AttrValue,
  type OtlpReceiver,
  type ReceivedLog,
  type ReceivedSpan,
  type ReceivedTransport,
} from "./otlp-receiver.js";

const GZIP = "gzip" as CompressionAlgorithm;
const TRANSPORTS: ReceivedTransport[] = ["http/protobuf", "http/json", "grpc"];

const resource = resourceFromAttributes({ "service.name": "otlp-receiver-test", "service.version": "9.9.9" });

// Times beyond 2^53 ns so that any loss of 64-bit precision shows.
const T_PARENT_START: HrTime = [1_700_000_000, 123_456_789];
const T_CHILD_START: HrTime = [1_700_000_000, 223_456_789];
const T_EVENT: HrTime = [1_700_000_000, 323_456_789];
const T_CHILD_END: HrTime = [1_700_000_000, 423_456_789];
const T_PARENT_END: HrTime = [1_700_000_001, 1];
const nanos = (t: HrTime): bigint => BigInt(t[0]) * 1_000_000_000n + BigInt(t[1]);

/** Deterministic ids (with leading zero bytes, to catch hex padding bugs) so transports compare 1:1. */
function fixedIds(): IdGenerator {
  let trace = 0;
  let span = 0;
  return {
    generateTraceId: () => `000af7651916cd43dd8448eb211c${(++trace).toString(16).padStart(4, "0")}`,
    generateSpanId: () => `00f067aa0ba9${(++span).toString(16).padStart(4, "0")}`,
  };
}

function traceExporter(transport: ReceivedTransport, r: OtlpReceiver, compression?: CompressionAlgorithm): SpanExporter {
  const opts = compression ? { compression } : {};
  switch (transport) {
    case "http/protobuf":
      return new ProtoTraceExporter({ url: `${r.httpUrl}/v1/traces`, ...opts });
    case "http/json":
      return new JsonTraceExporter({ url: `${r.httpUrl}/v1/traces`, ...opts });
    case "grpc":
      return new GrpcTraceExporter({ url: r.grpcUrl, ...opts });
  }
}

function logExporter(transport: ReceivedTransport, r: OtlpReceiver, compression?: CompressionAlgorithm): LogRecordExporter {
  const opts = compression ? { compression } : {};
  switch (transport) {
    case "http/protobuf":
      return new ProtoLogExporter({ url: `${r.httpUrl}/v1/logs`, ...opts });
    case "http/json":
      return new JsonLogExporter({ url: `${r.httpUrl}/v1/logs`, ...opts });
    case "grpc":
      return new GrpcLogExporter({ url: r.grpcUrl, ...opts });
  }
}

const PARENT_ATTRS = {
  "str": "hello",
  "int": 42,
  "neg": -7,
  "big": 2 ** 40,
  "dbl": 3.25,
  "bool": true,
  "no": false,
  "strs": ["a", "b"],
  "ints": [1, 2, 3],
  "dbls": [1.5, 2.5],
  "bools": [true, false],
};

/** Parent SERVER span + child CLIENT span (event, link, error status), exported through `exporter`. */
async function emitSpans(exporter: SpanExporter, shutdown = true): Promise<{ parent: SpanContext; child: SpanContext }> {
  const provider = new BasicTracerProvider({
    resource,
    idGenerator: fixedIds(),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const tracer = provider.getTracer("receiver-test", "1.2.3");
  const parent = tracer.startSpan("parent-op", { kind: SpanKind.SERVER, startTime: T_PARENT_START, attributes: PARENT_ATTRS });
  const child = tracer.startSpan(
    "child-op",
    {
      kind: SpanKind.CLIENT,
      startTime: T_CHILD_START,
      attributes: { "gen_ai.operation.name": "chat", "tokens": 17 },
      links: [{ context: parent.spanContext(), attributes: { "link.reason": "follows" } }],
    },
    trace.setSpan(ROOT_CONTEXT, parent),
  );
  child.addEvent("retrying", { attempt: 2, reason: "timeout" }, T_EVENT);
  child.setStatus({ code: SpanStatusCode.ERROR, message: "upstream failed" });
  child.end(T_CHILD_END);
  parent.end(T_PARENT_END);
  await provider.forceFlush();
  if (shutdown) await provider.shutdown();
  return { parent: parent.spanContext(), child: child.spanContext() };
}

function expectedSpans(ids: { parent: SpanContext; child: SpanContext }): ReceivedSpan[] {
  const common = {
    resource: { "service.name": "otlp-receiver-test", "service.version": "9.9.9" },
    scope: { name: "receiver-test", version: "1.2.3" },
    droppedAttributesCount: 0,
  };
  return [
    {
      traceId: ids.child.traceId,
      spanId: ids.child.spanId,
      parentSpanId: ids.parent.spanId,
      name: "child-op",
      kind: 3, // OTLP SPAN_KIND_CLIENT (= API SpanKind.CLIENT + 1)
      startTimeUnixNano: nanos(T_CHILD_START),
      endTimeUnixNano: nanos(T_CHILD_END),
      attributes: { "gen_ai.operation.name": "chat", "tokens": 17 },
      events: [{ name: "retrying", timeUnixNano: nanos(T_EVENT), attributes: { attempt: 2, reason: "timeout" } }],
      links: [{ traceId: ids.parent.traceId, spanId: ids.parent.spanId, attributes: { "link.reason": "follows" } }],
      status: { code: 2, message: "upstream failed" },
      ...common,
    },
    {
      traceId: ids.parent.traceId,
      spanId: ids.parent.spanId,
      parentSpanId: "",
      name: "parent-op",
      kind: 2, // OTLP SPAN_KIND_SERVER
      startTimeUnixNano: nanos(T_PARENT_START),
      endTimeUnixNano: nanos(T_PARENT_END),
      attributes: PARENT_ATTRS,
      events: [],
      links: [],
      status: { code: 0, message: "" },
      ...common,
    },
  ];
}

const byName = (spans: ReceivedSpan[]) => [...spans].sort((a, b) => a.name.localeCompare(b.name));

const T_LOG: HrTime = [1_700_000_002, 987_654_321];
const T_LOG_OBSERVED: HrTime = [1_700_000_002, 987_654_999];
const LOG_BODY = {
  kind: "tool_call",
  nested: { n: 42, d: 1.5, ok: true, list: ["a", 1, false], deeper: { x: "y" } },
  bytes: new Uint8Array([0, 1, 2, 254, 255]),
};

/** A span whose context the log record is emitted in (same one for all transports). */
const ctxProvider = new BasicTracerProvider({ idGenerator: fixedIds() });
const ctxSpan = ctxProvider.getTracer("ctx").startSpan("ctx-span");

async function emitLog(exporter: LogRecordExporter): Promise<void> {
  const provider = new LoggerProvider({ resource, processors: [new SimpleLogRecordProcessor({ exporter })] });
  const logger = provider.getLogger("receiver-test-logs", "0.0.1");
  logger.emit({
    eventName: "agent.tool.invoked",
    severityNumber: SeverityNumber.WARN,
    severityText: "WARN",
    timestamp: T_LOG,
    observedTimestamp: T_LOG_OBSERVED,
    body: LOG_BODY,
    attributes: { "tool.name": "search", "attempt": 3, "ratio": 0.5, "tags": ["x", "y"] },
    context: trace.setSpan(context.active(), ctxSpan),
  });
  // Note: SimpleLogRecordProcessor.forceFlush() does NOT wait for in-flight exports (unlike
  // SimpleSpanProcessor); shutdown() does, because the OTLP exporter's shutdown awaits them.
  await provider.forceFlush();
  await provider.shutdown();
}

function expectedLog(): ReceivedLog {
  const sc = ctxSpan.spanContext();
  return {
    traceId: sc.traceId,
    spanId: sc.spanId,
    timeUnixNano: nanos(T_LOG),
    observedTimeUnixNano: nanos(T_LOG_OBSERVED),
    severityNumber: 13,
    severityText: "WARN",
    eventName: "agent.tool.invoked",
    body: LOG_BODY as unknown as AttrValue,
    attributes: { "tool.name": "search", "attempt": 3, "ratio": 0.5, "tags": ["x", "y"] },
    resource: { "service.name": "otlp-receiver-test", "service.version": "9.9.9" },
    scope: { name: "receiver-test-logs", version: "0.0.1" },
  };
}

describe("OTLP receiver against the real exporters", () => {
  let receiver: OtlpReceiver;

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
  });
  afterAll(async () => {
    await receiver?.close();
  });
  beforeEach(() => receiver.reset());

  it("listens on 127.0.0.1 with distinct free ports", () => {
    expect(receiver.httpUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(receiver.grpcUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(receiver.httpUrl).not.toBe(receiver.grpcUrl);
  });

  it("decodes spans identically from http/protobuf, http/json and gRPC", async () => {
    const byTransport = new Map<ReceivedTransport, ReceivedSpan[]>();
    for (const transport of TRANSPORTS) {
      receiver.reset();
      const ids = await emitSpans(traceExporter(transport, receiver));
      // SimpleSpanProcessor sends one request per span; they can arrive in either order.
      const spans = byName(await receiver.waitForSpans(2));
      expect(receiver.requests.map((r) => [r.signal, r.transport, r.status])).toEqual([
        ["traces", transport, 200],
        ["traces", transport, 200],
      ]);
      expect(receiver.errors).toEqual([]);
      // Right in detail, including ids (the SDK's own hex ids, leading zeros kept).
      expect(spans).toEqual(expectedSpans(ids));
      const [child, parent] = spans as [ReceivedSpan, ReceivedSpan];
      expect(child.parentSpanId).toBe(parent.spanId);
      expect(child.traceId).toBe(parent.traceId);
      expect(parent.traceId).toMatch(/^00[0-9a-f]{30}$/);
      expect(typeof parent.attributes.int).toBe("number");
      expect(typeof parent.startTimeUnixNano).toBe("bigint");
      byTransport.set(transport, spans);
    }
    expect(byTransport.get("http/json")).toEqual(byTransport.get("http/protobuf"));
    expect(byTransport.get("grpc")).toEqual(byTransport.get("http/protobuf"));
  });

  it("records what crossed the wire: paths, content types, raw bodies", async () => {
    await emitSpans(traceExporter("http/json", receiver));
    await emitSpans(traceExporter("http/protobuf", receiver));
    await emitSpans(traceExporter("grpc", receiver));
    await receiver.waitForSpans(6);
    // One request per span, and the two of one exporter may arrive in either order: take the child's.
    const childRequest = (transport: ReceivedTransport) =>
      receiver.requests.find((r) => r.transport === transport && r.rawBody.includes(Buffer.from("child-op")))!;
    const [json, proto, grpc] = [childRequest("http/json"), childRequest("http/protobuf"), childRequest("grpc")];
    expect(json.path).toBe("/v1/traces");
    expect(json.headers["content-type"]).toBe("application/json");
    // OTLP/JSON from the JS exporter: hex ids, times as decimal strings, ints as JSON numbers.
    const text = json.rawBody.toString("utf8");
    expect(text).toContain('"spanId":"00f067aa0ba90002"');
    expect(text).toContain(`"startTimeUnixNano":"${nanos(T_CHILD_START)}"`);
    expect(text).toContain('"intValue":17');
    expect(proto.headers["content-type"]).toBe("application/x-protobuf");
    expect(proto.rawBody.includes(Buffer.from("00f067aa0ba90002", "hex"))).toBe(true);
    expect(grpc.path).toBe("/opentelemetry.proto.collector.trace.v1.TraceService/Export");
    expect(grpc.headers["user-agent"]).toMatch(/OTel-OTLP-Exporter-JavaScript/);
    const wire = receiver.allWireText();
    expect(wire).toContain("upstream failed");
    expect(wire.split("parent-op").length - 1).toBe(3);
  });

  it("decodes log records identically from http/protobuf, http/json and gRPC", async () => {
    const byTransport = new Map<ReceivedTransport, ReceivedLog[]>();
    for (const transport of TRANSPORTS) {
      receiver.reset();
      await emitLog(logExporter(transport, receiver));
      const logs = await receiver.waitForLogs(1);
      expect(receiver.requests.map((r) => [r.signal, r.transport, r.status])).toEqual([["logs", transport, 200]]);
      expect(logs).toEqual([expectedLog()]);
      const log = logs[0]!;
      expect(log.body).toMatchObject({ nested: { deeper: { x: "y" } } });
      expect((log.body as Record<string, AttrValue>).bytes).toBeInstanceOf(Uint8Array);
      expect(log.traceId).toBe(ctxSpan.spanContext().traceId);
      byTransport.set(transport, logs);
    }
    expect(byTransport.get("http/json")).toEqual(byTransport.get("http/protobuf"));
    expect(byTransport.get("grpc")).toEqual(byTransport.get("http/protobuf"));
    // eventName is a top-level field on the wire (OTLP LogRecord.event_name), not an attribute.
    expect(receiver.requests[0]!.rawBody.toString("latin1")).toContain("agent.tool.invoked");
  });

  it("decodes gzip-compressed exports the same", async () => {
    for (const transport of TRANSPORTS) {
      receiver.reset();
      const ids = await emitSpans(traceExporter(transport, receiver, GZIP));
      await emitLog(logExporter(transport, receiver, GZIP));
      expect(byName(await receiver.waitForSpans(2))).toEqual(expectedSpans(ids));
      expect(await receiver.waitForLogs(1)).toEqual([expectedLog()]);
      for (const req of receiver.requests) {
        if (transport === "grpc") {
          // grpc-js decompresses before the handler and strips grpc-encoding from the metadata:
          // the receiver only sees the decompressed message.
          expect(req.wireBytes).toBe(req.rawBody.length);
        } else {
          expect(req.headers["content-encoding"]).toBe("gzip");
          expect(req.wireBytes).not.toBe(req.rawBody.length);
        }
      }
    }
  });

  it("failNext(1, 503) makes the http exporter retry and the data arrives once", async () => {
    receiver.failNext(1, 503);
    const ids = await emitSpans(traceExporter("http/protobuf", receiver));
    await receiver.waitForSpans(2);
    // The retried child export lands after the parent's.
    expect(receiver.spans.map((s) => s.name)).toEqual(["parent-op", "child-op"]);
    expect(byName(receiver.spans)).toEqual(byName(expectedSpans(ids)));
    // Child export: 503 then 200 (retried after the ~1 s backoff); parent export: 200.
    expect(receiver.requests.map((r) => r.status)).toEqual([503, 200, 200]);
    expect(receiver.requests[0]!.rawBody.equals(receiver.requests[2]!.rawBody)).toBe(true);
  });

  it("Retry-After: 0 makes the retry immediate; failAll(400) is not retried", async () => {
    receiver.failNext(1, 429, { retryAfter: 0 });
    const started = Date.now();
    await emitLog(logExporter("http/json", receiver));
    expect(Date.now() - started).toBeLessThan(800);
    expect(receiver.requests.map((r) => r.status)).toEqual([429, 200]);
    expect(receiver.logs).toHaveLength(1);

    receiver.reset();
    receiver.failAll(400);
    await emitLog(logExporter("http/protobuf", receiver));
    await emitLog(logExporter("http/json", receiver));
    expect(receiver.requests.map((r) => r.status)).toEqual([400, 400]);
    expect(receiver.logs).toEqual([]);
    receiver.failAll(null);
    await emitLog(logExporter("http/json", receiver));
    expect(receiver.logs).toHaveLength(1);
  });

  it("programmed failures reach gRPC too (as UNAVAILABLE), and the gRPC exporter does not retry", async () => {
    receiver.failNext(1, 503, { only: "grpc" });
    await emitLog(logExporter("grpc", receiver));
    expect(receiver.requests.map((r) => [r.transport, r.status])).toEqual([["grpc", 503]]);
    expect(receiver.logs).toEqual([]);
  });

  it("rejects waitFor with a helpful message on timeout", async () => {
    await expect(receiver.waitForSpans(1, 50)).rejects.toThrow(/timed out after 50 ms waiting for 1 span\(s\); seen spans=0 logs=0/);
  });

  it("accepts OTLP/JSON variants other clients send (snake_case, base64 ids, string ints, enum names), deflated", async () => {
    const body = {
      resource_logs: [
        {
          resource: { attributes: [{ key: "service.name", value: { string_value: "hand" } }] },
          scope_logs: [
            {
              scope: { name: "s" },
              log_records: [
                {
                  time_unix_nano: "1700000000000000001",
                  observed_time_unix_nano: 5,
                  severity_number: "SEVERITY_NUMBER_ERROR2",
                  trace_id: Buffer.from("0102030405060708090a0b0c0d0e0f10", "hex").toString("base64"),
                  span_id: "0A0B0C0D0E0F1011",
                  body: { int_value: "9007199254740993" },
                  attributes: [
                    { key: "n", value: { intValue: "12" } },
                    { key: "empty", value: {} },
                  ],
                },
              ],
            },
          ],
        },
      ],
    };
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.request(
        `${receiver.httpUrl}/v1/logs`,
        { method: "POST", headers: { "content-type": "application/json", "content-encoding": "deflate" } },
        (res) => {
          res.resume();
          res.on("end", () => resolve(res.statusCode ?? 0));
        },
      );
      req.on("error", reject);
      req.end(zlib.deflateSync(JSON.stringify(body)));
    });
    expect(status).toBe(200);
    expect(receiver.logs).toEqual([
      {
        traceId: "0102030405060708090a0b0c0d0e0f10",
        spanId: "0a0b0c0d0e0f1011",
        timeUnixNano: 1700000000000000001n,
        observedTimeUnixNano: 5n,
        severityNumber: 18,
        severityText: "",
        eventName: "",
        body: 9007199254740993n, // beyond 2^53: stays a bigint
        attributes: { n: 12, empty: null },
        resource: { "service.name": "hand" },
        scope: { name: "s", version: "" },
      },
    ]);
  });

  it("answers unknown paths and content types without recording them", async () => {
    const post = (path: string, contentType: string) =>
      new Promise<number>((resolve, reject) => {
        const req = http.request(`${receiver.httpUrl}${path}`, { method: "POST", headers: { "content-type": contentType } }, (res) => {
          res.resume();
          res.on("end", () => resolve(res.statusCode ?? 0));
        });
        req.on("error", reject);
        req.end("{}");
      });
    expect(await post("/v1/metrics", "application/json")).toBe(404);
    expect(await post("/v1/traces", "text/plain")).toBe(415);
    expect(await post("/v1/traces", "application/json; charset=utf-8")).toBe(200);
    expect(receiver.requests).toHaveLength(1);
    expect(receiver.errors).toHaveLength(2);
  });
});

describe("OTLP receiver close()", () => {
  /** Live servers/sockets touching the given ports (process._getActiveHandles is undocumented but stable). */
  const handlesOn = (ports: number[]) =>
    (process as unknown as { _getActiveHandles(): unknown[] })._getActiveHandles().filter((h) => {
      if (h instanceof net.Server) {
        const a = h.address();
        return a !== null && typeof a === "object" && ports.includes(a.port);
      }
      if (h instanceof net.Socket) return ports.includes(h.localPort ?? -1) || ports.includes(h.remotePort ?? -1);
      return false;
    });

  it("stops both servers and drops open keep-alive connections promptly", async () => {
    const r = await startOtlpReceiver();
    const ports = [r.httpPort, r.grpcPort];
    // Leave live connections behind: the http exporter keeps its socket alive, the gRPC one its channel.
    const httpExporter = traceExporter("http/protobuf", r);
    const grpcExporter = traceExporter("grpc", r);
    await emitSpans(httpExporter, false);
    await emitSpans(grpcExporter, false);
    expect(r.spans).toHaveLength(4);
    const before = handlesOn(ports);
    expect(before.filter((h) => h instanceof net.Server)).toHaveLength(2); // http + grpc-js's http2 server
    // Server-side ends of the exporters' idle connections (the client ends are unref'd by the agents).
    const serverSockets = before.filter((h): h is net.Socket => h instanceof net.Socket);
    expect(serverSockets.some((sock) => sock.localPort === r.httpPort)).toBe(true); // http keep-alive
    expect(serverSockets.some((sock) => sock.localPort === r.grpcPort)).toBe(true); // gRPC http2 session

    const started = Date.now();
    await r.close();
    expect(Date.now() - started).toBeLessThan(1000);
    await r.close(); // idempotent

    await r.waitFor(() => handlesOn(ports).length === 0, 3000, "no handles left on the receiver's ports");
    await expect(
      new Promise((resolve, reject) => {
        const req = http.request(`${r.httpUrl}/v1/traces`, { method: "POST" }, resolve);
        req.on("error", reject);
        req.end();
      }),
    ).rejects.toMatchObject({ code: "ECONNREFUSED" });
    await httpExporter.shutdown();
    await grpcExporter.shutdown();
  });
});

afterAll(async () => {
  ctxSpan.end();
  await ctxProvider.shutdown();
});
