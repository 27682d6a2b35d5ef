/**
 * The Vercel AI SDK shape: the real `ai` 7 and `@ai-sdk/openai` (its Chat Completions model)
 * against the loopback OpenAI fake, recorded by plain coat(Op.LLM); what crossed the OTLP wire.
 */
import { createAnthropic } from "@ai-sdk/anthropic";
import { createOpenAI } from "@ai-sdk/openai";
import { generateObject, generateText, jsonSchema, streamText, tool } from "ai";
import { SemanticConventions as SC } from "@arizeai/openinference-semantic-conventions";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { Op, coat } from "../../src/index.js";
import { coatAiTools } from "../../src/adapters/ai/index.js";
import type { Harness } from "../support/harness.js";
import { asMap, spanNamed, startHarness } from "../support/harness.js";
import { startOpenAIHttpFake } from "../fakes/openai-http.js";
import type { OpenAIHttpFake } from "../fakes/openai-http.js";
import { startAnthropicFake } from "../fakes/anthropic-api.js";
import type { AnthropicFake } from "../fakes/anthropic-api.js";

const IN = SC.LLM_INPUT_MESSAGES;
const OUT = SC.LLM_OUTPUT_MESSAGES;
let h: Harness;
let oa: OpenAIHttpFake;
let an: AnthropicFake;
let provider: ReturnType<typeof createOpenAI>;
let claude: ReturnType<typeof createAnthropic>;
beforeAll(async () => {
  h = await startHarness({ capture: "raw", dialects: "envpod,openinference,gen_ai" });
  oa = await startOpenAIHttpFake();
  an = await startAnthropicFake();
  provider = createOpenAI({ apiKey: "sk-test", baseURL: oa.baseURL });
  claude = createAnthropic({ apiKey: "test", baseURL: an.v1 });
});
afterAll(async () => {
  await h.close();
  await oa.close();
  await an.close();
});
beforeEach(() => h.reset());

const weather = tool({
  description: "Current weather",
  inputSchema: jsonSchema<{ city: string }>({ type: "object", properties: { city: { type: "string" } } }),
  execute: async ({ city }) => ({ city, tempC: 21 }),
});

describe("the AI SDK shape", () => {
  it("coat(Op.LLM, generateText): the system prompt, the prompt, tool calls and their results, usage, cost", async () => {
    const generate = coat(Op.LLM, generateText);
    oa.reply({ toolCalls: [{ name: "weather", arguments: { city: "Porto" } }], promptTokens: 20, completionTokens: 6 });
    const result = await generate({ model: provider.chat("gpt-4o-mini"), system: "be brief", prompt: "Weather in Porto?", tools: { weather }, temperature: 0 });
    expect(result.toolResults[0]!.output).toEqual({ city: "Porto", tempC: 21 });
    const span = spanNamed(await h.spans(1), "generateText");
    const a = span.attributes;
    expect(a["envpod.llm.shape"]).toBe("ai.sdk");
    expect([a[SC.OPENINFERENCE_SPAN_KIND], a[SC.LLM_PROVIDER], a[SC.LLM_MODEL_NAME]]).toEqual(["LLM", "openai", "gpt-4o-mini-fake"]);
    expect([a[`${IN}.0.${SC.MESSAGE_ROLE}`], a[`${IN}.0.${SC.MESSAGE_CONTENT}`]]).toEqual(["system", "be brief"]);
    expect([a[`${IN}.1.${SC.MESSAGE_ROLE}`], a[`${IN}.1.${SC.MESSAGE_CONTENT}`]]).toEqual(["user", "Weather in Porto?"]);
    expect(a[`${OUT}.0.${SC.MESSAGE_TOOL_CALLS}.0.${SC.TOOL_CALL_FUNCTION_NAME}`]).toBe("weather");
    expect(JSON.parse(a[`${OUT}.0.${SC.MESSAGE_TOOL_CALLS}.0.${SC.TOOL_CALL_FUNCTION_ARGUMENTS_JSON}`] as string)).toEqual({ city: "Porto" });
    expect([a[`${OUT}.1.${SC.MESSAGE_ROLE}`], JSON.parse(a[`${OUT}.1.${SC.MESSAGE_CONTENT}`] as string)]).toEqual(["tool", { city: "Porto", tempC: 21 }]);
    expect(JSON.parse(a[`${SC.LLM_TOOLS}.0.${SC.TOOL_JSON_SCHEMA}`] as string)).toMatchObject({ name: "weather", description: "Current weather" });
    expect(JSON.parse(a[SC.LLM_INVOCATION_PARAMETERS] as string)).toEqual({ temperature: 0 });
    expect([a[SC.LLM_TOKEN_COUNT_PROMPT], a[SC.LLM_TOKEN_COUNT_COMPLETION], a[SC.LLM_TOKEN_COUNT_TOTAL]]).toEqual([20, 6, 26]);
    expect(a["gen_ai.response.finish_reasons"]).toEqual(["tool-calls"]);
    expect([a["gen_ai.operation.name"], a["gen_ai.provider.name"], a["gen_ai.request.temperature"]]).toEqual(["chat", "openai", 0]);
    expect(a[SC.LLM_COST_TOTAL]).toBeCloseTo((20 * 0.15 + 6 * 0.6) / 1e6, 12);
  });

  it("a function of the user's own that returns generateText's result: the response says provider, model and usage", async () => {
    const ask = coat(Op.LLM, async function ask(question: string) {
      return generateText({ model: provider.chat("gpt-4o-mini"), prompt: question });
    });
    oa.reply({ content: "Sunny.", promptTokens: 4, completionTokens: 2 });
    expect((await ask("Weather?")).text).toBe("Sunny.");
    const a = spanNamed(await h.spans(1), "ask").attributes;
    expect([a["envpod.llm.shape"], a[SC.LLM_PROVIDER], a["gen_ai.provider.name"]]).toEqual(["ai.sdk", "openai", "openai"]);
    expect(a[`${OUT}.0.${SC.MESSAGE_CONTENT}`]).toBe("Sunny.");
    expect(a[SC.LLM_TOKEN_COUNT_TOTAL]).toBe(6);
  });

  it("coat(Op.LLM, streamText) stays sync and lasts until the stream has been read", async () => {
    const stream = coat(Op.LLM, streamText);
    oa.reply({ content: "one two three", promptTokens: 3, completionTokens: 3 });
    const result = stream({ model: provider.chat("gpt-4o-mini"), prompt: "count" });
    expect(result).not.toBeInstanceOf(Promise);
    await h.flush();
    expect(h.receiver.spans.filter((s) => s.name === "streamText")).toEqual([]);
    let text = "";
    for await (const delta of result.textStream) text += delta;
    expect(text).toBe("one two three");
    const a = spanNamed(await h.spans(1), "streamText").attributes;
    expect(a[`${OUT}.0.${SC.MESSAGE_CONTENT}`]).toBe("one two three");
    expect(a[SC.LLM_TOKEN_COUNT_TOTAL]).toBe(6);
    expect(a["gen_ai.response.finish_reasons"]).toEqual(["stop"]);
    const end = (await h.logsFor(spanNamed(h.receiver.spans, "streamText"), 2))[1]!;
    expect(asMap(asMap(end.body).payload).llm).toMatchObject({ provider: "openai", token_count: { prompt: 3, completion: 3, total: 6 } });
  });

  it("coat(Op.LLM, generateObject): the object is the reply", async () => {
    const object = coat(Op.LLM, generateObject);
    oa.reply({ content: '{"city":"Porto","tempC":21}', promptTokens: 8, completionTokens: 9 });
    const result = await object({ model: provider.chat("gpt-4o-mini"), prompt: "as JSON", schema: jsonSchema<{ city: string; tempC: number }>({ type: "object", properties: { city: { type: "string" }, tempC: { type: "number" } } }) });
    expect(result.object).toEqual({ city: "Porto", tempC: 21 });
    const a = spanNamed(await h.spans(1), "generateObject").attributes;
    expect(JSON.parse(a[`${OUT}.0.${SC.MESSAGE_CONTENT}`] as string)).toEqual({ city: "Porto", tempC: 21 });
    expect(a[SC.LLM_TOKEN_COUNT_TOTAL]).toBe(17);
  });

  it("@ai-sdk/anthropic: provider anthropic, cache reads in the prompt details, streamed or not", async () => {
    const generate = coat(Op.LLM, generateText);
    const stream = coat(Op.LLM, streamText);
    an.reply(
      { message: { content: [{ type: "text", text: "Bom dia" }], usage: { input_tokens: 10, output_tokens: 3, cache_read_input_tokens: 30 } } },
      { message: { content: [{ type: "text", text: "Boa noite" }], usage: { input_tokens: 5, output_tokens: 4 } } },
    );
    expect((await generate({ model: claude("claude-haiku-4-5"), system: "translate", prompt: "Good morning" })).text).toBe("Bom dia");
    let text = "";
    for await (const delta of stream({ model: claude("claude-haiku-4-5"), prompt: "Good night" }).textStream) text += delta;
    expect(text).toBe("Boa noite");
    const spans = await h.spans(2);
    const a = spanNamed(spans, "generateText").attributes;
    expect([a[SC.LLM_PROVIDER], a[`${IN}.0.${SC.MESSAGE_CONTENT}`], a[`${OUT}.0.${SC.MESSAGE_CONTENT}`]]).toEqual(["anthropic", "translate", "Bom dia"]);
    expect([a[SC.LLM_TOKEN_COUNT_PROMPT], a[SC.LLM_TOKEN_COUNT_PROMPT_DETAILS_CACHE_READ], a[SC.LLM_TOKEN_COUNT_COMPLETION]]).toEqual([40, 30, 3]);
    const streamed = spanNamed(spans, "streamText").attributes;
    expect([streamed[`${OUT}.0.${SC.MESSAGE_CONTENT}`], streamed[SC.LLM_TOKEN_COUNT_TOTAL]]).toEqual(["Boa noite", 9]);
  });

  it("coatAiTools: each execute a TOOL call with the model's input (not the execution options) and the SDK's call id", async () => {
    const tools = coatAiTools({ weather });
    expect(tools.weather).not.toBe(weather);
    expect(tools.weather.description).toBe("Current weather");
    const generate = coat(Op.LLM, generateText);
    oa.reply({ toolCalls: [{ name: "weather", arguments: { city: "Porto" } }], promptTokens: 2, completionTokens: 2 });
    const result = await generate({ model: provider.chat("gpt-4o-mini"), prompt: "Weather in Porto?", tools });
    expect(result.toolResults[0]!.output).toEqual({ city: "Porto", tempC: 21 });
    const spans = await h.spans(2);
    const toolSpan = spanNamed(spans, "weather");
    expect(toolSpan.parentSpanId).toBe(spanNamed(spans, "generateText").spanId);
    const a = toolSpan.attributes;
    expect([a[SC.OPENINFERENCE_SPAN_KIND], a[SC.TOOL_NAME], a[SC.TOOL_DESCRIPTION], a[SC.TOOL_CALL_ID]]).toEqual(["TOOL", "weather", "Current weather", result.toolCalls[0]!.toolCallId]);
    expect(JSON.parse(a[SC.INPUT_VALUE] as string)).toEqual({ city: "Porto" });
    expect(JSON.parse(a[SC.OUTPUT_VALUE] as string)).toEqual({ city: "Porto", tempC: 21 });
    expect(() => coatAiTools(null as never)).toThrow(TypeError);
  });
});
