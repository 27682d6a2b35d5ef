/**
 * What a checkpoint travels in, in log chains: a log record of its own (span chains carry theirs on
 * a sealed span, see seal-spans.ts), built here rather than through a logger so that it never depends on a global provider or on
 * a provider that is already shutting down (a LoggerProvider refuses to emit once shutdown() began,
 * which is exactly when the final checkpoint is due).
 */
import type { HrTime, SpanContext } from "@opentelemetry/api";
import type { AnyValue, AnyValueMap } from "../runtime/log-api.js";
import { Severity } from "../runtime/log-api.js";
import type { InstrumentationScope } from "@opentelemetry/core";
import { millisToHrTime } from "@opentelemetry/core";
import type { Resource } from "@opentelemetry/resources";
import type { ReadWriteLogRecord } from "@opentelemetry/sdk-logs";
import { SEAL_CHECKPOINT_NAME } from "../dialects/keys.js";
import { VERSION } from "../runtime/version.js";

/** Instrumentation scope of checkpoint records. */
export const SEAL_SCOPE: InstrumentationScope = Object.freeze({ name: "agent-coat.seal", version: VERSION });

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
