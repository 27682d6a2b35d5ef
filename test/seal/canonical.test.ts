/**
 * The canonical form computed at sealing time, from the SDK's objects, is byte for byte the one
 * recomputed from every JSON shape the same records are read back from: the JS SDK's JSON (file
 * sink, http/json), the Collector file exporter's JSON (from the real protobuf bytes) and Jaeger's
 * /api/v3 JSON (plain and legacy spellings).
 */
import { JsonLogsSerializer, JsonTraceSerializer, ProtobufLogsSerializer, ProtobufTraceSerializer } from "@opentelemetry/otlp-transformer";
import { beforeAll, describe, expect, it } from "vitest";
import { SealKey } from "../../src/dialects/keys.js";
import { canonicalLogRecord, canonicalSpan } from "../../src/seal/canonical-sdk.js";
import { sha256Hex } from "../../src/seal/chain.js";
import { canonicalizeJson } from "../../src/seal/jcs.js";
import { otlpLogCanonical, otlpResourceText, otlpScopeText, otlpSpanCanonical } from "../../src/seal/otlp-canonical.js";
import { verifyDocuments } from "../../src/seal/verify.js";
import { KeepLogs, KeepSpans, sealedProviders } from "./support/pipeline.js";
import { collectorJson, jaegerJson, recordsOf } from "./support/shapes.js";
import { VARIETY_LOGS, VARIETY_SPANS, produceVariety } from "./support/variety.js";

const keptSpans = new KeepSpans();
const keptLogs = new KeepLogs();
let sealedSpans: Map<string, string>;
let sealedLogs: Map<string, string>;

beforeAll(async () => {
  const p = sealedProviders({ spans: [keptSpans], logs: [keptLogs] });
  produceVariety(p.tracer, p.logger);
  await p.shutdown();
  // Canonical text of every record as sealed, keyed by its hash (unique per record).
  sealedSpans = new Map(keptSpans.spans.map((s) => [s.attributes[SealKey.HASH] as string, canonicalSpan(s)]));
  sealedLogs = new Map(keptLogs.records.map((r) => [r.attributes[SealKey.HASH] as string, canonicalLogRecord(r)]));
});

function readBack(doc: Record<string, any>): Map<string, string> {
  const out = new Map<string, string>();
  for (const { record, resource, scope, signal } of recordsOf(doc)) {
    const read = (signal === "spans" ? otlpSpanCanonical : otlpLogCanonical)(record, otlpResourceText(resource), otlpScopeText(scope));
    out.set(read.seal.hash as string, read.canonical);
  }
  return out;
}

describe("canonical form at sealing time", () => {
  it("seals every record, checkpoints included, with the hash of its canonical form", () => {
    expect(keptSpans.spans).toHaveLength(VARIETY_SPANS); // the span chain's checkpoints ride on its spans
    expect(keptLogs.records).toHaveLength(VARIETY_LOGS + 1);
    for (const [hash, canonical] of [...sealedSpans, ...sealedLogs]) expect(sha256Hex(canonical)).toBe(hash);
  });

  it("is RFC 8785 canonical JSON", () => {
    for (const canonical of [...sealedSpans.values(), ...sealedLogs.values()]) {
      expect(canonicalizeJson(JSON.parse(canonical))).toBe(canonical);
    }
  });

  it("types values as the wire does: \"17\", 17 and 17.5 differ; int64 stays exact; NaN is null", () => {
    const root = [...sealedSpans.values()].map((c) => JSON.parse(c)).find((c) => c.name === "agent.run");
    const value = (key: string) => root.attributes.find((a: { key: string }) => a.key === key).value;
    expect(value("text.digits")).toEqual({ stringValue: "17" });
    expect(value("int")).toEqual({ intValue: "17" });
    expect(value("double")).toEqual({ doubleValue: 17.5 });
    expect(value("int.big")).toEqual({ intValue: "1152921504606846976" });
    expect(value("int.huge")).toEqual({ doubleValue: 1e21 }); // beyond int64: a double on the protobuf wire
    expect(value("zero.negative")).toEqual({ intValue: "0" });
    expect(value("not.a.number")).toEqual({ doubleValue: null });
    expect(value("holes")).toEqual({ arrayValue: { values: [{ stringValue: "x" }, {}, {}] } });
    expect(value("lone.surrogate")).toEqual({ stringValue: "a\uFFFDb" });
    expect(root.attributes.map((a: { key: string }) => a.key)).toEqual([...root.attributes.map((a: { key: string }) => a.key)].sort());
    expect(root.attributes.some((a: { key: string }) => a.key === SealKey.HASH)).toBe(false);
    expect(root.resource).toEqual({ attributes: [{ key: "service.name", value: { stringValue: "seal-test" } }] });
  });
});

describe("read back from every JSON shape, the canonical form is unchanged", () => {
  it("from the JS SDK's JSON (the file sink, http/json exporters)", () => {
    const spans = readBack(JSON.parse(Buffer.from(JsonTraceSerializer.serializeRequest(keptSpans.spans)!).toString("utf8")));
    const logs = readBack(JSON.parse(Buffer.from(JsonLogsSerializer.serializeRequest(keptLogs.records)!).toString("utf8")));
    expect(spans).toEqual(sealedSpans);
    expect(logs).toEqual(sealedLogs);
  });

  it("from the Collector file exporter's JSON of the protobuf the proto and gRPC exporters send", () => {
    const traces = collectorJson("traces", ProtobufTraceSerializer.serializeRequest(keptSpans.spans)!);
    const logs = collectorJson("logs", ProtobufLogsSerializer.serializeRequest(keptLogs.records)!);
    const text = JSON.stringify(traces);
    expect(text).toMatch(/"intValue":"17"/); // int64 as strings, unlike the JS SDK's JSON
    expect(readBack(JSON.parse(text))).toEqual(sealedSpans);
    expect(readBack(JSON.parse(JSON.stringify(logs)))).toEqual(sealedLogs);
  });

  it("from Jaeger's /api/v3 JSON, sorted by its query adjusters, in hex and in legacy spelling", () => {
    const traces = collectorJson("traces", ProtobufTraceSerializer.serializeRequest(keptSpans.spans)!);
    const plain = jaegerJson(traces);
    const legacy = jaegerJson(traces, { legacy: true });
    expect(legacy).toMatch(/"SPAN_KIND_SERVER"/);
    expect(readBack(JSON.parse(plain))).toEqual(sealedSpans);
    expect(readBack(JSON.parse(legacy))).toEqual(sealedSpans);
  });

  it("verifies as complete chains from every shape", () => {
    const docs = [
      JSON.parse(Buffer.from(JsonTraceSerializer.serializeRequest(keptSpans.spans)!).toString("utf8")),
      collectorJson("logs", ProtobufLogsSerializer.serializeRequest(keptLogs.records)!),
    ];
    const report = verifyDocuments(docs);
    expect(report.chains.map((c) => [c.signal, c.valid, c.complete, c.records_verified])).toEqual([
      ["spans", true, true, VARIETY_SPANS],
      ["logs", true, true, VARIETY_LOGS + 1],
    ]);
    expect(report.ok).toBe(true);
    const jaeger = verifyDocuments([JSON.parse(jaegerJson(collectorJson("traces", ProtobufTraceSerializer.serializeRequest(keptSpans.spans)!), { legacy: true }))]);
    expect(jaeger.ok).toBe(true);
  });
});
