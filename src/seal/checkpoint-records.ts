/**
 * The records a checkpoint travels in: a span for span chains, a log record for log chains.
 * They are built here rather than through a tracer or logger so that a checkpoint never depends on
 * sampling, on a global provider, or on a provider that is already shutting down (a LoggerProvider
 * refuses to emit once shutdown() began, which is exactly when the final checkpoint is due).
 */
import type { Attributes, HrTime, Link, SpanContext, SpanStatus } from "@opentelemetry/api";
import { SpanKind, SpanStatusCode, TraceFlags } from "@opentelemetry/api";
import type { AnyValue, LogAttributes, LogBody } from "@opentelemetry/api-logs";
import { SeverityNumber } from "@opentelemetry/api-logs";
import type { InstrumentationScope } from "@opentelemetry/core";
import { millisToHrTime } from "@opentelemetry/core";
import type { Resource } from "@opentelemetry/resources";
import type { SdkLogRecord } from "@opentelemetry/sdk-logs";
import type { ReadableSpan, TimedEvent } from "@opentelemetry/sdk-trace-base";
import { randomBytes } from "node:crypto";
import { SEAL_CHECKPOINT_NAME } from "../dialects/keys.js";
import { VERSION } from "../runtime/version.js";

/** Instrumentation scope of checkpoint records. */
export const SEAL_SCOPE: InstrumentationScope = Object.freeze({ name: "agent-coat.seal", version: VERSION });

/** A checkpoint as an ended root span. Its trace id is the chain id: a chain's checkpoints form one trace. */
export class CheckpointSpan implements ReadableSpan {
  readonly name = SEAL_CHECKPOINT_NAME;
  readonly kind = SpanKind.INTERNAL;
  readonly parentSpanContext = undefined;
  readonly startTime: HrTime;
  readonly endTime: HrTime;
  readonly duration: HrTime = [0, 0];
  readonly status: SpanStatus = { code: SpanStatusCode.UNSET };
  readonly attributes: Attributes = {};
  readonly links: Link[] = [];
  readonly events: TimedEvent[] = [];
  readonly ended = true;
  readonly droppedAttributesCount = 0;
  readonly droppedEventsCount = 0;
  readonly droppedLinksCount = 0;
  readonly instrumentationScope = SEAL_SCOPE;
  private readonly context: SpanContext;

  constructor(
    chain: string,
    readonly resource: Resource,
  ) {
    this.startTime = this.endTime = millisToHrTime(Date.now());
    this.context = { traceId: chain, spanId: randomBytes(8).toString("hex"), traceFlags: TraceFlags.SAMPLED };
  }

  spanContext(): SpanContext {
    return this.context;
  }
}

/** A checkpoint as a log record (event name envpod.seal.checkpoint, no body). */
export class CheckpointLogRecord implements SdkLogRecord {
  hrTime: HrTime;
  hrTimeObserved: HrTime;
  spanContext?: SpanContext;
  severityNumber?: SeverityNumber = SeverityNumber.INFO;
  severityText?: string = "INFO";
  body?: LogBody;
  eventName?: string = SEAL_CHECKPOINT_NAME;
  readonly attributes: LogAttributes = {};
  readonly droppedAttributesCount = 0;
  readonly instrumentationScope = SEAL_SCOPE;

  constructor(readonly resource: Resource) {
    this.hrTime = this.hrTimeObserved = millisToHrTime(Date.now());
  }

  setAttribute(key: string, value?: AnyValue): this {
    (this.attributes as Record<string, AnyValue | undefined>)[key] = value;
    return this;
  }

  setAttributes(attributes: LogAttributes): this {
    Object.assign(this.attributes, attributes);
    return this;
  }

  setBody(body: LogBody): this {
    this.body = body;
    return this;
  }

  setEventName(eventName: string): this {
    this.eventName = eventName;
    return this;
  }

  setSeverityNumber(severityNumber: SeverityNumber): this {
    this.severityNumber = severityNumber;
    return this;
  }

  setSeverityText(severityText: string): this {
    this.severityText = severityText;
    return this;
  }
}
