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
import { compareUtf16, anyValueText, flat, keyValuesText } from "./canonical-values.js";
import { hrTimeText, idText, jsonText, wellFormed } from "./canonical-text.js";
import { isUnhashedSealKey, isUnhashedSpanKeyV2 } from "./unhashed.js";

/** The canonical form's version: sealing writes v2; verify reads v1 and v2. */
export const FORM_VERSION = 2;
export const SPAN_FORM = "span/2";
export const LOG_FORM = "log/2";
export const SPAN_FORM_V1 = "span/1";
export const LOG_FORM_V1 = "log/1";

/** The canonical form v2 of an SDK span (the checkpoint attributes it may carry are outside it). */
export function canonicalSpan(span: ReadableSpan): string {
  const context = span.spanContext();
  const status = span.status;
  return (
    `{"attributes":${keyValuesText(span.attributes, isUnhashedSpanKeyV2)}` +
    `,"endTimeUnixNano":"${hrTimeText(span.endTime)}"` +
    `,"events":${eventsText(span.events)}` +
    `,"form":"${SPAN_FORM}"` +
    `,"kind":${span.kind == null ? 0 : span.kind + 1}` +
    `,"links":${linksText(span.links)}` +
    `,"name":${jsonText(span.name)}` +
    `,"parentSpanId":${idText(span.parentSpanContext?.spanId)}` +
    `,"resource":${resourceText(span.resource)}` +
    `,"scope":${scopeText(span.instrumentationScope)}` +
    `,"spanId":${idText(context.spanId)}` +
    `,"startTimeUnixNano":"${hrTimeText(span.startTime)}"` +
    `,"status":{"code":${status.code},"message":${jsonText(status.message ?? "")}}` +
    `,"traceId":${idText(context.traceId)}}`
  );
}

/** The canonical form v2 of an SDK log record. */
export function canonicalLogRecord(record: ReadableLogRecord): string {
  const context = record.spanContext;
  return (
    `{"attributes":${keyValuesText(record.attributes, isUnhashedSealKey)}` +
    `,"body":${anyValueText(record.body)}` +
    `,"eventName":${jsonText(record.eventName ?? "")}` +
    `,"form":"${LOG_FORM}"` +
    `,"observedTimeUnixNano":"${hrTimeText(record.hrTimeObserved)}"` +
    `,"resource":${resourceText(record.resource)}` +
    `,"scope":${scopeText(record.instrumentationScope)}` +
    `,"severityNumber":${record.severityNumber ?? 0}` +
    `,"severityText":${jsonText(record.severityText ?? "")}` +
    `,"spanId":${idText(context?.spanId)}` +
    `,"timeUnixNano":"${hrTimeText(record.hrTime)}"` +
    `,"traceId":${idText(context?.traceId)}}`
  );
}

/** Events in a stable order by name: Jaeger's query adjusters sort them so (stably). */
function eventsText(events: readonly TimedEvent[]): string {
  if (events.length === 0) return "[]";
  const texts = events.map((event) => ({
    name: wellFormed(event.name),
    text: `{"attributes":${keyValuesText(event.attributes ?? {})},"name":${jsonText(event.name)},"timeUnixNano":"${hrTimeText(event.time)}"}`,
  }));
  if (texts.length > 1) texts.sort((a, b) => compareUtf16(a.name, b.name));
  return `[${texts.map((t) => t.text).join(",")}]`;
}

function linksText(links: readonly Link[]): string {
  if (links.length === 0) return "[]";
  return `[${links
    .map((link) => `{"attributes":${keyValuesText(link.attributes ?? {})},"spanId":${idText(link.context.spanId)},"traceId":${idText(link.context.traceId)}}`)
    .join(",")}]`;
}

const resources = new WeakMap<Resource, string>();

/** Of the resource, only service.name is covered: collectors legitimately add the rest (k8s.*, host.*). */
function resourceText(resource: Resource): string {
  const known = resources.get(resource);
  if (known !== undefined) return known;
  // NodeSDK's detectors settle after the first spans; service.name is set up front in practice, so this is a note, not a loss.
  if (resource.asyncAttributesPending) noteOnce("seal: resource attributes still pending", "seal: service.name of the resource is read before its asynchronous attributes settle; if a detector changes it later, coat verify reports those records as modified");
  const service = resource.attributes[ATTR_SERVICE_NAME];
  const text = `{"attributes":[${service === undefined ? "" : `{"key":"${ATTR_SERVICE_NAME}","value":${anyValueText(service)}}`}]}`;
  if (!resource.asyncAttributesPending) resources.set(resource, flat(text));
  return text;
}

const scopes = new WeakMap<InstrumentationScope, string>();

function scopeText(scope: InstrumentationScope): string {
  let text = scopes.get(scope);
  if (text === undefined) {
    text = flat(`{"name":${jsonText(scope.name ?? "")},"version":${jsonText(scope.version ?? "")}}`);
    scopes.set(scope, text);
  }
  return text;
}
