import { SemanticConventions } from "@arizeai/openinference-semantic-conventions";
import type { Attributes, AttributeValue } from "@opentelemetry/api";
import type { LogRecordProcessor, ReadWriteLogRecord } from "@opentelemetry/sdk-logs";
import type { ReadableSpan, Span, SpanProcessor } from "@opentelemetry/sdk-trace";
import type { SpanStage } from "./span-pipeline.js";
import type { WritableSpan } from "./writable-span.js";
import type { Enforcement } from "../capture/enforce.js";
import type { Positions } from "../capture/enforce.js";
import { DROP, enforceContent, enforceValue, knownClean, notePosition } from "../capture/enforce.js";
import { AotpKey } from "../dialects/keys.js";
import { EnvpodKey } from "../dialects/keys.js";
import { reportOnce } from "../runtime/report.js";
import { currentEnforcement } from "./enforcement.js";
import type { Runtime } from "../runtime/state.js";
import { state } from "../runtime/state.js";
import { isRenderedOwn, isScrubbedBy, ownStep } from "../runtime/own-marks.js";

/** Which attributes of a record hold content coat rendered itself, already in its mode. */
type Rendered = "none" | "io" | "all";
const IO_KEYS: ReadonlySet<string> = new Set([SemanticConventions.INPUT_VALUE, SemanticConventions.OUTPUT_VALUE, EnvpodKey.TIE_DATA]);

/**
 * Applies the capture mode and secret scrubbing to every span of the provider, coat's and other
 * libraries' alike. Works in onEnding (sdk-trace-base >= 2.3.0), where the span is still
 * writable and no exporting processor has seen it; so it must come before them in the list.
 */
export class CaptureSpanProcessor implements SpanProcessor, SpanStage {
  /** `runtime`: whose settings apply; a recording's own for its pipeline. */
  constructor(private readonly runtime: Runtime = state) {}

  onStart(): void {}

  onEnding(span: Span): void {
    this.prepare(span, span);
  }

  /** `original` is the SDK's span when `span` is a copy of it. */
  prepare(span: WritableSpan, original: object): void {
    try {
      const e = currentEnforcement(this.runtime);
      if (e !== undefined) enforceSpan(span, e, ownStep(original), original);
    } catch (error) {
      reportOnce("enforcing the capture mode on a span", error);
    }
  }

  onEnd(_span: ReadableSpan): void {}

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

/** The same for log records, in onEmit: register it before any exporting log processor. */
export class CaptureLogProcessor implements LogRecordProcessor {
  constructor(private readonly runtime: Runtime = state) {}

  onEmit(record: ReadWriteLogRecord): void {
    try {
      const e = currentEnforcement(this.runtime);
      if (e !== undefined) enforceLogRecord(record, e);
    } catch (error) {
      reportOnce("enforcing the capture mode on a log record", error);
    }
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

/**
 * Rewrites a writable span in place: its name, attributes, events, links and status message.
 * `step` is the step id coat minted for the span when it is one of coat's own.
 */
export function enforceSpan(span: WritableSpan, e: Enforcement, step: string | undefined, original: object = span): void {
  const own = step !== undefined;
  const name = e.scrubber.scrub(span.name);
  if (name !== span.name) span.updateName(name);
  const attributes = enforceAttributes(span.attributes, e, own ? "io" : "none", step, e.spanPositions, own ? original : undefined);
  if (attributes !== span.attributes) (span as { attributes: Attributes }).attributes = attributes;
  const events = span.events;
  for (let i = 0; i < events.length; i++) {
    const event = events[i]!;
    const attributes = event.attributes && enforceAttributes(event.attributes, e, own && ownStep(event) !== undefined ? "all" : "none");
    if (attributes !== event.attributes) events[i] = { ...event, attributes };
  }
  const links = span.links;
  for (let i = 0; i < links.length; i++) {
    const link = links[i]!;
    const attributes = link.attributes && enforceAttributes(link.attributes, e, "none");
    if (attributes !== link.attributes) links[i] = { ...link, attributes };
  }
  const message = span.status.message;
  if (message) {
    const next = own ? e.scrubber.scrub(message) : enforceContent(message, e);
    if (next !== message) span.setStatus({ code: span.status.code, message: next === DROP ? "" : String(next) });
  }
}

function enforceLogRecord(record: ReadWriteLogRecord, e: Enforcement): void {
  const step = ownStep(record.body);
  const own = step !== undefined;
  const attributes = enforceAttributes(record.attributes as Attributes, e, own ? "io" : "none", step, e.logPositions);
  if (attributes !== record.attributes) (record as { attributes: unknown }).attributes = attributes;
  if (own || record.body === undefined) return;
  const body = enforceContent(record.body, e);
  if (body !== record.body) record.setBody(body === DROP ? undefined : (body as ReadWriteLogRecord["body"]));
}

/**
 * The attributes as the rules allow: the same object when nothing applies, else a changed copy
 * (copy on write: the record's object, which others may hold, is never mutated).
 */
function enforceAttributes(attributes: Attributes, e: Enforcement, rendered: Rendered, ownStep?: string, positions?: Positions, marked?: object): Attributes {
  let out: Attributes | undefined;
  let index = 0;
  for (const key in attributes) {
    const value = attributes[key];
    let next: unknown;
    if (positions !== undefined && knownClean(positions, index, key, value)) next = value;
    // The one id unique to each call, minted by coat: nothing to find in it.
    else if (value === ownStep && key === AotpKey.STEP_ID) next = value;
    // coat's own input / output text, rendered redacted with this very scrubber: scanned already.
    else if (marked !== undefined && key === SemanticConventions.INPUT_VALUE && isScrubbedBy(marked, "input", value, e.scrubber)) next = value;
    else if (marked !== undefined && key === SemanticConventions.OUTPUT_VALUE && isScrubbedBy(marked, "output", value, e.scrubber)) next = value;
    else {
      // coat's own LLM messages are rendered in the wrapper's mode, like its input and output: this very value, not one set over it.
      const own = rendered === "all" || (rendered === "io" && (IO_KEYS.has(key) || (marked !== undefined && isRenderedOwn(marked, key, value))));
      next = enforceValue(key, value, e, own);
      if (positions !== undefined) notePosition(positions, index, key, value, e);
    }
    index++;
    if (out === undefined) {
      if (next === value) continue;
      // First change: copy what came before it; dropped keys are left out, never deleted.
      out = {};
      for (const before in attributes) {
        if (before === key) break;
        out[before] = attributes[before];
      }
    }
    if (next !== DROP) out[key] = next as AttributeValue;
  }
  return out ?? attributes;
}
