// The parts of a span or log record a backend must keep, keyed so that arrival order does not matter.
import { ATTR_SERVICE_NAME } from "@opentelemetry/semantic-conventions";
import type { ReceivedLog, ReceivedSpan } from "../../support/otlp-receiver.js";

export function spansById(spans: readonly ReceivedSpan[]) {
  return Object.fromEntries(
    spans.map((s) => [
      s.spanId,
      {
        traceId: s.traceId,
        parentSpanId: s.parentSpanId,
        name: s.name,
        kind: s.kind,
        start: s.startTimeUnixNano,
        end: s.endTimeUnixNano,
        status: s.status,
        attributes: s.attributes,
        events: s.events,
        service: s.resource[ATTR_SERVICE_NAME],
      },
    ]),
  );
}

/** Log records in a stable order (span, time, event name): batches may arrive in any order. */
export function sortedLogs(logs: readonly ReceivedLog[]): ReceivedLog[] {
  const key = (l: ReceivedLog) => `${l.spanId}|${String(l.timeUnixNano).padStart(24, "0")}|${l.eventName}`;
  return [...logs].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

export function ofTrace<T extends { traceId: string }>(records: readonly T[], traceId: string): T[] {
  return records.filter((r) => r.traceId === traceId);
}
