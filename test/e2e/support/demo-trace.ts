import { SemanticConventions as SC } from "@arizeai/openinference-semantic-conventions";
import { expect } from "vitest";
import type { ReceivedSpan } from "../../support/otlp-receiver.js";
import type { spansById } from "./compare.js";
import { DEMO_SERVICE } from "./demo.js";

/** The demo's trace as a backend stored it: parent/child structure, service, status and kinds, spelled out. */
export function expectDemoTrace(stored: ReturnType<typeof spansById>): void {
  const spans = Object.entries(stored).map(([spanId, s]) => ({ spanId, ...s }));
  const root = spans.find((s) => s.name === "supportAgent")!;
  expect(root.parentSpanId).toBe("");
  expect(spans.filter((s) => s.parentSpanId === root.spanId).map((s) => s.name).sort()).toEqual(["bookTable", "getWeather", "plan", "streamReply"]);
  expect(new Set(spans.map((s) => s.service))).toEqual(new Set([DEMO_SERVICE]));
  expect(Object.fromEntries(spans.map((s) => [s.name, s.attributes[SC.OPENINFERENCE_SPAN_KIND]]))).toEqual({ supportAgent: "AGENT", plan: "LLM", getWeather: "TOOL", bookTable: "TOOL", streamReply: "LLM" });
  expect(spans.find((s) => s.name === "bookTable")!.status).toEqual({ code: 2, message: "No tables left at 20:00" });
  expect(spans.filter((s) => s.status.code === 2).map((s) => s.name)).toEqual(["bookTable"]);
}

/**
 * The ids of the spans that do not lie within their parent's time range. The JS SDK (2.x) starts a
 * span at Date.now() (whole milliseconds) and ends it at start + a sub-millisecond duration, so a
 * child that ends less than a millisecond before its parent can come out ending after it.
 */
export function spansOutsideTheirParent(spans: readonly ReceivedSpan[]): string[] {
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  return spans
    .filter((s) => {
      const parent = byId.get(s.parentSpanId);
      return parent !== undefined && (s.startTimeUnixNano < parent.startTimeUnixNano || s.endTimeUnixNano > parent.endTimeUnixNano);
    })
    .map((s) => s.spanId)
    .sort();
}
