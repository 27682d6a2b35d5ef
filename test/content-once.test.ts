/**
 * Content once (docs/records.md): a call's input and output are on the span, as OpenInference has
 * them, and in the log records' envelopes only, as the same rendered text; log records carry no
 * OpenInference attribute. Checked on the wire, through the in-process OTLP receiver, and on the
 * sealed file sink beside it.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SemanticConventions as SC } from "@arizeai/openinference-semantic-conventions";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { Op, coat, current, tie, verifyFiles } from "../src/index.js";
import type { Harness } from "./support/harness.js";
import { asMap, startHarness } from "./support/harness.js";
import type { ReceivedLog } from "./support/otlp-receiver.js";

const SECRET = "sk-proj-Zq8vT3xY7wK2mN5pR4sL9aB1cD6eF0gH";
const file = join(mkdtempSync(join(tmpdir(), "coat-content-once-")), "coat.jsonl");
let h: Harness;
let closed = false;
beforeAll(async () => {
  h = await startHarness({ file });
});
afterAll(async () => {
  if (!closed) await h.close();
});
beforeEach(() => h.receiver.reset());

const count = (text: string, needle: string) => text.split(needle).length - 1;
const body = (log: ReceivedLog) => asMap(log.body);
const payload = (log: ReceivedLog) => asMap(body(log).payload);

/** No log record repeats the span's OpenInference attributes. */
function expectNoSpanAttributes(logs: readonly ReceivedLog[]): void {
  for (const log of logs) {
    for (const key of Object.keys(log.attributes)) {
      expect(key, `${log.eventName} ${key}`).not.toMatch(/^(input|output)\.|^llm\.|^openinference\.|^tool\.|^session\.id$|^metadata$/);
    }
  }
}

describe.each(["raw", "redacted"] as const)("capture %s", (capture) => {
  it("input and output: on the span as OpenInference attributes, in the envelopes once, as the same text", async () => {
    const marker = `IN-${capture}-7c1e`;
    const book = coat(Op.TOOL, { capture }, function book(request: { city: string; note: string; card: string }) {
      tie("quote", { total: 420, city: request.city });
      return { confirmation: `OUT-${capture}-93ab`, city: request.city };
    });
    book({ city: "Porto", note: marker, card: SECRET });
    const [span] = await h.spans(1);
    const logs = await h.logsFor(span!, 3);
    expect(logs.map((l) => l.eventName)).toEqual(["agent.tool.request", "agent.tool.event", "agent.tool.response"]);
    const [request, event, response] = logs as [ReceivedLog, ReceivedLog, ReceivedLog];

    const input = span!.attributes[SC.INPUT_VALUE] as string;
    const output = span!.attributes[SC.OUTPUT_VALUE] as string;
    expect(JSON.parse(input)).toMatchObject({ city: "Porto", note: marker });
    expect(span!.attributes[SC.INPUT_MIME_TYPE]).toBe("application/json");
    expectNoSpanAttributes(logs);
    // The very text the wrapper rendered for the span. (In raw, the process's secret scrub, which
    // holds unless the process itself is in raw, still passes over the span's attributes.)
    const rendered = capture === "raw" ? JSON.stringify({ city: "Porto", note: marker, card: SECRET }) : input;
    expect(asMap(payload(request).preview)).toEqual({ input: rendered, mime_type: "application/json" });
    expect(asMap(payload(response).preview)).toEqual({ output, mime_type: "application/json" });
    expect(asMap(payload(event).preview)).toEqual({ data: span!.events[0]!.attributes["envpod.tie.data"], mime_type: "application/json" });

    // Once per signal: the span's input.value and the request envelope, nothing else.
    const wire = h.receiver.allWireText();
    expect(count(wire, marker)).toBe(2);
    expect(count(wire, `OUT-${capture}-93ab`)).toBe(2);
    if (capture === "redacted") expect(wire).not.toContain(SECRET.slice(8, 20));
    else expect(count(wire, SECRET)).toBe(1); // the request envelope; the span's copy was scrubbed
  });

  it("a failure: the error record says the type, as an attribute and in the envelope, with the span event's message", async () => {
    const pay = coat(Op.TOOL, { capture }, function pay(_amount: number) {
      throw new RangeError(`limit exceeded for ${SECRET}`);
    });
    expect(() => pay(5)).toThrow(RangeError);
    const [span] = await h.spans(1);
    const logs = await h.logsFor(span!, 2);
    const error = logs.find((l) => l.eventName === "agent.tool.error")!;
    expectNoSpanAttributes(logs);
    expect(error.severityText).toBe("ERROR");
    expect(error.attributes["error.type"]).toBe("RangeError");
    const exception = span!.events.find((e) => e.name === "exception")!;
    const detail = asMap(payload(error).error);
    expect(detail.type).toBe("RangeError");
    expect(detail.stack).toMatch(/^RangeError: limit exceeded for /);
    if (capture === "redacted") {
      expect(detail).toEqual({ type: "RangeError", message: exception.attributes["exception.message"], stack: exception.attributes["exception.stacktrace"] });
      expect(h.receiver.allWireText()).not.toContain(SECRET.slice(8, 20));
    } else expect(detail.message).toBe(`limit exceeded for ${SECRET}`);
  });
});

it("a log record alone says what was called and how it went: kind, ids, op, fn; model and token counts in the end envelope", async () => {
  const ask = coat(Op.LLM, { capture: "redacted", model: "claude-sonnet-4-6" }, async function ask(q: string) {
    current()!.llm({ provider: "anthropic", usage: { input: 1200, output: 310 } }).metadata({ tenant: "acme" }).setAttribute("app.flag", true);
    return `answer to ${q}`;
  });
  await ask("Oslo?");
  const [span] = await h.spans(1);
  const logs = await h.logsFor(span!, 2);
  expectNoSpanAttributes(logs);
  const [request, response] = logs as [ReceivedLog, ReceivedLog];
  for (const log of logs) {
    expect(log.attributes["aotp.kind"]).toBe(log.eventName);
    expect(log.attributes["envpod.op"]).toBe("llm");
    expect(log.attributes["envpod.fn"]).toBe("ask");
    expect(log.attributes["aotp.step_id"]).toBe(`step_${span!.spanId}`);
    expect(log.attributes["app.flag"]).toBeUndefined(); // setAttribute() is the span's
  }
  expect(payload(request).llm).toBeUndefined();
  // The estimate from the default table: 1,200 × $3 + 310 × $15 per 1M tokens.
  expect(asMap(payload(response).llm)).toEqual({ model_name: "claude-sonnet-4-6", provider: "anthropic", token_count: { prompt: 1200, completion: 310, total: 1510 }, cost: 0.00825 });
  expect(span!.attributes[SC.LLM_TOKEN_COUNT_TOTAL]).toBe(1510);
  expect(span!.attributes[SC.METADATA]).toBe('{"tenant":"acme"}');
  expect(h.receiver.allWireText()).toContain("acme"); // on the span
  expect(count(h.receiver.allWireText(), "tenant")).toBe(1);
});

it("the sealed chains of the records above still verify", async () => {
  closed = true;
  await h.close();
  const report = await verifyFiles([file]);
  expect(report.ok).toBe(true);
  expect(report.chains.map((c) => [c.signal, c.valid, c.complete]).sort()).toEqual([
    ["logs", true, true],
    ["spans", true, true],
  ]);
});
