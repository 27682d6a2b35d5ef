/**
 * The canonical form of a span or log record read back from OTLP JSON, with its seal attributes:
 * the counterpart of canonical-sdk.ts, giving byte-identical text for an unchanged record.
 */
import { ATTR_SERVICE_NAME } from "@opentelemetry/semantic-conventions";
import { SealKey } from "../dialects/keys.js";
import { LOG_FORM, LOG_FORM_V1, SPAN_FORM, SPAN_FORM_V1 } from "./canonical-sdk.js";
import { compareUtf16 } from "./canonical-values.js";
import { Pieces, jsonText, writeJson } from "./canonical-text.js";
import type { Json } from "./otlp-values.js";
import {
  MalformedRecord,
  SEVERITY_NUMBERS,
  SPAN_KINDS,
  STATUS_CODES,
  asList,
  asObject,
  enumOf,
  field,
  idTextOf,
  int64Text,
  otlpKeyValuesText,
  stringOf,
  writeAnyValue,
  writeKeyValues,
} from "./otlp-values.js";
import { isUnhashedSealKey, isUnhashedSpanKeyV2 } from "./unhashed.js";

/** The seal attributes of a record as they read (types checked later, by the verifier). */
export interface SealFields {
  version?: unknown;
  checkpoints?: unknown;
  chain?: unknown;
  seq?: unknown;
  prev?: unknown;
  hash?: unknown;
  final?: unknown;
  keyId?: unknown;
  signature?: unknown;
}

export interface CanonicalRecord {
  canonical: string;
  seal: SealFields;
}

const SEAL_FIELD: Record<string, keyof SealFields> = {
  [SealKey.VERSION]: "version",
  [SealKey.CHECKPOINTS]: "checkpoints",
  [SealKey.CHAIN]: "chain",
  [SealKey.SEQ]: "seq",
  [SealKey.PREV]: "prev",
  [SealKey.HASH]: "hash",
  [SealKey.CHECKPOINT_FINAL]: "final",
  [SealKey.KEY_ID]: "keyId",
  [SealKey.SIGNATURE]: "signature",
};

/** Resource text of canonical-sdk.ts: only service.name is covered. */
export function otlpResourceText(resource: unknown, v2 = false): string {
  const attributes = asList(field(asObject(resource) ?? {}, "attributes"));
  return `{"attributes":${otlpKeyValuesText(attributes, (key) => key === ATTR_SERVICE_NAME, v2)}}`;
}

/** A resource's text in both forms (they differ only for a service.name of 1024 or more code units). */
export interface ResourceTexts {
  v1: string;
  v2: string;
}

export function otlpResourceTexts(resource: unknown): ResourceTexts {
  return { v1: otlpResourceText(resource, false), v2: otlpResourceText(resource, true) };
}

const resourceTextOf = (resource: string | ResourceTexts, v2: boolean) => (typeof resource === "string" ? resource : v2 ? resource.v2 : resource.v1);

/**
 * The form a record was sealed in: v2 when it says so (`envpod.seal.v` = 2), else v1. The version
 * is hashed (the form name is part of the text), so removing or changing it reads as a change.
 */
function isV2(record: Json): boolean {
  for (const item of asList(field(record, "attributes"))) {
    const kv = asObject(item);
    if (kv?.key === SealKey.VERSION) return Number(sealValue(kv.value)) === 2;
  }
  return false;
}

export function otlpScopeText(scope: unknown): string {
  const s = asObject(scope) ?? {};
  return `{"name":${jsonText(stringOf(field(s, "name"), "scope name"))},"version":${jsonText(stringOf(field(s, "version"), "scope version"))}}`;
}

/** The pieces of the record being read, joined once (reused: a record is read at a time). */
const pieces = new Pieces();

export function otlpSpanCanonical(span: Json, resource: string | ResourceTexts, scopeText: string): CanonicalRecord {
  const seal: SealFields = {};
  const v2 = isV2(span);
  const status = asObject(field(span, "status")) ?? {};
  const p = pieces;
  p.clear();
  p.push('{"attributes":');
  writeRecordAttributes(p, span, seal, v2 ? isUnhashedSpanKeyV2 : isUnhashedSealKey, v2);
  p.push(',"endTimeUnixNano":"', int64Text(field(span, "endTimeUnixNano", "end_time_unix_nano"), "endTimeUnixNano"));
  p.push('","events":', eventsText(asList(field(span, "events")), v2));
  p.push(v2 ? `,"form":"${SPAN_FORM}","kind":` : `,"form":"${SPAN_FORM_V1}","kind":`, String(enumOf(field(span, "kind"), SPAN_KINDS, "kind")));
  p.push(',"links":', linksText(asList(field(span, "links")), v2), ',"name":');
  writeJson(p, stringOf(field(span, "name"), "name"));
  p.push(',"parentSpanId":', idTextOf(field(span, "parentSpanId", "parent_span_id"), 8, "parentSpanId"));
  p.push(',"resource":', resourceTextOf(resource, v2), ',"scope":', scopeText);
  p.push(',"spanId":', idTextOf(field(span, "spanId", "span_id"), 8, "spanId"));
  p.push(',"startTimeUnixNano":"', int64Text(field(span, "startTimeUnixNano", "start_time_unix_nano"), "startTimeUnixNano"));
  p.push('","status":{"code":', String(enumOf(field(status, "code"), STATUS_CODES, "status code")), ',"message":');
  writeJson(p, stringOf(field(status, "message"), "status message"));
  p.push('},"traceId":', idTextOf(field(span, "traceId", "trace_id"), 16, "traceId"), "}");
  return { canonical: p.take(), seal };
}

export function otlpLogCanonical(log: Json, resource: string | ResourceTexts, scopeText: string): CanonicalRecord {
  const seal: SealFields = {};
  const v2 = isV2(log);
  const p = pieces;
  p.clear();
  p.push('{"attributes":');
  writeRecordAttributes(p, log, seal, isUnhashedSealKey, v2);
  p.push(',"body":');
  writeAnyValue(p, field(log, "body"), v2);
  p.push(',"eventName":');
  writeJson(p, stringOf(field(log, "eventName", "event_name"), "eventName"));
  p.push(v2 ? `,"form":"${LOG_FORM}"` : `,"form":"${LOG_FORM_V1}"`);
  p.push(',"observedTimeUnixNano":"', int64Text(field(log, "observedTimeUnixNano", "observed_time_unix_nano"), "observedTimeUnixNano"));
  p.push('","resource":', resourceTextOf(resource, v2), ',"scope":', scopeText);
  p.push(',"severityNumber":', String(enumOf(field(log, "severityNumber", "severity_number"), SEVERITY_NUMBERS, "severityNumber")), ',"severityText":');
  writeJson(p, stringOf(field(log, "severityText", "severity_text"), "severityText"));
  p.push(',"spanId":', idTextOf(field(log, "spanId", "span_id"), 8, "spanId"));
  p.push(',"timeUnixNano":"', int64Text(field(log, "timeUnixNano", "time_unix_nano"), "timeUnixNano"));
  p.push('","traceId":', idTextOf(field(log, "traceId", "trace_id"), 16, "traceId"), "}");
  return { canonical: p.take(), seal };
}

/** The record's attributes without the unhashed ones, collecting the seal attributes on the way. */
function writeRecordAttributes(parts: Pieces, record: Json, seal: SealFields, unhashed: (key: string) => boolean, v2: boolean): void {
  writeKeyValues(
    parts,
    asList(field(record, "attributes")),
    (key, value) => {
      const name = SEAL_FIELD[key];
      if (name !== undefined) seal[name] = sealValue(value);
      return !unhashed(key);
    },
    v2,
  );
}

function sealValue(value: unknown): unknown {
  const v = asObject(value);
  if (v === undefined) return undefined;
  return field(v, "stringValue", "string_value") ?? field(v, "intValue", "int_value") ?? field(v, "boolValue", "bool_value");
}

function eventsText(events: readonly unknown[], v2: boolean): string {
  const texts = events.map((item) => {
    const event = asObject(item);
    if (event === undefined) throw new MalformedRecord("an event is not an object");
    const name = stringOf(field(event, "name"), "event name");
    const time = int64Text(field(event, "timeUnixNano", "time_unix_nano"), "event timeUnixNano");
    return { name, text: `{"attributes":${otlpKeyValuesText(asList(field(event, "attributes")), undefined, v2)},"name":${jsonText(name)},"timeUnixNano":"${time}"}` };
  });
  texts.sort((a, b) => compareUtf16(a.name, b.name));
  return `[${texts.map((t) => t.text).join(",")}]`;
}

function linksText(links: readonly unknown[], v2: boolean): string {
  return `[${links
    .map((item) => {
      const link = asObject(item);
      if (link === undefined) throw new MalformedRecord("a link is not an object");
      const attributes = otlpKeyValuesText(asList(field(link, "attributes")), undefined, v2);
      return `{"attributes":${attributes},"spanId":${idTextOf(field(link, "spanId", "span_id"), 8, "link spanId")},"traceId":${idTextOf(field(link, "traceId", "trace_id"), 16, "link traceId")}}`;
    })
    .join(",")}]`;
}
