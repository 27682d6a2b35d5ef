import { ROOT_CONTEXT, context, createContextKey, propagation, trace } from "@opentelemetry/api";
import { isTracingSuppressed, suppressTracing } from "@opentelemetry/core";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { Op, coat, current, getCorrelationId, tie, withCorrelation, withRun, withSession } from "../src/index.js";
import type { Harness } from "./support/harness.js";
import { startHarness } from "./support/harness.js";

let h: Harness;
beforeAll(async () => {
  process.env.OTEL_BSP_MAX_QUEUE_SIZE = "20000";
  h = await startHarness({ capture: "raw", env: { ...process.env, OTEL_BLRP_MAX_QUEUE_SIZE: "50000" } });
});
afterAll(async () => {
  await h.close();
});
beforeEach(() => h.receiver.reset());

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("sessions, runs and correlation", () => {
  it("withSession / withRun set the ids of every nested call and record, and return fn's value untouched", async () => {
    const step = coat(Op.STEP, function step() {
      return current()!;
    });
    const marker = { m: 1 };
    const result = withSession("sess_a", () =>
      withRun("run_1", () => {
        const call = step();
        expect(call.sessionId).toBe("sess_a");
        expect(call.runId).toBe("run_1");
        return marker;
      }),
    );
    expect(result).toBe(marker);
    const fresh = withSession(() => step());
    expect(fresh.sessionId).toMatch(/^sess_[0-9a-f]{16}$/);
    expect(fresh.sessionId).not.toBe("sess_a");
    const [a, b] = await h.spans(2);
    expect(a!.attributes["aotp.session_id"]).toBe("sess_a");
    expect(a!.attributes["aotp.run_id"]).toBe("run_1");
    expect(b!.attributes["aotp.session_id"]).toBe(fresh.sessionId);
    expect(b!.attributes["aotp.run_id"]).not.toBe("run_1");
  });

  it("Op.SESSION and Op.RUN calls start a new session / run for what runs inside them", async () => {
    const inner = coat(Op.TOOL, function inner() {
      return current()!;
    });
    const run = coat(Op.RUN, async function agentRun() {
      await sleep(1);
      return [current()!, inner()] as const;
    });
    const session = coat(Op.SESSION, async function conversation() {
      return [current()!, await run(), await run()] as const;
    });
    const [s, [r1, i1], [r2, i2]] = await session();
    expect(r1.sessionId).toBe(s.sessionId);
    expect(i1.sessionId).toBe(s.sessionId);
    expect(i1.runId).toBe(r1.runId);
    expect(i2.runId).toBe(r2.runId);
    expect(r1.runId).not.toBe(r2.runId);
    const spans = await h.spans(5);
    const byId = new Map(spans.map((x) => [x.spanId, x]));
    expect(byId.get(i1.spanId)!.attributes["aotp.run_id"]).toBe(r1.runId);
    expect(byId.get(s.spanId)!.attributes["aotp.session_id"]).toBe(s.sessionId);
  });

  it("withCorrelation stamps the id on spans and envelopes; a blank id becomes a UUID", async () => {
    const refund = coat(Op.TOOL, function refund() {
      return getCorrelationId();
    });
    expect(withCorrelation("  req_refund_ord_1042 ", () => refund())).toBe("req_refund_ord_1042");
    const generated = withCorrelation("   ", () => refund());
    expect(generated).toMatch(/^[0-9a-f-]{36}$/);
    expect(getCorrelationId()).toBeUndefined();
    const spans = await h.spans(2);
    expect(spans.map((s) => s.attributes["aotp.correlation_id"]).sort()).toEqual([generated, "req_refund_ord_1042"].sort());
    const logs = await h.logs(4);
    expect(logs.filter((l) => (l.body as any).ids.correlation_id === "req_refund_ord_1042")).toHaveLength(2);
  });

  it("withCorrelation inside a call keeps the call's session and run", async () => {
    const inner = coat(Op.TOOL, function inner() {
      return [current()!, getCorrelationId()] as const;
    });
    const outer = coat(Op.STEP, function outer() {
      return withCorrelation("corr_1", () => inner());
    });
    const [call, correlationId] = withSession("sess_c", () => withRun("run_c", () => outer()));
    expect([call.sessionId, call.runId, correlationId]).toEqual(["sess_c", "run_c", "corr_1"]);
    await h.spans(2);
  });

  it("rejects a non-function clearly", () => {
    expect(() => withSession("x", undefined as never)).toThrow(/expected a function/);
  });
});

describe("the context a call runs in", () => {
  it("answers like OpenTelemetry's own: parent values, the active span, derived and deleted values", async () => {
    const outerKey = createContextKey("test.outer");
    const innerKey = createContextKey("test.inner");
    const seen: Record<string, unknown> = {};
    const tool = coat(Op.TOOL, function tool() {
      const ctx = context.active();
      const call = current()!;
      seen.outer = ctx.getValue(outerKey);
      seen.activeSpanId = trace.getSpan(ctx)?.spanContext().spanId;
      seen.callSpanId = call.spanId;
      const derived = ctx.setValue(innerKey, 1).setValue(innerKey, 2);
      seen.derived = derived.getValue(innerKey);
      seen.derivedSpanId = trace.getSpan(derived)?.spanContext().spanId;
      seen.innerDeleted = derived.deleteValue(innerKey).getValue(innerKey);
      seen.outerDeleted = ctx.deleteValue(outerKey).getValue(outerKey);
      seen.outerStill = ctx.getValue(outerKey);
      seen.noSpan = trace.getSpan(trace.deleteSpan(ctx));
      seen.suppressed = isTracingSuppressed(suppressTracing(ctx));
      seen.notSuppressed = isTracingSuppressed(ctx);
      const carrier: Record<string, string> = {};
      propagation.inject(ctx, carrier);
      seen.traceparent = carrier.traceparent;
      const child = trace.getTracer("test").startSpan("child", {}, ctx);
      seen.childParent = (child as unknown as { parentSpanContext?: { spanId: string } }).parentSpanContext?.spanId;
      child.end();
      return call;
    });
    const call = context.with(ROOT_CONTEXT.setValue(outerKey, "outer value"), () => tool());
    expect(seen).toEqual({
      outer: "outer value",
      activeSpanId: call.spanId,
      callSpanId: call.spanId,
      derived: 2,
      derivedSpanId: call.spanId,
      innerDeleted: undefined,
      outerDeleted: undefined,
      outerStill: "outer value",
      noSpan: undefined,
      suppressed: true,
      notSuppressed: false,
      traceparent: `00-${call.traceId}-${call.spanId}-01`,
      childParent: call.spanId,
    });
    await h.spans(2);
  });
});

describe("concurrency", () => {
  it("1000 interleaved async calls never mix parents, sessions or correlation ids", async () => {
    const N = 1000;
    const child = coat(Op.TOOL, async function child(i: number) {
      await sleep((i * 7) % 5);
      tie("child.tick", { i });
      return i;
    });
    const parent = coat(Op.AGENT, async function parent(i: number) {
      await sleep((i * 13) % 4);
      const r = await child(i);
      await sleep(i % 3);
      return r;
    });
    const results = await Promise.all(
      Array.from({ length: N }, (_, i) => withSession(`sess_${i}`, () => withCorrelation(`corr_${i}`, () => parent(i)))),
    );
    expect(results).toEqual(Array.from({ length: N }, (_, i) => i));
    await h.telemetry.forceFlush();
    await h.receiver.waitForSpans(2 * N, 30_000);
    const spans = h.receiver.spans;
    expect(spans).toHaveLength(2 * N);
    const parents = new Map<string, (typeof spans)[number]>();
    for (const s of spans) if (s.name === "parent") parents.set(s.spanId, s);
    let checked = 0;
    for (const s of spans) {
      if (s.name !== "child") continue;
      const p = parents.get(s.parentSpanId);
      expect(p, "child has a parent span").toBeDefined();
      expect(s.traceId).toBe(p!.traceId);
      expect(s.attributes["input.value"]).toBe(p!.attributes["input.value"]);
      const i = Number(s.attributes["input.value"]);
      expect(s.attributes["aotp.session_id"]).toBe(`sess_${i}`);
      expect(s.attributes["aotp.correlation_id"]).toBe(`corr_${i}`);
      checked++;
    }
    expect(checked).toBe(N);
    await h.receiver.waitForLogs(5 * N, 30_000);
    const ticks = h.receiver.logs.filter((l) => l.eventName === "agent.tool.event");
    expect(ticks).toHaveLength(N);
    const childById = new Map(spans.filter((s) => s.name === "child").map((s) => [s.spanId, s]));
    for (const t of ticks) {
      const i = JSON.parse((t.body as any).payload.preview.data).i;
      expect(childById.get(t.spanId)!.attributes["input.value"]).toBe(String(i));
    }
  });
});
