/**
 * What a checkpoint travels in: in span chains a sealed span of the chain that is exported anyway
 * (never a span of its own, which viewers would list as a trace); in log chains a log record of its
 * own, built here rather than through a logger so that it never depends on a global provider or on
 * a provider that is already shutting down (a LoggerProvider refuses to emit once shutdown() began,
 * which is exactly when the final checkpoint is due).
 */
import type { Attributes, HrTime, Link, SpanContext, SpanKind, SpanStatus } from "@opentelemetry/api";
import type { AnyValue, AnyValueMap } from "../runtime/log-api.js";
import { Severity } from "../runtime/log-api.js";
import type { InstrumentationScope } from "@opentelemetry/core";
import { millisToHrTime } from "@opentelemetry/core";
import type { Resource } from "@opentelemetry/resources";
import type { ReadWriteLogRecord } from "@opentelemetry/sdk-logs";
import type { ReadableSpan, TimedEvent } from "@opentelemetry/sdk-trace";
import { SEAL_CHECKPOINT_NAME } from "../dialects/keys.js";
import { VERSION } from "../runtime/version.js";

/** Instrumentation scope of checkpoint records. */
export const SEAL_SCOPE: InstrumentationScope = Object.freeze({ name: "agent-coat.seal", version: VERSION });

/**
 * A sealed span as it is handed to export with a checkpoint attached: the span's own fields, the
 * same objects (resource and scope by identity: the OTLP serializers group spans by them), and its
 * attributes plus the checkpoint's. Built field by field (a spread would lose the SDK's getters);
 * the ended SDK span itself is never changed.
 */
export class CheckpointCarrier implements ReadableSpan {
  readonly name: string;
  readonly kind: SpanKind;
  readonly parentSpanContext: SpanContext | undefined;
  readonly startTime: HrTime;
  readonly endTime: HrTime;
  readonly duration: HrTime;
  readonly status: SpanStatus;
  readonly attributes: Attributes;
  readonly links: Link[];
  readonly events: TimedEvent[];
  readonly ended: boolean;
  readonly droppedAttributesCount: number;
  readonly droppedEventsCount: number;
  readonly droppedLinksCount: number;
  readonly resource: Resource;
  readonly instrumentationScope: InstrumentationScope;
  private readonly context: SpanContext;

  constructor(span: ReadableSpan, checkpoint: Attributes) {
    this.name = span.name;
    this.kind = span.kind;
    this.context = span.spanContext();
    this.parentSpanContext = span.parentSpanContext;
    this.startTime = span.startTime;
    this.endTime = span.endTime;
    this.duration = span.duration;
    this.status = span.status;
    this.attributes = { ...span.attributes, ...checkpoint };
    this.links = span.links;
    this.events = span.events;
    this.ended = span.ended;
    this.droppedAttributesCount = span.droppedAttributesCount;
    this.droppedEventsCount = span.droppedEventsCount;
    this.droppedLinksCount = span.droppedLinksCount;
    this.resource = span.resource;
    this.instrumentationScope = span.instrumentationScope;
  }

  spanContext(): SpanContext {
    return this.context;
  }
}

/** A checkpoint as a log record (event name envpod.seal.checkpoint, no body). */
export class CheckpointLogRecord implements ReadWriteLogRecord {
  hrTime: HrTime;
  hrTimeObserved: HrTime;
  spanContext?: SpanContext;
  severityNumber?: number = Severity.INFO;
  severityText?: string = "INFO";
  body?: AnyValue;
  eventName?: string = SEAL_CHECKPOINT_NAME;
  readonly attributes: AnyValueMap = {};
  readonly droppedAttributesCount = 0;
  readonly instrumentationScope = SEAL_SCOPE;

  constructor(readonly resource: Resource) {
    this.hrTime = this.hrTimeObserved = millisToHrTime(Date.now());
  }

  setAttribute(key: string, value?: AnyValue): this {
    (this.attributes as Record<string, AnyValue | undefined>)[key] = value;
    return this;
  }

  setAttributes(attributes: AnyValueMap): this {
    Object.assign(this.attributes, attributes);
    return this;
  }

  setBody(body: AnyValue): this {
    this.body = body;
    return this;
  }

  setEventName(eventName: string): this {
    this.eventName = eventName;
    return this;
  }

  setSeverityNumber(severityNumber: number): this {
    this.severityNumber = severityNumber;
    return this;
  }

  setSeverityText(severityText: string): this {
    this.severityText = severityText;
    return this;
  }
}
