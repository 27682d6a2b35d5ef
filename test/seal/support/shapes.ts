/**
 * The three OTLP JSON shapes a sealed record is read back from, produced from what really crossed
 * the wire:
 *
 * - sdkJson:       the JS SDK's JSON (JsonTraceSerializer / JsonLogsSerializer): what the file sink
 *                  writes and the http/json exporters send. intValue as a JSON number, ids hex.
 * - collectorJson: the OpenTelemetry Collector's file exporter, built from the protobuf bytes the
 *                  http/protobuf and gRPC exporters send, per the OTLP/JSON rules the Collector's
 *                  pdata marshaler follows: int64 (times, intValue) as decimal strings, enums as
 *                  numbers, ids as hex, bytes as base64, fields at their default value omitted.
 * - jaegerJson:    Jaeger's /api/v3/traces response: `{"result": <OTLP JSON>}`, pretty-printed, after
 *                  its default query adjusters (attributes sorted by key, events stably sorted by
 *                  name). `legacy` spells it as an older gogo-jsonpb gateway might: base64 ids and
 *                  enum names.
 *
 * The Collector and Jaeger shapes are built from their documented mappings; they still need
 * checking against the real programs.
 */
import { fileURLToPath } from "node:url";
import protobuf from "protobufjs";

type Json = Record<string, any>;

let schema: { traces: protobuf.Type; logs: protobuf.Type } | undefined;

function types() {
  if (schema === undefined) {
    const root = protobuf.loadSync(fileURLToPath(new URL("../../support/otlp-min.proto", import.meta.url)));
    schema = { traces: root.lookupType("otlp.ExportTraceServiceRequest"), logs: root.lookupType("otlp.ExportLogsServiceRequest") };
  }
  return schema;
}

const ID_FIELDS = new Set(["traceId", "spanId", "parentSpanId"]);

/** protobuf bytes (as the proto and gRPC exporters send them) -> the Collector file exporter's JSON. */
export function collectorJson(signal: "traces" | "logs", bytes: Uint8Array): Json {
  const type = types()[signal];
  const object = type.toObject(type.decode(bytes), { longs: String, enums: Number, bytes: String });
  return idsToHex(object) as Json;
}

function idsToHex(value: unknown, key = ""): unknown {
  if (Array.isArray(value)) return value.map((v) => idsToHex(v));
  if (value !== null && typeof value === "object") {
    const out: Json = {};
    for (const [k, v] of Object.entries(value)) out[k] = idsToHex(v, k);
    return out;
  }
  if (ID_FIELDS.has(key) && typeof value === "string") return Buffer.from(value, "base64").toString("hex");
  return value;
}

export interface JaegerOptions {
  /** base64 ids and enum names, as the protobuf JSON mapping allows. */
  legacy?: boolean;
}

/** A Collector-shaped trace document as Jaeger's /api/v3/traces returns it (text, pretty-printed). */
export function jaegerJson(collectorDoc: Json, options: JaegerOptions = {}): string {
  const doc = structuredClone(collectorDoc);
  for (const rs of doc.resourceSpans ?? []) {
    sortAttributes(rs.resource);
    for (const ss of rs.scopeSpans ?? []) {
      sortAttributes(ss.scope);
      for (const span of ss.spans ?? []) {
        sortAttributes(span);
        if (span.events) span.events.sort((a: Json, b: Json) => ((a.name ?? "") < (b.name ?? "") ? -1 : (a.name ?? "") > (b.name ?? "") ? 1 : 0));
        for (const event of span.events ?? []) sortAttributes(event);
        for (const link of span.links ?? []) sortAttributes(link);
        if (options.legacy) legacySpan(span);
      }
    }
  }
  return JSON.stringify({ result: doc }, null, 2);
}

function sortAttributes(holder: Json | undefined): void {
  holder?.attributes?.sort((a: Json, b: Json) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

const KINDS = ["SPAN_KIND_UNSPECIFIED", "SPAN_KIND_INTERNAL", "SPAN_KIND_SERVER", "SPAN_KIND_CLIENT", "SPAN_KIND_PRODUCER", "SPAN_KIND_CONSUMER"];
const STATUS = ["STATUS_CODE_UNSET", "STATUS_CODE_OK", "STATUS_CODE_ERROR"];

function legacySpan(span: Json): void {
  for (const key of ["traceId", "spanId", "parentSpanId"]) {
    if (span[key]) span[key] = Buffer.from(span[key], "hex").toString("base64");
  }
  for (const link of span.links ?? []) {
    link.traceId = Buffer.from(link.traceId, "hex").toString("base64");
    link.spanId = Buffer.from(link.spanId, "hex").toString("base64");
  }
  if (span.kind !== undefined) span.kind = KINDS[span.kind];
  if (span.status?.code !== undefined) span.status.code = STATUS[span.status.code];
}

/** Every record object of an OTLP JSON document (spans, then log records). */
export function recordsOf(doc: Json): { record: Json; resource: Json; scope: Json; signal: "spans" | "logs" }[] {
  const body = doc.result ?? doc;
  const out: { record: Json; resource: Json; scope: Json; signal: "spans" | "logs" }[] = [];
  for (const rs of body.resourceSpans ?? []) {
    for (const ss of rs.scopeSpans ?? []) for (const record of ss.spans ?? []) out.push({ record, resource: rs.resource, scope: ss.scope, signal: "spans" });
  }
  for (const rl of body.resourceLogs ?? []) {
    for (const sl of rl.scopeLogs ?? []) for (const record of sl.logRecords ?? []) out.push({ record, resource: rl.resource, scope: sl.scope, signal: "logs" });
  }
  return out;
}
