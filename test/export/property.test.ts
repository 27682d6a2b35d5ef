import type { Attributes, Context, Link, SpanKind } from "@opentelemetry/api";
import { ROOT_CONTEXT, trace } from "@opentelemetry/api";
import { ProtobufLogsSerializer, ProtobufTraceSerializer } from "@opentelemetry/otlp-transformer";
import type { Resource } from "@opentelemetry/resources";
import { resourceFromAttributes } from "@opentelemetry/resources";
import type { ReadableLogRecord } from "@opentelemetry/sdk-logs";
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from "@opentelemetry/sdk-logs";
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { describe, expect, it } from "vitest";
import { logsProtobufSerializer } from "../../src/export/logs-serializer.js";
import { traceProtobufSerializer } from "../../src/export/trace-serializer.js";
import type { Random } from "./random.js";
import { chance, int, pick, randomHex, randomHrTime, randomNumber, randomObject, randomSdkAttribute, randomString, randomValue, seeded } from "./random.js";
import type { Scope } from "./records.js";
import { handLog, handResource, handScope, handSpan } from "./records.js";

const BATCHES = 1000;

function sameBytes(ours: Uint8Array | undefined, theirs: Uint8Array | undefined, what: string): void {
  if (!ours || !theirs || Buffer.compare(ours, theirs) !== 0) {
    const a = Buffer.from(ours ?? []);
    const b = Buffer.from(theirs ?? []);
    let i = 0;
    while (i < a.length && i < b.length && a[i] === b[i]) i++;
    throw new Error(`${what}: ours ${a.length} bytes, OTel's ${b.length}; first difference at ${i}: ours ${a.subarray(i - 40, i + 40).toString("hex")} OTel's ${b.subarray(i - 40, i + 40).toString("hex")}`);
  }
}

// SDK-built records: three resources (one with a schema URL), scopes with versions and schema URLs.
const spanSink = new InMemorySpanExporter();
const logSink = new InMemoryLogRecordExporter();
const sdkResources = [
  resourceFromAttributes({ "service.name": "agent", "service.version": "1.2.3", "host.pid": 42 }),
  resourceFromAttributes({ "service.name": "другой", weight: 0.5, tags: ["a", "b"] }, { schemaUrl: "https://opentelemetry.io/schemas/1.26.0" }),
  resourceFromAttributes({}),
];
const tracerProviders = sdkResources.map((resource) => new BasicTracerProvider({ resource, spanProcessors: [new SimpleSpanProcessor(spanSink)] }));
const loggerProviders = sdkResources.map((resource) => new LoggerProvider({ resource, processors: [new SimpleLogRecordProcessor({ exporter: logSink })] }));
const scopeArgs: [string, string | undefined, string | undefined][] = [
  ["agent-coat", "0.1.0", undefined],
  ["other-lib", undefined, "https://opentelemetry.io/schemas/1.21.0"],
  ["日本", "", undefined],
];
const tracers = tracerProviders.flatMap((p) => scopeArgs.map(([n, v, s]) => p.getTracer(n, v, s === undefined ? {} : { schemaUrl: s })));
const loggers = loggerProviders.flatMap((p) =>
  scopeArgs.map(([n, v, s], i) => p.getLogger(n, v, { ...(s === undefined ? {} : { schemaUrl: s }), ...(i === 2 ? { scopeAttributes: { "scope.k": "v", n: 3 } } : {}) })),
);

function sdkAttributes(r: Random): Attributes {
  const out: Attributes = {};
  for (let i = int(r, 8); i > 0; i--) out[randomString(r).slice(0, 40) || "k"] = randomSdkAttribute(r);
  return out;
}

function parentContext(r: Random): Context {
  if (chance(r, 0.4)) return ROOT_CONTEXT;
  return trace.setSpanContext(ROOT_CONTEXT, { traceId: randomHex(r, 16).toLowerCase(), spanId: randomHex(r, 8).toLowerCase(), traceFlags: pick(r, [0, 1]), isRemote: chance(r, 0.5) });
}

function sdkSpans(r: Random): ReadableSpan[] {
  spanSink.reset();
  for (let i = pick(r, [1, 2, 5, 20]); i > 0; i--) {
    const tracer = pick(r, tracers);
    const links: Link[] = chance(r, 0.3) ? [{ context: { traceId: randomHex(r, 16).toLowerCase(), spanId: randomHex(r, 8).toLowerCase(), traceFlags: 1 }, attributes: sdkAttributes(r) }] : [];
    const span = tracer.startSpan(randomString(r), { kind: int(r, 5) as SpanKind, attributes: sdkAttributes(r), links, startTime: randomHrTime(r) }, parentContext(r));
    if (chance(r, 0.5)) span.addEvent(randomString(r), sdkAttributes(r));
    if (chance(r, 0.3)) span.setStatus({ code: int(r, 3), message: randomString(r) });
    if (chance(r, 0.2)) span.recordException(new Error(randomString(r)));
    span.end();
  }
  return [...spanSink.getFinishedSpans()];
}

function sdkLogs(r: Random): ReadableLogRecord[] {
  logSink.reset();
  for (let i = pick(r, [1, 2, 5, 20]); i > 0; i--) {
    const record: Parameters<ReturnType<LoggerProvider["getLogger"]>["emit"]>[0] = { attributes: randomObject(r) as never, context: parentContext(r) };
    if (chance(r, 0.7)) record.severityNumber = pick(r, [0, 5, 9, 13, 17, 21]);
    if (chance(r, 0.5)) record.severityText = randomString(r);
    if (chance(r, 0.9)) record.body = (chance(r, 0.5) ? randomObject(r) : randomValue(r)) as never;
    if (chance(r, 0.4)) record.eventName = randomString(r);
    if (chance(r, 0.5)) record.timestamp = randomHrTime(r);
    pick(r, loggers).emit(record);
  }
  return [...logSink.getFinishedLogRecords()];
}

/** Hand-built records, interleaved over a few resource and scope objects (some equal in content, distinct in identity). */
function handBatch<T>(r: Random, make: (r: Random, resource: Resource, scope: Scope) => T): T[] {
  const resources = Array.from({ length: pick(r, [1, 2, 3]) }, () => handResource(r));
  if (chance(r, 0.3)) resources.push({ ...resources[0]! } as Resource);
  const scopes = Array.from({ length: pick(r, [1, 2, 4]) }, () => handScope(r));
  return Array.from({ length: pick(r, [0, 1, 3, 10, 30]) }, () => make(r, pick(r, resources), pick(r, scopes)));
}

function check(seed: number, spans: ReadableSpan[], logs: ReadableLogRecord[]): void {
  sameBytes(traceProtobufSerializer.serializeRequest(spans), ProtobufTraceSerializer.serializeRequest(spans), `spans, seed ${seed}`);
  sameBytes(logsProtobufSerializer.serializeRequest(logs), ProtobufLogsSerializer.serializeRequest(logs), `logs, seed ${seed}`);
}

describe("our protobuf serializers write OTel's bytes", () => {
  it(`for ${BATCHES} batches of SDK-built spans and log records`, () => {
    let [spanCount, logCount] = [0, 0];
    for (let seed = 1; seed <= BATCHES; seed++) {
      const r = seeded(seed);
      const [spans, logs] = [sdkSpans(r), sdkLogs(r)];
      spanCount += spans.length;
      logCount += logs.length;
      check(seed, spans, logs);
    }
    // Unsampled parents leave some span batches empty; most are not.
    expect(spanCount).toBeGreaterThan(3 * BATCHES);
    expect(logCount).toBeGreaterThan(5 * BATCHES);
  }, 180_000);

  it(`for ${BATCHES} batches of hand-built spans and log records`, () => {
    for (let seed = 1; seed <= BATCHES; seed++) {
      const r = seeded(100_000 + seed);
      check(seed, handBatch(r, handSpan), handBatch(r, handLog));
    }
  }, 180_000);

  it("for SDK and hand-built records mixed in one batch", () => {
    for (let seed = 1; seed <= 200; seed++) {
      const r = seeded(200_000 + seed);
      const spans = [...sdkSpans(r), ...handBatch(r, handSpan)].sort(() => r() - 0.5);
      const logs = [...sdkLogs(r), ...handBatch(r, handLog)].sort(() => r() - 0.5);
      check(seed, spans, logs);
    }
  }, 180_000);

  it("for strings over 64 KiB and over 1 MiB, in attributes, bodies and nested values", () => {
    const r = seeded(7);
    const [resource, scope] = [handResource(r), handScope(r)];
    for (const s of ["a".repeat(70_000), "é".repeat(40_000), "a".repeat(1_100_000), `${"😀".repeat(300_000)}\ud800`, `${"x".repeat(2_000_000)}日本`]) {
      const span = handSpan(r, resource, scope);
      (span as { attributes: Attributes }).attributes = { "input.value": s, nested: [s.slice(0, 100_000)] } as never;
      const log = handLog(r, resource, scope);
      (log as { body: unknown }).body = { envelope: { payload: s, list: [s.slice(0, 70_000), 1] } };
      check(0, [span, handSpan(r, resource, scope)], [log, handLog(r, resource, scope)]);
    }
  });

  it("for every number edge as an attribute and as a body", () => {
    const r = seeded(9);
    const [resource, scope] = [handResource(r), handScope(r)];
    const numbers = [0, -0, -1, 2 ** 31 - 1, 2 ** 31 + 1, 2 ** 32 - 1, 2 ** 32 + 1, 2 ** 53 - 1, 2 ** 53 + 1, 2 ** 63, -(2 ** 63), -(2 ** 63) - 4096, 2 ** 63 - 1024, NaN, Infinity, -Infinity, 0.1, -1.5];
    for (let i = 0; i < 200; i++) numbers.push(randomNumber(r));
    const spans = numbers.map((n) => Object.assign(handSpan(r, resource, scope), { attributes: { n, list: [n, -n] } }));
    const logs = numbers.map((n) => Object.assign(handLog(r, resource, scope), { body: n }));
    check(0, spans, logs);
  });

  it("for empty batches", () => {
    check(0, [], []);
  });

  it("for ids of odd length or with non-hex digits", () => {
    const r = seeded(13);
    const [resource, scope] = [handResource(r), handScope(r)];
    const spans = ["abc", "a", "", "xyz0-G", "0123456789abcdef0"].map((traceId) => Object.assign(handSpan(r, resource, scope), { spanContext: () => ({ traceId, spanId: traceId, traceFlags: 1 }) }));
    check(0, spans, []);
  });

  it("throws where OTel throws (a missing time)", () => {
    const r = seeded(11);
    const log = Object.assign(handLog(r, handResource(r), handScope(r)), { hrTimeObserved: undefined });
    expect(() => ProtobufLogsSerializer.serializeRequest([log])).toThrow();
    expect(() => logsProtobufSerializer.serializeRequest([log])).toThrow();
  });
});
