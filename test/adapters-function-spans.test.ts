// The OpenAI Agents tool guardrail's matching of a call to its function span (FunctionSpans): by
// the arguments the SDK records as the span's input, never another call's span.
import { describe, expect, it } from "vitest";
import { FunctionSpans } from "../src/adapters/openai-agents/function-spans.js";

const span = (input?: string) => ({ spanData: { type: "function", ...(input !== undefined && { input }) } });

describe("FunctionSpans", () => {
  it("hands a span that starts late to the guardrail waiting with its arguments, not the first in line", async () => {
    const spans = new FunctionSpans();
    const first = spans.take("search", '{"q":"a"}', true) as Promise<string | undefined>;
    const second = spans.take("search", '{"q":"b"}', true) as Promise<string | undefined>;
    spans.started("search", "span-b", span('{"q":"b"}'));
    spans.started("search", "span-a", span('{"q":"a"}'));
    expect(await Promise.all([first, second])).toEqual(["span-a", "span-b"]);
  });

  it("prefers the open span with the call's arguments; never takes a span recorded with other arguments", async () => {
    const spans = new FunctionSpans();
    spans.started("search", "span-x", span('{"q":"x"}'));
    spans.started("search", "span-y", span('{"q":"y"}'));
    expect(spans.take("search", '{"q":"y"}', false)).toBe("span-y");
    expect(spans.take("search", '{"q":"z"}', false)).toBeUndefined();
    expect(spans.take("search", '{"q":"x"}', false)).toBe("span-x");
  });

  it("without recorded inputs (sensitive data off) the oldest span goes first; with no trace open nothing waits", async () => {
    const spans = new FunctionSpans();
    spans.started("search", "span-1", span());
    spans.started("search", "span-2", span());
    expect(spans.take("search", "{}", false)).toBe("span-1");
    expect(spans.take("other", "{}", false)).toBeUndefined();
    const waited = spans.take("other", "{}", true) as Promise<string | undefined>;
    spans.clear();
    expect(await waited).toBeUndefined();
  });

  it("a guardrail that waits in vain gives up (resolves with no span) and leaves no waiter behind", async () => {
    const spans = new FunctionSpans();
    expect(await spans.take("search", "{}", true)).toBeUndefined();
    // The span that comes too late is kept for a later guardrail, not handed to the one that gave up.
    spans.started("search", "late", span("{}"));
    expect(spans.take("search", "{}", false)).toBe("late");
  });
});
