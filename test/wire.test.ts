import { SemanticConventions as SC } from "@arizeai/openinference-semantic-conventions";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { AOT_TABLE, Op, coat, current, tie, withSession } from "../src/index.js";
import type { Harness } from "./support/harness.js";
import { startHarness } from "./support/harness.js";
import type { ReceivedLog, ReceivedSpan } from "./support/otlp-receiver.js";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});
beforeEach(() => h.receiver.reset());

const HEX32 = /^[0-9a-f]{32}$/;
const HEX16 = /^[0-9a-f]{16}$/;

function byName(spans: ReceivedSpan[], name: string): ReceivedSpan {
  const found = spans.find((s) => s.name === name);
  if (!found) throw new Error(`no span ${name} among ${spans.map((s) => s.name).join(", ")}`);
  return found;
}

/** A log record's attribute keys but the seal's (the harness seals), sorted. */
function routingKeys(log: ReceivedLog): string[] {
  return Object.keys(log.attributes).filter((k) => !k.startsWith("envpod.seal.")).sort();
}

describe("span attributes: the three dialects on every span", () => {
  it("maps every Op to its OpenInference kind and AOT op, and custom tags to CHAIN", async () => {
    const ops = [...Object.values(Op), "billing.reconcile"];
    for (const op of ops) coat(op, function work() {
      return op;
    })();
    const spans = await h.spans(ops.length);
    expect(spans).toHaveLength(ops.length);
    for (const span of spans) {
      const op = span.attributes["envpod.op"] as string;
      const spec = op in AOT_TABLE ? AOT_TABLE[op as keyof typeof AOT_TABLE] : AOT_TABLE.step;
      expect(span.attributes[SC.OPENINFERENCE_SPAN_KIND]).toBe(spec.spanKind);
      expect(span.attributes["aotp.op"]).toBe(spec.aotpOp);
      expect(span.attributes[SC.OPENINFERENCE_SPAN_KIND]).not.toBe("UNKNOWN");
    }
    expect(byName(spans, "work") && spans.find((s) => s.attributes["envpod.op"] === "billing.reconcile")?.attributes[SC.OPENINFERENCE_SPAN_KIND]).toBe("CHAIN");
    expect(spans.find((s) => s.attributes["envpod.op"] === "llm")?.attributes["aotp.op"]).toBe("agent.llm");
  });

  it("carries the AOT ids, the envpod facts and the anonymous fingerprint", async () => {
    const refund = coat(Op.TOOL, { intent: "Return funds to the card", action: "stripe.refund.create" }, function refund(amount: number) {
      return { id: "re_1", amount };
    });
    refund(10);
    const [span] = await h.spans(1);
    const a = span!.attributes;
    expect(a["aotp.spec"]).toBe("aotp/0.1");
    expect(a["aotp.session_id"]).toMatch(/^sess_[0-9a-f]{16}$/);
    expect(a["aotp.run_id"]).toMatch(/^run_[0-9a-f]{16}$/);
    expect(a["aotp.step_id"]).toBe(`step_${span!.spanId}`);
    expect(a[SC.SESSION_ID]).toBe(a["aotp.session_id"]);
    expect(a["envpod.op"]).toBe("tool");
    expect(a["envpod.fn"]).toBe("refund");
    expect(a["envpod.pid"]).toBe(process.pid);
    expect(a["envpod.capture.mode"]).toBe("none");
    expect(a["envpod.claim_kind"]).toBe("anonymous");
    expect(a["envpod.anonymous.fingerprint"]).toBe(`anon_pid${process.pid}_uid${process.getuid!()}_sess${a["aotp.session_id"]}`);
    expect(a["envpod.intent"]).toBe("Return funds to the card");
    expect(a["envpod.action"]).toBe("stripe.refund.create");
    expect(span!.resource["service.name"]).toBe("test-agent");
    expect(span!.scope.name).toBe("agent-coat");
    expect(span!.status.code).toBe(1);
  });

  it("puts tool facts on TOOL spans and LLM facts, from options and current(), on LLM spans", async () => {
    const schema = { type: "object", properties: { city: { type: "string" } }, required: ["city"] };
    const getWeather = coat(Op.TOOL, { description: "Current weather", parameters: schema }, function getWeather(city: string) {
      return `sunny in ${city}`;
    });
    const ask = coat(Op.LLM, { model: "claude-sonnet-4-6", provider: "anthropic" }, async function ask(q: string) {
      current()!.usage({ input: 1200, output: 310 }).metadata({ tenant: "acme" });
      return getWeather(q);
    });
    const later = coat(Op.LLM, async function later() {
      current()!.llm({ model: "gpt-x", provider: "openai", usage: { input: 5, output: 7, total: 99 } });
    });
    await ask("Oslo");
    await later();
    const spans = await h.spans(3);
    const tool = byName(spans, "getWeather");
    expect(tool.attributes[SC.TOOL_NAME]).toBe("getWeather");
    expect(tool.attributes[SC.TOOL_DESCRIPTION]).toBe("Current weather");
    expect(JSON.parse(tool.attributes[SC.TOOL_PARAMETERS] as string)).toEqual(schema);
    expect(tool.attributes[SC.LLM_MODEL_NAME]).toBeUndefined();
    const llm = byName(spans, "ask");
    expect(llm.attributes[SC.LLM_MODEL_NAME]).toBe("claude-sonnet-4-6");
    expect(llm.attributes[SC.LLM_PROVIDER]).toBe("anthropic");
    expect(llm.attributes[SC.LLM_TOKEN_COUNT_PROMPT]).toBe(1200);
    expect(llm.attributes[SC.LLM_TOKEN_COUNT_COMPLETION]).toBe(310);
    expect(llm.attributes[SC.LLM_TOKEN_COUNT_TOTAL]).toBe(1510);
    expect(JSON.parse(llm.attributes[SC.METADATA] as string)).toEqual({ tenant: "acme" });
    expect(tool.parentSpanId).toBe(llm.spanId);
    const other = byName(spans, "later");
    expect(other.attributes[SC.LLM_MODEL_NAME]).toBe("gpt-x");
    expect(other.attributes[SC.LLM_PROVIDER]).toBe("openai");
    expect(other.attributes[SC.LLM_TOKEN_COUNT_TOTAL]).toBe(99);
  });

  it("sends no content in the default mode none, and content in raw", async () => {
    const secretish = "the-user-said-MARKER-7f3a";
    const none = coat(Op.TOOL, function quiet(text: string) {
      tie("seen", { text });
      return { echoed: text };
    });
    const raw = coat(Op.TOOL, { capture: "raw" }, function loud(text: string) {
      return { echoed: text };
    });
    none(secretish);
    await h.spans(1);
    await h.receiver.waitForLogs(3);
    expect(h.receiver.allWireText()).not.toContain("MARKER-7f3a");
    const quiet = h.receiver.spans[0]!;
    expect(quiet.attributes[SC.INPUT_VALUE]).toBeUndefined();
    expect(quiet.attributes[SC.OUTPUT_VALUE]).toBeUndefined();
    raw(secretish);
    const spans = await h.spans(2);
    const loud = byName(spans, "loud");
    expect(loud.attributes[SC.INPUT_VALUE]).toBe(secretish);
    expect(loud.attributes[SC.INPUT_MIME_TYPE]).toBe("text/plain");
    expect(loud.attributes[SC.OUTPUT_VALUE]).toBe(JSON.stringify({ echoed: secretish }));
    expect(loud.attributes[SC.OUTPUT_MIME_TYPE]).toBe("application/json");
    expect(loud.attributes["envpod.capture.mode"]).toBe("raw");
  });

  it("records a failure as ERROR status, an exception event and error.type, with the message only in raw mode", async () => {
    class PaymentError extends Error {
      override name = "PaymentError";
    }
    const quiet = coat(Op.TOOL, function charge() {
      // "#" appears in no id, hash or signature on the wire: a match can only be the message.
      throw new PaymentError("card #4111 declined");
    });
    const loud = coat(Op.TOOL, { capture: "raw" }, function chargeLoud() {
      throw new PaymentError("card declined");
    });
    expect(() => quiet()).toThrow(PaymentError);
    expect(() => loud()).toThrow(PaymentError);
    const spans = await h.spans(2);
    const q = byName(spans, "charge");
    expect(q.status).toEqual({ code: 2, message: "PaymentError" });
    expect(q.events.map((e) => e.name)).toEqual(["exception"]);
    expect(q.events[0]!.attributes).toEqual({ "exception.type": "PaymentError" });
    expect(q.attributes["error.type"]).toBe("PaymentError");
    const l = byName(spans, "chargeLoud");
    expect(l.status).toEqual({ code: 2, message: "card declined" });
    expect(l.events[0]!.attributes["exception.message"]).toBe("card declined");
    expect(l.events[0]!.attributes["exception.stacktrace"]).toContain("chargeLoud");
    expect(h.receiver.allWireText()).not.toContain("#4111");
  });
});

describe("log records: AOT envelopes beside the spans", () => {
  it("emits a request and a response record per call and one per tie, with ids, kinds and the routing keys only", async () => {
    const fetchPage = coat(Op.TOOL, { capture: "raw" }, function fetchPage(url: string) {
      tie("batch", { i: 1, size: 20 });
      return `<html>${url}</html>`;
    });
    withSession("sess_demo", () => fetchPage("https://example.com"));
    const [span] = await h.spans(1);
    const logs = await h.logs(3);
    expect(logs.map((l) => l.eventName)).toEqual(["agent.tool.request", "agent.tool.event", "agent.tool.response"]);
    for (const log of logs) {
      expect(log.attributes["aotp.kind"]).toBe(log.eventName);
      expect(log.traceId).toBe(span!.traceId);
      expect(log.spanId).toBe(span!.spanId);
      expect(log.severityNumber).toBe(9);
      expect(log.severityText).toBe("INFO");
      for (const key of ["aotp.session_id", "aotp.run_id", "aotp.step_id", "envpod.op", "envpod.fn"]) {
        expect(log.attributes[key], key).toEqual(span!.attributes[key]);
      }
      const tieName = log.eventName === "agent.tool.event" ? ["envpod.tie.name"] : [];
      expect(routingKeys(log)).toEqual(["aotp.kind", "aotp.run_id", "aotp.session_id", "aotp.step_id", "envpod.fn", "envpod.op", ...tieName]);
      const body = log.body as Record<string, any>;
      expect(body.spec).toBe("aotp/0.1");
      expect(body.kind).toBe(log.eventName);
      expect(new Date(body.ts).toISOString()).toBe(body.ts);
      expect(body.ids).toEqual({
        session_id: "sess_demo",
        run_id: span!.attributes["aotp.run_id"],
        step_id: `step_${span!.spanId}`,
        trace_id: span!.traceId,
        span_id: span!.spanId,
        parent_span_id: "",
      });
      expect(body.ids.trace_id).toMatch(HEX32);
      expect(body.ids.span_id).toMatch(HEX16);
      expect(body.subject).toEqual({ agent_id: "", agent_role: "", framework: "agent-coat", framework_version: expect.any(String) });
      expect(body.capture).toEqual({ mode: "raw" });
      expect(body.payload.fn).toBe("fetchPage");
      expect(body.envpod).toMatchObject({ pid: process.pid, claim_kind: "anonymous", op: "tool" });
      expect(body.envpod.anonymous.fingerprint).toBe(span!.attributes["envpod.anonymous.fingerprint"]);
    }
    const [request, event, response] = logs as [ReceivedLog, ReceivedLog, ReceivedLog];
    expect((request.body as any).payload.preview).toEqual({ input: "https://example.com", mime_type: "text/plain" });
    expect((event.body as any).payload).toMatchObject({ event: "batch", preview: { data: '{"i":1,"size":20}', mime_type: "application/json" } });
    expect(event.attributes["envpod.tie.name"]).toBe("batch");
    expect((response.body as any).payload.preview).toEqual({ output: "<html>https://example.com</html>", mime_type: "text/plain" });
    expect(response.attributes[SC.OUTPUT_VALUE]).toBeUndefined();
    expect(span!.attributes[SC.OUTPUT_VALUE]).toBe("<html>https://example.com</html>");
    expect(span!.events.map((e) => e.name)).toEqual(["batch"]);
    expect(span!.events[0]!.attributes["envpod.tie.data"]).toBe('{"i":1,"size":20}');
  });

  it("emits an ERROR record with the error type when a call fails", async () => {
    const failing = coat(Op.LLM, async function failing() {
      throw new RangeError("context window exceeded");
    });
    await expect(failing()).rejects.toThrow("context window exceeded");
    const logs = await h.logs(2);
    const error = logs.find((l) => l.eventName === "agent.llm.error")!;
    expect(error.severityNumber).toBe(17);
    expect(error.severityText).toBe("ERROR");
    expect((error.body as any).payload.error).toEqual({ type: "RangeError" });
    expect(error.attributes["error.type"]).toBe("RangeError");
    expect(h.receiver.allWireText()).not.toContain("context window exceeded");
  });

  it("still emits a record for tie() outside any coat call, with session and run ids", async () => {
    withSession("sess_outside", () => tie("heartbeat", { ok: true }));
    const [log] = await h.logs(1);
    expect(log!.eventName).toBe("agent.event");
    expect(log!.attributes["aotp.kind"]).toBe("agent.event");
    expect(log!.attributes["aotp.session_id"]).toBe("sess_outside");
    expect(log!.attributes["envpod.tie.name"]).toBe("heartbeat");
    expect(routingKeys(log!)).toEqual(["aotp.kind", "aotp.run_id", "aotp.session_id", "aotp.step_id", "envpod.fn", "envpod.op", "envpod.tie.name"]);
    const body = log!.body as Record<string, any>;
    expect(body.ids.session_id).toBe("sess_outside");
    expect(body.ids.run_id).toMatch(/^run_/);
    expect(body.ids.step_id).toMatch(/^step_/);
    expect(body.payload).toEqual({ fn: "", event: "heartbeat" });
  });
});

describe("tie() after its call has settled", () => {
  it("falls back to a free record instead of being dropped", async () => {
    let late: Promise<void> | undefined;
    coat(Op.TOOL, function quick() {
      late = new Promise((resolve) => setTimeout(() => resolve(tie("late", { ok: 1 })), 5));
    })();
    await late;
    const logs = await h.logs(3);
    const record = logs.find((l) => l.attributes["envpod.tie.name"] === "late");
    expect(record?.eventName).toBe("agent.event");
  });
});
