/**
 * The canonical form (docs/canonical-form.md) of an SDK span or log record, computed from the
 * object as @opentelemetry/otlp-transformer will encode it, written directly as RFC 8785 text.
 * Keys appear in RFC 8785 order; the test suite checks that re-canonicalizing the text is a no-op.
 */
import type { InstrumentationScope } from "@opentelemetry/core";
import type { Resource } from "@opentelemetry/resources";
import type { ReadableLogRecord } from "@opentelemetry/sdk-logs";
import type { ReadableSpan, TimedEvent } from "@opentelemetry/sdk-trace";
import { ATTR_SERVICE_NAME } from "@opentelemetry/semantic-conventions";
import type { Link } from "@opentelemetry/api";
import { noteOnce } from "../runtime/report.js";
import { compareUtf16, sortWrittenEntries, writeAnyValue, writeKeyValues } from "./canonical-values.js";
import { hrTimeText, jsonText, wellFormed } from "./canonical-text.js";
import type { CanonicalWriter } from "./canonical-bytes.js";
import { ascii, kept, writer } from "./canonical-bytes.js";
import { isUnhashedSealKey, isUnhashedSpanKeyV2 } from "./unhashed.js";
import { E_CLOSE, E_NAME, E_TIME, L_BODY, L_EVENT_NAME, L_RESOURCE, L_SEVERITY, L_SEVERITY_TEXT, L_TIME, L_TRACE_ID, S_ATTRIBUTES, S_END, S_EVENTS, S_FORM_KIND, S_LINKS, S_MESSAGE, S_NAME, S_PARENT, S_RESOURCE, S_SCOPE, S_SPAN_ID, S_START, S_STATUS, S_TRACE_ID } from "./canonical-literals.js";
import { LOG_FORM } from "./canonical-literals.js";

/** The canonical form's version: sealing writes v2; verify reads v1 and v2. */
export const FORM_VERSION = 2;
export { LOG_FORM, SPAN_FORM } from "./canonical-literals.js";
export const SPAN_FORM_V1 = "span/1";
export const LOG_FORM_V1 = "log/1";

/** The canonical form v2 of an SDK span (the checkpoint attributes it may carry are outside it). */
export function canonicalSpan(span: ReadableSpan): string {
  canonicalSpanBytes(span);
  return writer.text();
}

/** The canonical form v2 of an SDK log record. */
export function canonicalLogRecord(record: ReadableLogRecord): string {
  canonicalLogRecordBytes(record);
  return writer.text();
}

const L_FORM_OBSERVED = ascii(`,"form":"${LOG_FORM}","observedTimeUnixNano":"`);
const EMPTY_LIST = ascii("[]");
const EMPTY_STRING = ascii('""');
const K_SPAN_ID = ascii(',"spanId":');
const K_TRACE_ID = ascii(',"traceId":');
const NO_ATTRIBUTES = {};

/** The UTF-8 bytes of canonicalSpan(span), valid until the next canonical text is written. */
export function canonicalSpanBytes(span: ReadableSpan): Uint8Array {
  const w = writer;
  w.n = 0;
  const context = span.spanContext();
  const status = span.status;
  w.bytes(S_ATTRIBUTES);
  writeKeyValues(w, span.attributes, isUnhashedSpanKeyV2);
  w.bytes(S_END);
  w.ascii(hrTimeText(span.endTime));
  w.bytes(S_EVENTS);
  writeEvents(w, span.events);
  w.bytes(S_FORM_KIND);
  w.ascii(String(span.kind == null ? 0 : span.kind + 1));
  w.bytes(S_LINKS);
  writeLinks(w, span.links);
  w.bytes(S_NAME);
  w.json(span.name);
  w.bytes(S_PARENT);
  writeId(w, span.parentSpanContext?.spanId);
  w.bytes(S_RESOURCE);
  writeResource(w, span.resource);
  w.bytes(S_SCOPE);
  writeScope(w, span.instrumentationScope);
  w.bytes(S_SPAN_ID);
  writeId(w, context.spanId);
  w.bytes(S_START);
  w.ascii(hrTimeText(span.startTime));
  w.bytes(S_STATUS);
  w.ascii(String(status.code));
  w.bytes(S_MESSAGE);
  w.json(status.message ?? "");
  w.bytes(S_TRACE_ID);
  writeId(w, context.traceId);
  w.byte(0x7d);
  return w.view();
}

/** The UTF-8 bytes of canonicalLogRecord(record), valid until the next canonical text is written. */
export function canonicalLogRecordBytes(record: ReadableLogRecord): Uint8Array {
  const w = writer;
  w.n = 0;
  const context = record.spanContext;
  w.bytes(S_ATTRIBUTES);
  writeKeyValues(w, record.attributes, isUnhashedSealKey);
  w.bytes(L_BODY);
  writeAnyValue(w, record.body);
  w.bytes(L_EVENT_NAME);
  w.json(record.eventName ?? "");
  w.bytes(L_FORM_OBSERVED);
  w.ascii(hrTimeText(record.hrTimeObserved));
  w.bytes(L_RESOURCE);
  writeResource(w, record.resource);
  w.bytes(S_SCOPE);
  writeScope(w, record.instrumentationScope);
  w.bytes(L_SEVERITY);
  w.ascii(String(record.severityNumber ?? 0));
  w.bytes(L_SEVERITY_TEXT);
  w.json(record.severityText ?? "");
  w.bytes(K_SPAN_ID);
  writeId(w, context?.spanId);
  w.bytes(L_TIME);
  w.ascii(hrTimeText(record.hrTime));
  w.bytes(L_TRACE_ID);
  writeId(w, context?.traceId);
  w.byte(0x7d);
  return w.view();
}

/** Ids are lowercase hex in the canonical form ("" when absent). */
function writeId(w: CanonicalWriter, id: string | undefined): void {
  if (id) w.json(id.toLowerCase());
  else w.bytes(EMPTY_STRING);
}

/** Events in a stable order by name: Jaeger's query adjusters sort them so (stably). */
function writeEvents(w: CanonicalWriter, events: readonly TimedEvent[]): void {
  if (events.length === 0) return w.bytes(EMPTY_LIST);
  w.byte(0x5b);
  const listStart = w.n;
  const ends: number[] = [];
  let sorted = true;
  let previous = "";
  for (let i = 0; i < events.length; i++) {
    const event = events[i]!;
    if (i > 0) {
      w.byte(0x2c);
      if (sorted && compareUtf16(previous, wellFormed(event.name)) > 0) sorted = false;
    }
    previous = wellFormed(event.name);
    const start = w.n;
    w.bytes(S_ATTRIBUTES);
    writeKeyValues(w, event.attributes ?? NO_ATTRIBUTES);
    w.bytes(E_NAME);
    w.json(event.name);
    w.bytes(E_TIME);
    w.ascii(hrTimeText(event.time));
    w.bytes(E_CLOSE);
    ends.push(start, w.n);
  }
  if (!sorted) sortWrittenEntries(w, listStart, events.map((event) => wellFormed(event.name)), ends);
  w.byte(0x5d);
}

function writeLinks(w: CanonicalWriter, links: readonly Link[]): void {
  if (links.length === 0) return w.bytes(EMPTY_LIST);
  w.byte(0x5b);
  for (let i = 0; i < links.length; i++) {
    const link = links[i]!;
    if (i > 0) w.byte(0x2c);
    w.bytes(S_ATTRIBUTES);
    writeKeyValues(w, link.attributes ?? NO_ATTRIBUTES);
    w.bytes(K_SPAN_ID);
    writeId(w, link.context.spanId);
    w.bytes(K_TRACE_ID);
    writeId(w, link.context.traceId);
    w.byte(0x7d);
  }
  w.byte(0x5d);
}

const resources = new WeakMap<Resource, Uint8Array>();
const RESOURCE_OPEN = ascii(`{"attributes":[{"key":"${ATTR_SERVICE_NAME}","value":`);
const RESOURCE_CLOSE = ascii("}]}");
const NO_RESOURCE = ascii('{"attributes":[]}');

/** Of the resource, only service.name is covered: collectors legitimately add the rest (k8s.*, host.*). */
function writeResource(w: CanonicalWriter, resource: Resource): void {
  const known = resources.get(resource);
  if (known !== undefined) return w.bytes(known);
  // NodeSDK's detectors settle after the first spans; service.name is set up front in practice, so this is a note, not a loss.
  if (resource.asyncAttributesPending) noteOnce("seal: resource attributes still pending", "seal: service.name of the resource is read before its asynchronous attributes settle; if a detector changes it later, coat verify reports those records as modified");
  const start = w.n;
  const service = resource.attributes[ATTR_SERVICE_NAME];
  if (service === undefined) w.bytes(NO_RESOURCE);
  else {
    w.bytes(RESOURCE_OPEN);
    writeAnyValue(w, service);
    w.bytes(RESOURCE_CLOSE);
  }
  if (!resource.asyncAttributesPending) resources.set(resource, w.copy(start));
}

const scopes = new WeakMap<InstrumentationScope, Uint8Array>();

function writeScope(w: CanonicalWriter, scope: InstrumentationScope): void {
  let bytes = scopes.get(scope);
  if (bytes === undefined) {
    bytes = kept(Buffer.from(`{"name":${jsonText(scope.name ?? "")},"version":${jsonText(scope.version ?? "")}}`, "utf8"));
    scopes.set(scope, bytes);
  }
  w.bytes(bytes);
}
