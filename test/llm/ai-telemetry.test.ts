/**
 * coatAiTelemetry(): the Vercel AI SDK 7's own telemetry events (registerTelemetry) recorded as
 * agent-coat calls — the real `ai` and `@ai-sdk/openai` against the loopback OpenAI fake, no
 * @ai-sdk/otel; what crossed the OTLP wire.
 */
import { createOpenAI } from "@ai-sdk/openai";
import { generateText, jsonSchema, registerTelemetry, stepCountIs, streamText, tool } from "ai";
import { SemanticConventions as SC } from "@arizeai/openinference-semantic-conventions";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { Op, coat } from "../../src/index.js";
import { coatAiTelemetry } from "../../src/adapters/ai/index.js";
import type { Harness } from "../support/harness.js";
import { asMap, spanNamed, startHarness } from "../support/harness.js";
import { startOpenAIHttpFake } from "../fakes/openai-http.js";
import type { OpenAIHttpFake } from "../fakes/openai-http.js";

const SECRET = "sk-proj-Zq8vT3xY7wK2mN5pR4sL9aB1cD6eF0gH";
let h: Harness;
let oa: OpenAIHttpFake;
let provider: ReturnType<typeof createOpenAI>;
beforeAll(async () => {
  h = await startHarness({ capture: "redacted" });
  oa = await startOpenAIHttpFake();
  provider = createOpenAI({ apiKey: "sk-test", baseURL: oa.baseURL });
  registerTelemetry(coatAiTelemetry());
});
afterAll(async () => {
  await h.close();
  await oa.close();
});
beforeEach(() => h.reset());

const weather = tool({
  description: "Current weather",
  inputSchema: jsonSchema<{ city: string }>({ type: "object", properties: { city: { type: "string" } } }),
  execute: async ({ city }) => ({ city, tempC: 21 }),
});

describe("coatAiTelemetry", () => {
  it("a two-step generateText: one AGENT call, an LLM call per model call with messages and tokens, a TOOL call, as one tree", async () => {
    oa.reply({ toolCalls: [{ name: "weather", arguments: { city: "Porto" } }], promptTokens: 20, completionTokens: 6 }, { content: "21°C in Porto.", promptTokens: 30, completionTokens: 5 });
    const run = coat(Op.RUN, function run() {
      return generateText({ model: provider.chat("gpt-4o-mini"), system: "be brief", prompt: `Weather in Porto? my key is ${SECRET}`, tools: { weather }, stopWhen: stepCountIs(3) });
    });
    const result = await run();
    expect(result.text).toBe("21°C in Porto.");
    const spans = await h.spans(5);
    const agent = spanNamed(spans, "ai.generateText");
    expect(agent.parentSpanId).toBe(spanNamed(spans, "run").spanId);
    expect(agent.attributes[SC.OPENINFERENCE_SPAN_KIND]).toBe("AGENT");
    expect(agent.attributes[SC.OUTPUT_VALUE]).toBe("21°C in Porto.");
    const llm = spans.filter((s) => s.attributes[SC.OPENINFERENCE_SPAN_KIND] === "LLM");
    expect(llm.map((s) => s.parentSpanId)).toEqual([agent.spanId, agent.spanId]);
    const [first, second] = [...llm].sort((a, b) => Number(a.startTimeUnixNano - b.startTimeUnixNano));
    expect([first!.attributes[SC.LLM_PROVIDER], first!.attributes[SC.LLM_MODEL_NAME], first!.attributes[SC.LLM_TOKEN_COUNT_TOTAL]]).toEqual(["openai", "gpt-4o-mini-fake", 26]);
    expect(first!.attributes[`${SC.LLM_INPUT_MESSAGES}.0.${SC.MESSAGE_ROLE}`]).toBe("system");
    expect(first!.attributes[`${SC.LLM_INPUT_MESSAGES}.1.${SC.MESSAGE_CONTENT}`]).toMatch(/^Weather in Porto\? my key is \[REDACTED/);
    expect(first!.attributes[`${SC.LLM_OUTPUT_MESSAGES}.0.${SC.MESSAGE_TOOL_CALLS}.0.${SC.TOOL_CALL_FUNCTION_NAME}`]).toBe("weather");
    expect(second!.attributes[`${SC.LLM_OUTPUT_MESSAGES}.0.${SC.MESSAGE_CONTENT}`]).toBe("21°C in Porto.");
    expect(first!.attributes[SC.LLM_COST_TOTAL]).toBeGreaterThan(0);
    const toolSpan = spanNamed(spans, "weather");
    expect(toolSpan.parentSpanId).toBe(agent.spanId);
    expect([toolSpan.attributes[SC.OPENINFERENCE_SPAN_KIND], toolSpan.attributes[SC.TOOL_CALL_ID]]).toEqual(["TOOL", result.steps[0]!.toolCalls[0]!.toolCallId]);
    expect(JSON.parse(toolSpan.attributes[SC.INPUT_VALUE] as string)).toEqual({ city: "Porto" });
    // The RUN's running totals count both model calls; the log records say the same without the spans.
    expect(spanNamed(spans, "run").attributes["envpod.llm.calls"]).toBe(2);
    const end = (await h.logsFor(first!, 2))[1]!;
    expect(asMap(asMap(end.body).payload).llm).toMatchObject({ provider: "openai", token_count: { prompt: 20, completion: 6, total: 26 } });
    expect(h.receiver.allWireText()).not.toContain(SECRET);
  });

  it("streamText: the LLM call ends with the streamed text once the stream has been read", async () => {
    oa.reply({ content: "one two", promptTokens: 3, completionTokens: 2 });
    const result = streamText({ model: provider.chat("gpt-4o-mini"), prompt: "count" });
    let text = "";
    for await (const delta of result.textStream) text += delta;
    expect(text).toBe("one two");
    const spans = await h.spans(2);
    expect(spanNamed(spans, "ai.streamText").attributes[SC.OPENINFERENCE_SPAN_KIND]).toBe("AGENT");
    const llm = spans.find((s) => s.attributes[SC.OPENINFERENCE_SPAN_KIND] === "LLM")!;
    expect([llm.attributes[`${SC.LLM_OUTPUT_MESSAGES}.0.${SC.MESSAGE_CONTENT}`], llm.attributes[SC.LLM_TOKEN_COUNT_TOTAL]]).toEqual(["one two", 5]);
  });

  it("a failing model call fails its LLM and AGENT calls with the SDK's error, which reaches the caller unchanged", async () => {
    oa.reply({ status: 400, error: { message: "bad request", type: "invalid_request_error" } });
    const failed = await generateText({ model: provider.chat("gpt-4o-mini"), prompt: "x", maxRetries: 0 }).catch((e: unknown) => e);
    expect((failed as Error).message).toContain("bad request");
    const spans = await h.spans(2);
    expect(spans.map((s) => [s.attributes[SC.OPENINFERENCE_SPAN_KIND], s.status.code]).sort()).toEqual([["AGENT", 2], ["LLM", 2]]);
  });
});
