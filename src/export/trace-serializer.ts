import type { Link, SpanContext, SpanStatus } from "@opentelemetry/api";
import type { IExportTraceServiceResponse, ISerializer } from "@opentelemetry/otlp-transformer";
import { ProtobufTraceSerializer } from "@opentelemetry/otlp-transformer";
import type { ReadableSpan, TimedEvent } from "@opentelemetry/sdk-trace";
import { writeAttributes } from "./any-value.js";
import { protobufSerializer } from "./request.js";
import { writeHrTime } from "./hr-time.js";
import type { ProtoWriter } from "./proto-writer.js";

const HAS_IS_REMOTE = 0x100;
const IS_REMOTE = 0x200;

/** One Span, with its tag. */
function writeSpan(w: ProtoWriter, span: ReadableSpan): void {
  w.byte(0x12);
  const at = w.startLength();
  const context = span.spanContext();
  writeIds(w, context);
  const parent = span.parentSpanContext;
  if (parent?.spanId) {
    w.byte(0x22);
    w.hex(parent.spanId);
  }
  w.byte(0x2a);
  w.string(span.name);
  // OTLP's SpanKind counts from UNSPECIFIED = 0, the API's from INTERNAL = 0.
  const kind = span.kind == null ? 0 : span.kind + 1;
  if (kind !== 0) {
    w.byte(0x30);
    w.varint(kind);
  }
  w.byte(0x39);
  writeHrTime(w, span.startTime);
  w.byte(0x41);
  writeHrTime(w, span.endTime);
  if (span.attributes) writeAttributes(w, span.attributes, 0x4a);
  w.byte(0x50);
  w.varint(span.droppedAttributesCount);
  for (const event of span.events) writeEvent(w, event);
  w.byte(0x60);
  w.varint(span.droppedEventsCount);
  for (const link of span.links) writeLink(w, link);
  w.byte(0x70);
  w.varint(span.droppedLinksCount);
  writeStatus(w, span.status);
  w.byte(0x85);
  w.byte(0x01);
  w.fixed32(spanFlags(context.traceFlags, parent?.isRemote));
  w.finishLength(at);
}

function writeEvent(w: ProtoWriter, event: TimedEvent & { droppedAttributesCount?: number }): void {
  w.byte(0x5a);
  const at = w.startLength();
  w.byte(0x09);
  writeHrTime(w, event.time);
  w.byte(0x12);
  w.string(event.name);
  if (event.attributes) writeAttributes(w, event.attributes, 0x1a);
  w.byte(0x20);
  w.varint(event.droppedAttributesCount || 0);
  w.finishLength(at);
}

/** trace_id, span_id and trace_state: fields 1–3 of both Span and Span.Link. */
function writeIds(w: ProtoWriter, context: SpanContext): void {
  w.byte(0x0a);
  w.hex(context.traceId);
  w.byte(0x12);
  w.hex(context.spanId);
  const traceState = context.traceState?.serialize();
  if (traceState) {
    w.byte(0x1a);
    w.string(traceState);
  }
}

function writeLink(w: ProtoWriter, link: Link): void {
  w.byte(0x6a);
  const at = w.startLength();
  const context = link.context;
  writeIds(w, context);
  if (link.attributes) writeAttributes(w, link.attributes, 0x22);
  w.byte(0x28);
  w.varint(link.droppedAttributesCount || 0);
  w.byte(0x35);
  w.fixed32(spanFlags(context.traceFlags, context.isRemote));
  w.finishLength(at);
}

function writeStatus(w: ProtoWriter, status: SpanStatus): void {
  w.byte(0x7a);
  const at = w.startLength();
  if (status.message) {
    w.byte(0x12);
    w.string(status.message);
  }
  w.byte(0x18);
  w.varint(status.code);
  w.finishLength(at);
}

/** Never 0 (HAS_IS_REMOTE is always set), so the flags field is always written. */
function spanFlags(traceFlags: number, isRemote: boolean | undefined): number {
  const flags = (traceFlags & 0xff) | HAS_IS_REMOTE;
  return isRemote ? flags | IS_REMOTE : flags;
}

/** ExportTraceServiceRequest as protobuf, byte for byte what OTel's ProtobufTraceSerializer writes. */
export const traceProtobufSerializer: ISerializer<ReadableSpan[], IExportTraceServiceResponse> = protobufSerializer(writeSpan, (data) => ProtobufTraceSerializer.deserializeResponse(data));
