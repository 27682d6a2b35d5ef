/**
 * Walks OTLP JSON documents — export requests as the JS SDK, the file sink and the Collector's file
 * exporter write them (`{"resourceSpans": …}` / `{"resourceLogs": …}`), or Jaeger's /api/v3
 * responses (`{"result": {"resourceSpans": …}}`) — and hands every record, hashed, to a sink.
 */
import { ATTR_SERVICE_NAME } from "@opentelemetry/semantic-conventions";
import { SealKey } from "../dialects/keys.js";
import type { HashedRecord, ResourceBytes, SealFields } from "./otlp-canonical.js";
import { otlpLogHashed, otlpResourceBytes, otlpScopeBytes, otlpSpanHashed } from "./otlp-canonical.js";
import type { Json } from "./otlp-values.js";
import { MalformedRecord, asList, asObject, field } from "./otlp-values.js";

export type Signal = "spans" | "logs";

/** Where a record was read, for reports: `file.jsonl:12 span "getWeather" 3f9a…`. */
export interface RecordLabel {
  readonly signal: Signal;
  readonly name: string;
  /** Span id, or for a log record its span id (empty outside a span). */
  readonly id: string;
  readonly location: string;
}

export interface SealedRecord extends RecordLabel {
  readonly chain: string;
  readonly seq: number;
  readonly prev: string;
  /** The hash the record claims (its envpod.seal.hash). */
  readonly hash: string;
  /** Whether the claimed hash is the hash of the record's canonical form as read. */
  readonly intact: boolean;
  /** The canonical form it was sealed in: 1, or 2 (`envpod.seal.v`). */
  readonly version: number;
  /** Form v2: the checkpoints issued in the chain before this record (`envpod.seal.checkpoints`, hashed). */
  readonly checkpoints: number | undefined;
  /** Set on checkpoints only (a v1 checkpoint span, a checkpoint log record, a v2 span carrying one): whether it is the final one. */
  readonly final: boolean | undefined;
  readonly keyId: string | undefined;
  readonly signature: string | undefined;
  readonly service: string;
}

export interface RecordSink {
  sealed(record: SealedRecord): void;
  unsealed(label: RecordLabel): void;
  malformed(chain: string | undefined, label: RecordLabel, reason: string): void;
}

/** Reads one parsed JSON document; returns false when it holds no OTLP traces or logs at all. */
export function readOtlpDocument(document: unknown, location: string, sink: RecordSink): boolean {
  const doc = asObject(document);
  if (doc === undefined) return false;
  const result = asObject(doc.result);
  if (result !== undefined) return readOtlpDocument(result, location, sink);
  const resourceSpans = field(doc, "resourceSpans", "resource_spans");
  const resourceLogs = field(doc, "resourceLogs", "resource_logs");
  if (resourceSpans === undefined && resourceLogs === undefined) return false;
  for (const rs of asList(resourceSpans)) readResource(asObject(rs), "spans", location, sink);
  for (const rl of asList(resourceLogs)) readResource(asObject(rl), "logs", location, sink);
  return true;
}

function readResource(resourceGroup: Json | undefined, signal: Signal, location: string, sink: RecordSink): void {
  if (resourceGroup === undefined) return;
  const resource = field(resourceGroup, "resource");
  let resourceText: ResourceBytes | undefined;
  try {
    resourceText = otlpResourceBytes(resource);
  } catch (error) {
    resourceText = undefined;
    sink.malformed(undefined, { signal, name: "", id: "", location }, `its resource: ${(error as Error).message}`);
  }
  const service = serviceName(resource);
  const groups = signal === "spans" ? field(resourceGroup, "scopeSpans", "scope_spans") : field(resourceGroup, "scopeLogs", "scope_logs");
  for (const item of asList(groups)) {
    const group = asObject(item);
    if (group === undefined) continue;
    let scopeText: Uint8Array | undefined;
    try {
      scopeText = otlpScopeBytes(field(group, "scope"));
    } catch (error) {
      sink.malformed(undefined, { signal, name: "", id: "", location }, `its scope: ${(error as Error).message}`);
    }
    const records = signal === "spans" ? field(group, "spans") : field(group, "logRecords", "log_records");
    for (const entry of asList(records)) {
      const record = asObject(entry);
      if (record !== undefined && resourceText !== undefined && scopeText !== undefined) readRecord(record, signal, resourceText, scopeText, service, location, sink);
    }
  }
}

function readRecord(record: Json, signal: Signal, resourceText: ResourceBytes, scopeText: Uint8Array, service: string, location: string, sink: RecordSink): void {
  const name = String(signal === "spans" ? (field(record, "name") ?? "") : (field(record, "eventName", "event_name") ?? ""));
  const label: RecordLabel = { signal, name, id: String(field(record, "spanId", "span_id") ?? ""), location };
  let read: HashedRecord;
  try {
    read = signal === "spans" ? otlpSpanHashed(record, resourceText, scopeText) : otlpLogHashed(record, resourceText, scopeText);
  } catch (error) {
    if (!(error instanceof MalformedRecord)) throw error;
    sink.malformed(chainOf(record), label, error.message);
    return;
  }
  const seal = read.seal;
  if (seal.chain === undefined) return sink.unsealed(label);
  const problem = sealProblem(seal);
  if (problem !== undefined) return sink.malformed(typeof seal.chain === "string" ? seal.chain : undefined, label, problem);
  sink.sealed({
    signal,
    name,
    id: label.id,
    location,
    chain: seal.chain as string,
    seq: Number(seal.seq),
    prev: seal.prev as string,
    hash: seal.hash as string,
    intact: read.hash === seal.hash,
    version: seal.version === undefined ? 1 : Number(seal.version),
    checkpoints: seal.checkpoints === undefined ? undefined : Number(seal.checkpoints),
    final: seal.final as boolean | undefined,
    keyId: seal.keyId as string | undefined,
    signature: seal.signature as string | undefined,
    service,
  });
}

const HASH = /^[0-9a-f]{64}$/;

function sealProblem(seal: SealFields): string | undefined {
  if (typeof seal.chain !== "string" || seal.chain === "") return "its seal chain id is not a string";
  const seq = Number(seal.seq);
  if ((typeof seal.seq !== "string" && typeof seal.seq !== "number") || !Number.isSafeInteger(seq) || seq < 0) return "its seal seq is not a sequence number";
  if (typeof seal.prev !== "string" || !HASH.test(seal.prev)) return "its seal prev is not a SHA-256 hash";
  if (typeof seal.hash !== "string" || !HASH.test(seal.hash)) return "it carries no seal hash";
  if (seal.version !== undefined && Number(seal.version) !== 2) return "its seal form version is not 2 (the only version that names itself)";
  if (seal.version !== undefined) {
    const count = Number(seal.checkpoints);
    if ((typeof seal.checkpoints !== "string" && typeof seal.checkpoints !== "number") || !Number.isSafeInteger(count) || count < 0) return "its seal checkpoint count is not a count";
  }
  if (seal.final !== undefined && typeof seal.final !== "boolean") return "its checkpoint flag is not a boolean";
  if (seal.keyId !== undefined && typeof seal.keyId !== "string") return "its key id is not a string";
  if (seal.signature !== undefined && typeof seal.signature !== "string") return "its signature is not a string";
  return undefined;
}

/** The chain a malformed record claims, so that the problem is reported against that chain. */
function chainOf(record: Json): string | undefined {
  for (const item of asList(field(record, "attributes"))) {
    const kv = asObject(item);
    if (kv?.key === SealKey.CHAIN) {
      const value = field(asObject(kv.value) ?? {}, "stringValue", "string_value");
      return typeof value === "string" ? value : undefined;
    }
  }
  return undefined;
}

function serviceName(resource: unknown): string {
  for (const item of asList(field(asObject(resource) ?? {}, "attributes"))) {
    const kv = asObject(item);
    if (kv?.key === ATTR_SERVICE_NAME) {
      const value = field(asObject(kv.value) ?? {}, "stringValue", "string_value");
      return typeof value === "string" ? value : "";
    }
  }
  return "";
}
