/**
 * The canonical form of a span or log record read back from OTLP JSON, with its seal attributes:
 * the counterpart of canonical-sdk.ts, giving byte-identical text for an unchanged record.
 */
import { ATTR_SERVICE_NAME } from "@opentelemetry/semantic-conventions";
import { SealKey } from "../dialects/keys.js";
import { LOG_FORM, LOG_FORM_V1, SPAN_FORM_V1 } from "./canonical-sdk.js";
import { compareUtf16, sortWrittenEntries } from "./canonical-values.js";
import { jsonText } from "./canonical-text.js";
import type { CanonicalWriter } from "./canonical-bytes.js";
import { ascii, kept } from "./canonical-bytes.js";
import { sha256Hex } from "./chain.js";
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
  int64Text,
  otlpKeyValuesText,
  otlpWriter,
  stringOf,
  writeAnyValue,
  writeIdOf,
  writeKeyValues,
} from "./otlp-values.js";
import { isUnhashedSealKey, isUnhashedSpanKeyV2 } from "./unhashed.js";
import { E_CLOSE, E_NAME, E_TIME, L_BODY, L_EVENT_NAME, L_RESOURCE, L_SEVERITY, L_SEVERITY_TEXT, L_TIME, L_TRACE_ID, S_ATTRIBUTES, S_END, S_EVENTS, S_FORM_KIND, S_LINKS, S_MESSAGE, S_NAME, S_PARENT, S_RESOURCE, S_SCOPE, S_SPAN_ID, S_START, S_STATUS, S_TRACE_ID } from "./canonical-literals.js";

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

/** A record read and hashed: the SHA-256 (hex) of its canonical form's UTF-8 bytes. */
export interface HashedRecord {
  hash: string;
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

/** A resource's canonical text in both forms, as UTF-8 bytes (computed once per resource, written into every record). */
export interface ResourceBytes {
  v1Bytes: Uint8Array;
  v2Bytes: Uint8Array;
}

export function otlpResourceBytes(resource: unknown): ResourceBytes {
  const texts = otlpResourceTexts(resource);
  const v1Bytes = utf8(texts.v1);
  return { v1Bytes, v2Bytes: texts.v2 === texts.v1 ? v1Bytes : utf8(texts.v2) };
}

/** The scope's canonical text as UTF-8 bytes. */
export function otlpScopeBytes(scope: unknown): Uint8Array {
  return utf8(otlpScopeText(scope));
}

const utf8 = (text: string): Uint8Array => kept(Buffer.from(text, "utf8"));

type ResourceForm = string | ResourceTexts | ResourceBytes;
type ScopeForm = string | Uint8Array;

function writeResource(w: CanonicalWriter, resource: ResourceForm, v2: boolean): void {
  if (typeof resource === "string") w.bytes(Buffer.from(resource, "utf8"));
  else if ("v1Bytes" in resource) w.bytes(v2 ? resource.v2Bytes : resource.v1Bytes);
  else w.bytes(Buffer.from(v2 ? resource.v2 : resource.v1, "utf8"));
}

function writeScope(w: CanonicalWriter, scope: ScopeForm): void {
  w.bytes(typeof scope === "string" ? Buffer.from(scope, "utf8") : scope);
}

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

const S_FORM_KIND_V1 = ascii(`,"form":"${SPAN_FORM_V1}","kind":`);
const L_FORM = ascii(`,"form":"${LOG_FORM}"`);
const L_FORM_V1 = ascii(`,"form":"${LOG_FORM_V1}"`);
const L_OBSERVED = ascii(',"observedTimeUnixNano":"');
const K_SPAN_ID = ascii(',"spanId":');
const K_TRACE_ID = ascii(',"traceId":');

export function otlpSpanCanonical(span: Json, resource: ResourceForm, scope: ScopeForm): CanonicalRecord {
  const w = otlpWriter;
  const seal = writeSpan(w, span, resource, scope);
  return { canonical: w.text(), seal };
}

export function otlpLogCanonical(log: Json, resource: ResourceForm, scope: ScopeForm): CanonicalRecord {
  const w = otlpWriter;
  const seal = writeLog(w, log, resource, scope);
  return { canonical: w.text(), seal };
}

/** The seal attributes of a span and the hash of its canonical form, hashed from its bytes. */
export function otlpSpanHashed(span: Json, resource: ResourceForm, scope: ScopeForm): HashedRecord {
  const w = otlpWriter;
  const seal = writeSpan(w, span, resource, scope);
  return { hash: sha256Hex(w.view()), seal };
}

export function otlpLogHashed(log: Json, resource: ResourceForm, scope: ScopeForm): HashedRecord {
  const w = otlpWriter;
  const seal = writeLog(w, log, resource, scope);
  return { hash: sha256Hex(w.view()), seal };
}

/** Writes the span's canonical form into `w` from its start; returns its seal attributes. */
function writeSpan(w: CanonicalWriter, span: Json, resource: ResourceForm, scope: ScopeForm): SealFields {
  const seal: SealFields = {};
  const v2 = isV2(span);
  const status = asObject(field(span, "status")) ?? {};
  w.n = 0;
  w.bytes(S_ATTRIBUTES);
  writeRecordAttributes(w, span, seal, v2 ? isUnhashedSpanKeyV2 : isUnhashedSealKey, v2);
  w.bytes(S_END);
  w.ascii(int64Text(field(span, "endTimeUnixNano", "end_time_unix_nano"), "endTimeUnixNano"));
  w.bytes(S_EVENTS);
  writeEvents(w, asList(field(span, "events")), v2);
  w.bytes(v2 ? S_FORM_KIND : S_FORM_KIND_V1);
  w.ascii(String(enumOf(field(span, "kind"), SPAN_KINDS, "kind")));
  w.bytes(S_LINKS);
  writeLinks(w, asList(field(span, "links")), v2);
  w.bytes(S_NAME);
  w.json(stringOf(field(span, "name"), "name"));
  w.bytes(S_PARENT);
  writeIdOf(w, field(span, "parentSpanId", "parent_span_id"), 8, "parentSpanId");
  w.bytes(S_RESOURCE);
  writeResource(w, resource, v2);
  w.bytes(S_SCOPE);
  writeScope(w, scope);
  w.bytes(S_SPAN_ID);
  writeIdOf(w, field(span, "spanId", "span_id"), 8, "spanId");
  w.bytes(S_START);
  w.ascii(int64Text(field(span, "startTimeUnixNano", "start_time_unix_nano"), "startTimeUnixNano"));
  w.bytes(S_STATUS);
  w.ascii(String(enumOf(field(status, "code"), STATUS_CODES, "status code")));
  w.bytes(S_MESSAGE);
  w.json(stringOf(field(status, "message"), "status message"));
  w.bytes(S_TRACE_ID);
  writeIdOf(w, field(span, "traceId", "trace_id"), 16, "traceId");
  w.byte(0x7d);
  return seal;
}

function writeLog(w: CanonicalWriter, log: Json, resource: ResourceForm, scope: ScopeForm): SealFields {
  const seal: SealFields = {};
  const v2 = isV2(log);
  w.n = 0;
  w.bytes(S_ATTRIBUTES);
  writeRecordAttributes(w, log, seal, isUnhashedSealKey, v2);
  w.bytes(L_BODY);
  writeAnyValue(w, field(log, "body"), v2);
  w.bytes(L_EVENT_NAME);
  w.json(stringOf(field(log, "eventName", "event_name"), "eventName"));
  w.bytes(v2 ? L_FORM : L_FORM_V1);
  w.bytes(L_OBSERVED);
  w.ascii(int64Text(field(log, "observedTimeUnixNano", "observed_time_unix_nano"), "observedTimeUnixNano"));
  w.bytes(L_RESOURCE);
  writeResource(w, resource, v2);
  w.bytes(S_SCOPE);
  writeScope(w, scope);
  w.bytes(L_SEVERITY);
  w.ascii(String(enumOf(field(log, "severityNumber", "severity_number"), SEVERITY_NUMBERS, "severityNumber")));
  w.bytes(L_SEVERITY_TEXT);
  w.json(stringOf(field(log, "severityText", "severity_text"), "severityText"));
  w.bytes(K_SPAN_ID);
  writeIdOf(w, field(log, "spanId", "span_id"), 8, "spanId");
  w.bytes(L_TIME);
  w.ascii(int64Text(field(log, "timeUnixNano", "time_unix_nano"), "timeUnixNano"));
  w.bytes(L_TRACE_ID);
  writeIdOf(w, field(log, "traceId", "trace_id"), 16, "traceId");
  w.byte(0x7d);
  return seal;
}

/** The record's attributes without the unhashed ones, collecting the seal attributes on the way. */
function writeRecordAttributes(w: CanonicalWriter, record: Json, seal: SealFields, unhashed: (key: string) => boolean, v2: boolean): void {
  writeKeyValues(
    w,
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

/** Events in a stable order by name (Jaeger's query adjusters sort them so). */
function writeEvents(w: CanonicalWriter, events: readonly unknown[], v2: boolean): void {
  w.byte(0x5b);
  if (events.length === 0) return w.byte(0x5d);
  const listStart = w.n;
  const names: string[] = [];
  const ends: number[] = [];
  let sorted = true;
  for (let i = 0; i < events.length; i++) {
    const event = asObject(events[i]);
    if (event === undefined) throw new MalformedRecord("an event is not an object");
    const name = stringOf(field(event, "name"), "event name");
    const time = int64Text(field(event, "timeUnixNano", "time_unix_nano"), "event timeUnixNano");
    if (i > 0) {
      w.byte(0x2c);
      if (sorted && compareUtf16(names[i - 1]!, name) > 0) sorted = false;
    }
    names.push(name);
    const start = w.n;
    w.bytes(S_ATTRIBUTES);
    writeKeyValues(w, asList(field(event, "attributes")), undefined, v2);
    w.bytes(E_NAME);
    w.json(name);
    w.bytes(E_TIME);
    w.ascii(time);
    w.bytes(E_CLOSE);
    ends.push(start, w.n);
  }
  if (!sorted) sortWrittenEntries(w, listStart, names, ends);
  w.byte(0x5d);
}

function writeLinks(w: CanonicalWriter, links: readonly unknown[], v2: boolean): void {
  w.byte(0x5b);
  for (let i = 0; i < links.length; i++) {
    const link = asObject(links[i]);
    if (link === undefined) throw new MalformedRecord("a link is not an object");
    if (i > 0) w.byte(0x2c);
    w.bytes(S_ATTRIBUTES);
    writeKeyValues(w, asList(field(link, "attributes")), undefined, v2);
    w.bytes(K_SPAN_ID);
    writeIdOf(w, field(link, "spanId", "span_id"), 8, "link spanId");
    w.bytes(K_TRACE_ID);
    writeIdOf(w, field(link, "traceId", "trace_id"), 16, "link traceId");
    w.byte(0x7d);
  }
  w.byte(0x5d);
}
