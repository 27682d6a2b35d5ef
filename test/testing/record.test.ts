import { describe, expect, it } from "vitest";
import { coat, Op, tie } from "../../src/index.js";
import { assertCallOrder, assertErrored, assertMaxDepth, assertNoErrors, assertNotCalled, assertSealed, assertToolCalled, record, renderTrace } from "../../src/testing/index.js";
import { hasGlobalTracerProvider } from "../../src/runtime/otel-globals.js";

const search = coat(Op.TOOL, { name: "search" }, async (query: string) => [`result for ${query}`]);
const add = coat(Op.TOOL, { name: "add" }, (a: number, b: number) => a + b);
const broken = coat(Op.TOOL, { name: "broken" }, () => {
  throw new RangeError("out of range");
});
const agent = coat(Op.AGENT, { name: "agent" }, async (question: string) => {
  const found = await search(question);
  tie("thinking", { found: found.length });
  return `${found[0]} = ${add(1, 2)}`;
});

describe("record()", () => {
  it("returns the calls as a tree with their content, through the seal", async () => {
    const trace = await record(() => agent("weather"));
    expect(trace.runs).toHaveLength(1);
    const [top] = trace.runs[0]!.calls;
    expect(top).toMatchObject({ op: "agent", name: "agent", kind: "AGENT", input: "weather", output: "result for weather = 3", depth: 0 });
    expect(top!.children.map((c) => [c.name, c.input, c.output])).toEqual([
      ["search", "weather", ["result for weather"]],
      ["add", [1, 2], 3],
    ]);
    expect(top!.logs.map((l) => l.eventName)).toEqual(["agent.invoke.request", "agent.invoke.event", "agent.invoke.response"]);
    assertToolCalled(trace, "search", { times: 1, args: ["weather"] });
    assertToolCalled(trace, "add", { args: [1, 2] });
    assertNotCalled(trace, "broken");
    assertCallOrder(trace, ["agent", "search", "add"], { strict: true });
    assertNoErrors(trace);
    assertMaxDepth(trace, 2);
    assertSealed(trace);
  });

  it("records raw content whatever ENVPOD_COAT_CAPTURE says, and leaves no global behind", async () => {
    const before = process.env.ENVPOD_COAT_CAPTURE;
    process.env.ENVPOD_COAT_CAPTURE = "none";
    try {
      const trace = await record(() => add(2, 3));
      expect(trace.calls[0]).toMatchObject({ input: [2, 3], output: 5 });
    } finally {
      if (before === undefined) delete process.env.ENVPOD_COAT_CAPTURE;
      else process.env.ENVPOD_COAT_CAPTURE = before;
    }
    expect(hasGlobalTracerProvider()).toBe(false);
  });

  it("applies the capture mode a test asks for", async () => {
    const trace = await record(() => search("my key sk-proj-abcdefghijklmnopqrstuvwxyz012345"), { capture: "redacted" });
    expect(JSON.stringify(trace.calls[0]!.input)).not.toContain("abcdefghijklmnop");
    const none = await record(() => add(1, 1), { capture: "none" });
    expect(none.calls[0]!.input).toBeUndefined();
  });

  it("keeps concurrent recordings apart", async () => {
    const slow = coat(Op.TOOL, { name: "slow" }, async (id: string) => {
      await new Promise((r) => setTimeout(r, 20));
      return id;
    });
    const [a, b] = await Promise.all([
      record(async () => {
        await slow("a1");
        await slow("a2");
      }),
      record(async () => {
        await slow("b1");
      }),
    ]);
    expect(a.calls.map((c) => c.input)).toEqual(["a1", "a2"]);
    expect(b.calls.map((c) => c.input)).toEqual(["b1"]);
    expect(a.calls[0]!.attributes["envpod.seal.chain"]).not.toBe(b.calls[0]!.attributes["envpod.seal.chain"]);
    assertSealed(a);
    assertSealed(b);
  });

  it("records errors, rethrows the function's own error with the trace attached", async () => {
    const run = coat(Op.AGENT, { name: "run" }, () => broken());
    const error = await record(run).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RangeError);
    const trace = (error as { trace: Parameters<typeof renderTrace>[0] }).trace;
    assertErrored(trace, "broken", { type: "RangeError", message: "out of range" });
    expect(() => assertNoErrors(trace)).toThrow(/broken: RangeError: out of range/);
  });
});

describe("record() and other libraries", () => {
  it("records spans and log records other libraries make through the global API, translated and sealed", async () => {
    const { trace: api } = await import("@opentelemetry/api");
    const { logs } = await import("@opentelemetry/api-logs");
    const library = async () => {
      const span = api.getTracer("some-sdk").startSpan("chat gpt-4o-mini", { attributes: { "gen_ai.operation.name": "chat", "gen_ai.request.model": "gpt-4o-mini", "gen_ai.usage.input_tokens": 12, "gen_ai.usage.output_tokens": 3 } });
      logs.getLogger("some-sdk").emit({ body: "hello from the sdk" });
      span.end();
    };
    const trace = await record(coat(Op.AGENT, { name: "agent" }, library));
    expect(trace.calls.map((c) => [c.name, c.kind, c.depth])).toEqual([
      ["agent", "AGENT", 0],
      ["chat gpt-4o-mini", "LLM", 1],
    ]);
    expect(trace.calls[1]!.tokens).toEqual({ prompt: 12, completion: 3, total: 15 });
    expect(trace.logs.some((l) => l.body === "hello from the sdk")).toBe(true);
    assertSealed(trace);
    // Outside any recording the lent providers are gone: nothing is recorded anywhere.
    expect(hasGlobalTracerProvider()).toBe(false);
  });
});

describe("assertion messages", () => {
  it("name what was expected and show the tree, masked", async () => {
    const trace = await record(() => agent("news"));
    let message = "";
    try {
      assertToolCalled(trace, "search", { times: 2 });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatchSnapshot();
    expect(renderTrace(trace)).toBe(renderTrace(await record(() => agent("news"))));
  });
});
