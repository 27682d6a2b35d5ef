/** Spans and log records covering every value type and field the canonical form has to get right. */
import type { Tracer } from "@opentelemetry/api";
import { SpanKind, SpanStatusCode, context, trace } from "@opentelemetry/api";
import type { Logger } from "@opentelemetry/api-logs";
import { SeverityNumber } from "@opentelemetry/api-logs";

export const VARIETY_SPANS = 4;
export const VARIETY_LOGS = 5;

export function produceVariety(tracer: Tracer, logger: Logger): void {
  const root = tracer.startSpan("agent.run", {
    kind: SpanKind.SERVER,
    attributes: {
      "text": "plain",
      "text.digits": "17",
      "int": 17,
      "int.negative": -42,
      "int.big": 2 ** 60,
      "int.huge": 1e21,
      "double": 17.5,
      "double.tiny": 1e-7,
      "zero.negative": -0,
      "not.a.number": Number.NaN,
      "bool": false,
      "strings": ["a", "", "ü"],
      "numbers": [1, 2.5, -3],
      "bools": [true, false],
      "holes": ["x", null as unknown as string, undefined as unknown as string],
      "unicode": "é😂\u2028</script>\u0000\u007f",
      "lone.surrogate": "a\uD800b",
      "\uD83D\uDE02 key": "emoji key",
      "Zeta": 1,
      "alpha": 2,
    },
  });
  const ctx = trace.setSpan(context.active(), root);
  const child = tracer.startSpan(
    "tool.call",
    { kind: SpanKind.CLIENT, links: [{ context: root.spanContext(), attributes: { "link.why": "follows", "link.n": 3 } }] },
    ctx,
  );
  child.addEvent("zeta", { n: 1 });
  child.addEvent("alpha", { "a.b": "x", nested: ["1", "2"] });
  child.addEvent("zeta", { n: 2 });
  child.addEvent("exception-like");
  child.setStatus({ code: SpanStatusCode.ERROR, message: "boom: \"quoted\"\nnext line" });
  child.setAttribute("late", "set in the middle");
  child.updateName("tool.call.renamed");
  child.end();
  const ok = tracer.startSpan("step.ok", {}, ctx);
  ok.setStatus({ code: SpanStatusCode.OK });
  ok.end([Math.floor(Date.now() / 1000) + 1, 5]); // nanoseconds that need zero padding
  context.with(ctx, () => {
    logger.emit({ eventName: "agent.tool.request", severityNumber: SeverityNumber.INFO, severityText: "INFO", body: "a string body", attributes: { "k": "v", "n": 1 } });
    logger.emit({
      eventName: "agent.tool.response",
      severityNumber: SeverityNumber.ERROR,
      body: { spec: "aotp/0.1", nested: { list: [1, 2.5, "three", true, null, { deep: [] }], bytes: new Uint8Array([0, 255, 16]) }, empty: {} },
      attributes: { map: { inner: { x: 1 } }, "bytes.attr": new Uint8Array([1, 2, 3]), big: 2 ** 55 },
    });
  });
  logger.emit({ body: 42.25 });
  logger.emit({ severityNumber: SeverityNumber.WARN2, eventName: "no.body", timestamp: new Date(1_700_000_000_123) });
  logger.emit({ body: [1, "two", [3]], attributes: { "unicode": "😂\uDBFF" } });
  root.end();
  // One span outside any parent, ended before its start time (the SDK clamps it).
  tracer.startSpan("clamped", { startTime: Date.now() + 10_000, root: true }).end(Date.now());
}
