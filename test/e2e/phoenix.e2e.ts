// The demo agent exports straight to a real Arize Phoenix (traces only, OTLP protobuf), which is
// read back through its REST API: the right project, OpenInference span kinds, inputs and outputs
// when the capture mode lets them out, token counts on LLM spans.
import { SemanticConventions as SC } from "@arizeai/openinference-semantic-conventions";
import { SEMRESATTRS_PROJECT_NAME } from "@arizeai/openinference-semantic-conventions";
import { describe, expect, it } from "vitest";
import type { ReceivedSpan } from "../support/otlp-receiver.js";
import { e2e } from "./context.js";
import { runDemo } from "./support/demo.js";
import { phoenixSpans } from "./support/phoenix.js";
import type { PhoenixSpan } from "./support/phoenix.js";
import { eventually } from "./support/wait.js";

const { phoenixUrl, workDir } = e2e();
let projects = 0;
const newProject = () => `demo-${process.pid}-${++projects}`;

async function storedInPhoenix(project: string, count: number): Promise<PhoenixSpan[]> {
  return eventually(`${count} spans in Phoenix project ${project}`, () => phoenixSpans(phoenixUrl, project), (spans) => spans.length >= count);
}

const STATUS = ["UNSET", "OK", "ERROR"];
/** Microseconds since the epoch, from Phoenix's ISO 8601 times. */
const micros = (iso: string) => BigInt(Date.parse(iso)) * 1000n + BigInt(/\.\d{3}(\d{3})/.exec(iso)?.[1] ?? "0");

/**
 * What Phoenix should have kept of a recorded span, in the shape its REST API returns: the span
 * kind moves out of the attributes, the JSON schema in tool.parameters comes back flattened into
 * dotted keys, and an exception event without a message gets an empty one.
 */
function asPhoenixKeepsIt(span: ReceivedSpan) {
  const { [SC.OPENINFERENCE_SPAN_KIND]: kind, [SC.TOOL_PARAMETERS]: parameters, ...attributes } = span.attributes;
  if (typeof parameters === "string") Object.assign(attributes, flatten(SC.TOOL_PARAMETERS, JSON.parse(parameters)));
  return {
    name: span.name,
    context: { trace_id: span.traceId, span_id: span.spanId },
    parent_id: span.parentSpanId || null,
    span_kind: kind,
    status_code: STATUS[span.status.code],
    status_message: span.status.message,
    attributes,
    events: span.events.map((e) => ({ name: e.name, attributes: e.name === "exception" ? { "exception.message": "", ...e.attributes } : e.attributes })),
  };
}

function asStored(span: PhoenixSpan) {
  return {
    name: span.name,
    context: span.context,
    parent_id: span.parent_id,
    span_kind: span.span_kind,
    status_code: span.status_code,
    status_message: span.status_message,
    attributes: span.attributes,
    events: span.events.map((e) => ({ name: e.name, attributes: e.attributes })),
  };
}

function flatten(prefix: string, value: unknown): Record<string, unknown> {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return { [prefix]: value };
  return Object.assign({}, ...Object.entries(value).map(([k, v]) => flatten(`${prefix}.${k}`, v)));
}

/** Phoenix keeps microseconds, rounding the nanoseconds it receives (within 1 µs of them). */
function expectSameTimes(stored: PhoenixSpan[], recorded: ReceivedSpan[]): void {
  for (const span of stored) {
    const source = recorded.find((r) => r.spanId === span.context.span_id)!;
    for (const [phoenix, ns] of [[span.start_time, source.startTimeUnixNano], [span.end_time, source.endTimeUnixNano]] as const) {
      const delta = micros(phoenix) * 1000n - ns;
      expect(delta <= 1000n && delta >= -1000n, `${span.name}: ${phoenix} vs ${ns} ns`).toBe(true);
    }
  }
}

const byName = <T extends { name: string }>(spans: T[]) => Object.fromEntries(spans.map((s) => [s.name, s]));

describe("Phoenix, the demo exporting to it directly", () => {
  it("with capture raw: every span in the project of openinference.project.name, as recorded, kinds AGENT/LLM/TOOL, inputs, outputs and token counts", async () => {
    const project = newProject();
    const run = await runDemo(workDir, {
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${phoenixUrl}/v1/traces`,
      OTEL_RESOURCE_ATTRIBUTES: `${SEMRESATTRS_PROJECT_NAME}=${project}`,
      ENVPOD_COAT_CAPTURE: "raw",
    });
    const stored = await storedInPhoenix(project, run.spans.length);
    expect(byName(stored.map(asStored))).toEqual(byName(run.spans.map(asPhoenixKeepsIt)));
    expectSameTimes(stored, run.spans);

    const spans = byName(stored);
    // The seal's checkpoints ride on these spans: no span of its own, so no root span of kind UNKNOWN.
    expect(stored).toHaveLength(run.spans.length);
    expect(stored.filter((s) => s.span_kind === "UNKNOWN").map((s) => s.name)).toEqual([]);
    expect(Object.fromEntries(stored.map((s) => [s.name, s.span_kind]))).toEqual({ supportAgent: "AGENT", plan: "LLM", getWeather: "TOOL", bookTable: "TOOL", streamReply: "LLM" });
    expect(spans.supportAgent!.attributes[SC.INPUT_VALUE]).toBe("What's the weather in Lisbon, and can you book dinner for two at 8?");
    expect(spans.supportAgent!.attributes[SC.OUTPUT_VALUE]).toBe("It is 21°C and clear in Lisbon; sadly no table is free tonight.");
    expect(JSON.parse(String(spans.getWeather!.attributes[SC.OUTPUT_VALUE]))).toEqual({ city: "Lisbon", tempC: 21, sky: "clear" });
    expect(spans.bookTable!.status_code).toBe("ERROR");
    const tokens = (s: PhoenixSpan) => [s.attributes[SC.LLM_TOKEN_COUNT_PROMPT], s.attributes[SC.LLM_TOKEN_COUNT_COMPLETION], s.attributes[SC.LLM_TOKEN_COUNT_TOTAL]];
    expect(tokens(spans.plan!)).toEqual([42, 12, 54]);
    expect(tokens(spans.streamReply!)).toEqual([64, 13, 77]);
    expect(tokens(spans.getWeather!)).toEqual([undefined, undefined, undefined]);
  });

  it("with capture none (ENVPOD_COAT_CAPTURE wins over the demo's raw): no input or output reaches Phoenix, the kinds and token counts still do", async () => {
    const project = newProject();
    const run = await runDemo(workDir, {
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${phoenixUrl}/v1/traces`,
      OTEL_RESOURCE_ATTRIBUTES: `${SEMRESATTRS_PROJECT_NAME}=${project}`,
      ENVPOD_COAT_CAPTURE: "none",
    });
    const stored = await storedInPhoenix(project, run.spans.length);
    expect(byName(stored.map(asStored))).toEqual(byName(run.spans.map(asPhoenixKeepsIt)));
    expectSameTimes(stored, run.spans);
    for (const span of stored) {
      expect(span.attributes[SC.INPUT_VALUE]).toBeUndefined();
      expect(span.attributes[SC.OUTPUT_VALUE]).toBeUndefined();
      expect(span.span_kind).not.toBe("UNKNOWN");
    }
    expect(byName(stored).plan!.attributes[SC.LLM_TOKEN_COUNT_TOTAL]).toBe(54);
  });
});
