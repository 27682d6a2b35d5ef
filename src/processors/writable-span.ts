import type { AttributeValue, Link, SpanContext, SpanStatus } from "@opentelemetry/api";
import type { ReadableSpan, TimedEvent } from "@opentelemetry/sdk-trace";

/** What the rewriting stages need of a span: the SDK span inside onEnding, or a SpanCopy. */
export interface WritableSpan extends ReadableSpan {
  updateName(name: string): unknown;
  setStatus(status: SpanStatus): unknown;
  setAttribute(key: string, value: AttributeValue): unknown;
}

/**
 * A writable copy of an ended span, for SDKs older than sdk-trace-base 2.3.0 that never call
 * onEnding. Built field by field (a spread would lose the SDK's getters); resource and scope
 * stay the same objects because the OTLP serializers group spans by their identity.
 */
export class SpanCopy implements WritableSpan {
  name: string;
  status: SpanStatus;
  readonly kind;
  readonly spanContext: () => SpanContext;
  readonly parentSpanContext;
  readonly startTime;
  readonly endTime;
  attributes;
  readonly links: Link[];
  readonly events: TimedEvent[];
  readonly duration;
  readonly ended;
  readonly resource;
  readonly instrumentationScope;
  readonly droppedAttributesCount;
  readonly droppedEventsCount;
  readonly droppedLinksCount;

  constructor(span: ReadableSpan) {
    this.name = span.name;
    this.kind = span.kind;
    const context = span.spanContext();
    this.spanContext = () => context;
    this.parentSpanContext = span.parentSpanContext;
    this.startTime = span.startTime;
    this.endTime = span.endTime;
    this.status = { ...span.status };
    this.attributes = { ...span.attributes };
    this.links = span.links.slice();
    this.events = span.events.slice();
    this.duration = span.duration;
    this.ended = span.ended;
    this.resource = span.resource;
    this.instrumentationScope = span.instrumentationScope;
    this.droppedAttributesCount = span.droppedAttributesCount;
    this.droppedEventsCount = span.droppedEventsCount;
    this.droppedLinksCount = span.droppedLinksCount;
  }

  updateName(name: string): this {
    this.name = name;
    return this;
  }

  setStatus(status: SpanStatus): this {
    this.status = { ...status };
    return this;
  }

  setAttribute(key: string, value: AttributeValue): this {
    this.attributes[key] = value;
    return this;
  }
}
