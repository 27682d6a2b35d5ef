/**
 * The canonical form of a span or log record read back from OTLP JSON, with its seal attributes:
 * the counterpart of canonical-sdk.ts, giving byte-identical text for an unchanged record.
 */
import { ATTR_SERVICE_NAME } from "@opentelemetry/semantic-conventions";
import { SealKey } from "../dialects/keys.js";
import { LOG_FORM, SPAN_FORM } from "./canonical-sdk.js";
import { compareUtf16 } from "./canonical-values.js";
import { jsonText } from "./canonical-text.js";
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
  otlpAnyValueText,
  otlpKeyValuesText,
  stringOf,
} from "./otlp-values.js";
import { isUnhashedSealKey } from "./unhashed.js";

/** The seal attributes of a record as they read (types checked later, by the verifier). */
export interface SealFields {
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
  [SealKey.CHAIN]: "chain",
  [SealKey.SEQ]: "seq",
  [SealKey.PREV]: "prev",
  [SealKey.HASH]: "hash",
  [SealKey.CHECKPOINT_FINAL]: "final",
  [SealKey.KEY_ID]: "keyId",
  [SealKey.SIGNATURE]: "signature",
};

/** Resource text of canonical-sdk.ts: only service.name is covered. */
export function otlpResourceText(resource: unknown): string {
  const attributes = asList(field(asObject(resource) ?? {}, "attributes"));
  return `{"attributes":${otlpKeyValuesText(attributes, (key) => key === ATTR_SERVICE_NAME)}}`;
}

export function otlpScopeText(scope: unknown): string {
  const s = asObject(scope) ?? {};
  return `{"name":${jsonText(stringOf(field(s, "name"), "scope name"))},"version":${jsonText(stringOf(field(s, "version"), "scope version"))}}`;
}

export function otlpSpanCanonical(span: Json, resourceText: string, scopeText: string): CanonicalRecord {
  const seal: SealFields = {};
  const status = asObject(field(span, "status")) ?? {};
  const canonical =
    `{"attributes":${recordAttributesText(span, seal)}` +
    `,"endTimeUnixNano":"${int64Text(field(span, "endTimeUnixNano", "end_time_unix_nano"), "endTimeUnixNano")}"` +
    `,"events":${eventsText(asList(field(span, "events")))}` +
    `,"form":"${SPAN_FORM}"` +
    `,"kind":${enumOf(field(span, "kind"), SPAN_KINDS, "kind")}` +
    `,"links":${linksText(asList(field(span, "links")))}` +
    `,"name":${jsonText(stringOf(field(span, "name"), "name"))}` +
    `,"parentSpanId":${idTextOf(field(span, "parentSpanId", "parent_span_id"), 8, "parentSpanId")}` +
    `,"resource":${resourceText}` +
    `,"scope":${scopeText}` +
    `,"spanId":${idTextOf(field(span, "spanId", "span_id"), 8, "spanId")}` +
    `,"startTimeUnixNano":"${int64Text(field(span, "startTimeUnixNano", "start_time_unix_nano"), "startTimeUnixNano")}"` +
    `,"status":{"code":${enumOf(field(status, "code"), STATUS_CODES, "status code")},"message":${jsonText(stringOf(field(status, "message"), "status message"))}}` +
    `,"traceId":${idTextOf(field(span, "traceId", "trace_id"), 16, "traceId")}}`;
  return { canonical, seal };
}

export function otlpLogCanonical(log: Json, resourceText: string, scopeText: string): CanonicalRecord {
  const seal: SealFields = {};
  const canonical =
    `{"attributes":${recordAttributesText(log, seal)}` +
    `,"body":${otlpAnyValueText(field(log, "body"))}` +
    `,"eventName":${jsonText(stringOf(field(log, "eventName", "event_name"), "eventName"))}` +
    `,"form":"${LOG_FORM}"` +
    `,"observedTimeUnixNano":"${int64Text(field(log, "observedTimeUnixNano", "observed_time_unix_nano"), "observedTimeUnixNano")}"` +
    `,"resource":${resourceText}` +
    `,"scope":${scopeText}` +
    `,"severityNumber":${enumOf(field(log, "severityNumber", "severity_number"), SEVERITY_NUMBERS, "severityNumber")}` +
    `,"severityText":${jsonText(stringOf(field(log, "severityText", "severity_text"), "severityText"))}` +
    `,"spanId":${idTextOf(field(log, "spanId", "span_id"), 8, "spanId")}` +
    `,"timeUnixNano":"${int64Text(field(log, "timeUnixNano", "time_unix_nano"), "timeUnixNano")}"` +
    `,"traceId":${idTextOf(field(log, "traceId", "trace_id"), 16, "traceId")}}`;
  return { canonical, seal };
}

/** The record's attributes without its own hash and signature, collecting the seal attributes on the way. */
function recordAttributesText(record: Json, seal: SealFields): string {
  return otlpKeyValuesText(asList(field(record, "attributes")), (key, value) => {
    const name = SEAL_FIELD[key];
    if (name !== undefined) seal[name] = sealValue(value);
    return !isUnhashedSealKey(key);
  });
}

function sealValue(value: unknown): unknown {
  const v = asObject(value);
  if (v === undefined) return undefined;
  return field(v, "stringValue", "string_value") ?? field(v, "intValue", "int_value") ?? field(v, "boolValue", "bool_value");
}

function eventsText(events: readonly unknown[]): string {
  const texts = events.map((item) => {
    const event = asObject(item);
    if (event === undefined) throw new MalformedRecord("an event is not an object");
    const name = stringOf(field(event, "name"), "event name");
    const time = int64Text(field(event, "timeUnixNano", "time_unix_nano"), "event timeUnixNano");
    return { name, text: `{"attributes":${otlpKeyValuesText(asList(field(event, "attributes")))},"name":${jsonText(name)},"timeUnixNano":"${time}"}` };
  });
  texts.sort((a, b) => compareUtf16(a.name, b.name));
  return `[${texts.map((t) => t.text).join(",")}]`;
}

function linksText(links: readonly unknown[]): string {
  return `[${links
    .map((item) => {
      const link = asObject(item);
      if (link === undefined) throw new MalformedRecord("a link is not an object");
      const attributes = otlpKeyValuesText(asList(field(link, "attributes")));
      return `{"attributes":${attributes},"spanId":${idTextOf(field(link, "spanId", "span_id"), 8, "link spanId")},"traceId":${idTextOf(field(link, "traceId", "trace_id"), 16, "link traceId")}}`;
    })
    .join(",")}]`;
}
