/**
 * The client wrappers and plain coat(Op.LLM) around the real `openai` and `@anthropic-ai/sdk`
 * clients, pointed at loopback fakes of their APIs: what crossed the OTLP wire, and that the SDKs'
 * own objects, errors and helpers reach the caller unchanged.
 */
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { SemanticConventions as SC } from "@arizeai/openinference-semantic-conventions";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { Op, coat, withSession } from "../../src/index.js";
import { coatOpenAI } from "../../src/adapters/openai/index.js";
import { coatAnthropic } from "../../src/adapters/anthropic/index.js";
import type { Harness } from "../support/harness.js";
import { asMap, spanNamed, startHarness } from "../support/harness.js";
import type { ReceivedSpan } from "../support/otlp-receiver.js";
import { startOpenAIHttpFake } from "../fakes/openai-http.js";
import type { OpenAIHttpFake } from "../fakes/openai-http.js";
import { startAnthropicFake } from "../fakes/anthropic-api.js";
import type { AnthropicFake } from "../fakes/anthropic-api.js";

const SECRET = "sk-proj-Zq8vT3xY7wK2mN5pR4sL9aB1cD6eF0gH";
let h: Harness;
let oa: OpenAIHttpFake;
let an: AnthropicFake;
let openai: OpenAI;
let anthropic: Anthropic;
beforeAll(async () => {
  h = await startHarness({ capture: "redacted", dialects: "envpod,openinference,gen_ai" });
  oa = await startOpenAIHttpFake();
  an = await startAnthropicFake();
  openai = coatOpenAI(new OpenAI({ apiKey: "sk-test", baseURL: oa.baseURL, maxRetries: 0 }));
  anthropic = coatAnthropic(new Anthropic({ apiKey: "test", baseURL: an.baseURL, maxRetries: 0 }));
});
afterAll(async () => {
  await h.close();
  await oa.close();
  await an.close();
});
beforeEach(() => h.reset());

const llmSpans = (spans: ReceivedSpan[]) => spans.filter((s) => s.attributes[SC.OPENINFERENCE_SPAN_KIND] === "LLM");

describe("coatOpenAI", () => {
  it("returns the same client and records a chat call with messages, tools, tool calls and tokens", async () => {
    const raw = new OpenAI({ apiKey: "sk-test", baseURL: oa.baseURL, maxRetries: 0 });
    expect(coatOpenAI(raw)).toBe(raw);
    oa.reply({ toolCalls: [{ name: "lookup", arguments: { city: "Porto" } }], promptTokens: 30, completionTokens: 9 });
    const completion = await openai.chat.completions.create({
      model: "gpt-4o-mini",
      messages: [{ role: "system", content: "be brief" }, { role: "user", content: `weather? my key is ${SECRET}` }],
      tools: [{ type: "function", function: { name: "lookup", description: "weather", parameters: { type: "object" } } }],
      temperature: 0,
    });
    expect(completion.choices[0]!.message.tool_calls![0]!.type).toBe("function");
    const [span] = llmSpans(await h.spans(1));
    const a = span!.attributes;
    expect(span!.name).toBe("openai.chat.completions.create");
    expect(a[SC.LLM_PROVIDER]).toBe("openai");
    expect(a[`${SC.LLM_INPUT_MESSAGES}.1.${SC.MESSAGE_CONTENT}`]).toMatch(/^weather\? my key is \[REDACTED/);
    expect(a[`${SC.LLM_OUTPUT_MESSAGES}.0.${SC.MESSAGE_TOOL_CALLS}.0.${SC.TOOL_CALL_FUNCTION_NAME}`]).toBe("lookup");
    expect(JSON.parse(a[`${SC.LLM_TOOLS}.0.${SC.TOOL_JSON_SCHEMA}`] as string)).toMatchObject({ name: "lookup", description: "weather" });
    expect([a[SC.LLM_TOKEN_COUNT_PROMPT], a[SC.LLM_TOKEN_COUNT_COMPLETION], a[SC.LLM_TOKEN_COUNT_TOTAL]]).toEqual([30, 9, 39]);
    expect(a["gen_ai.response.finish_reasons"]).toEqual(["tool_calls"]);
    expect(h.receiver.allWireText()).not.toContain(SECRET);
    // The end record says what was called and what it used, without the span.
    const end = (await h.logsFor(span!, 2))[1]!;
    expect(asMap(asMap(end.body).payload).llm).toMatchObject({ model_name: "gpt-4o-mini-fake", provider: "openai", token_count: { prompt: 30, completion: 9, total: 39 }, finish_reasons: ["tool_calls"] });
  });

  it("observes a stream in place: the SDK's own Stream, joined text, usage from the last chunk", async () => {
    oa.reply({ content: "one two three", promptTokens: 4, completionTokens: 3 });
    const stream = await openai.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "count" }], stream: true, stream_options: { include_usage: true } });
    expect(stream.constructor.name).toBe("Stream");
    let text = "";
    for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? "";
    expect(text).toBe("one two three");
    const [span] = llmSpans(await h.spans(1));
    expect(span!.attributes[`${SC.LLM_OUTPUT_MESSAGES}.0.${SC.MESSAGE_CONTENT}`]).toBe("one two three");
    expect(span!.attributes[SC.OUTPUT_VALUE]).toBe("one two three");
    expect(span!.attributes[SC.LLM_TOKEN_COUNT_TOTAL]).toBe(7);
    expect(span!.events.map((e) => e.name)).toContain("coat.stream.first_chunk");
  });

  it("withResponse() and a rejected call reach the caller as the SDK makes them, and settle the span", async () => {
    oa.reply({ content: "hi", promptTokens: 1, completionTokens: 1 });
    const { data, response } = await openai.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }] }).withResponse();
    expect(data.choices[0]!.message.content).toBe("hi");
    expect(response.status).toBe(200);
    oa.reply({ status: 429, error: { message: "slow down", type: "rate_limit_error", code: "rate_limit" } });
    const failed = await openai.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }] }).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(OpenAI.RateLimitError);
    const spans = llmSpans(await h.spans(2));
    expect(spans.map((s) => s.status.code).sort()).toEqual([1, 2]);
    expect(spans.find((s) => s.status.code === 1)!.attributes[`${SC.LLM_OUTPUT_MESSAGES}.0.${SC.MESSAGE_CONTENT}`]).toBe("hi");
  });

  it("records responses.create: input items, instructions, function calls, tokens, from the Responses API's own response", async () => {
    oa.reply({ toolCalls: [{ name: "lookup", arguments: { city: "Porto" } }], promptTokens: 21, completionTokens: 8 });
    const response = await openai.responses.create({
      model: "gpt-4o-mini",
      instructions: "be brief",
      input: [{ role: "user", content: `weather? my key is ${SECRET}` }],
      tools: [{ type: "function", name: "lookup", description: "weather", parameters: { type: "object", properties: { city: { type: "string" } } }, strict: false }],
    });
    expect(response.output[0]!.type).toBe("function_call");
    expect(oa.requests.at(-1)!.path).toBe("/v1/responses");
    const [span] = llmSpans(await h.spans(1));
    const a = span!.attributes;
    expect(span!.name).toBe("openai.responses.create");
    expect(a["envpod.llm.shape"]).toBe("openai.responses");
    // The instructions are the system message before the input items.
    expect([a[`${SC.LLM_INPUT_MESSAGES}.0.${SC.MESSAGE_ROLE}`], a[`${SC.LLM_INPUT_MESSAGES}.0.${SC.MESSAGE_CONTENT}`]]).toEqual(["system", "be brief"]);
    expect(a[`${SC.LLM_INPUT_MESSAGES}.1.${SC.MESSAGE_CONTENT}`]).toMatch(/weather\? my key is \[REDACTED/);
    expect(a[`${SC.LLM_OUTPUT_MESSAGES}.0.${SC.MESSAGE_TOOL_CALLS}.0.${SC.TOOL_CALL_FUNCTION_NAME}`]).toBe("lookup");
    expect(JSON.parse(a[`${SC.LLM_OUTPUT_MESSAGES}.0.${SC.MESSAGE_TOOL_CALLS}.0.${SC.TOOL_CALL_FUNCTION_ARGUMENTS_JSON}`] as string)).toEqual({ city: "Porto" });
    expect([a[SC.LLM_TOKEN_COUNT_PROMPT], a[SC.LLM_TOKEN_COUNT_COMPLETION], a[SC.LLM_TOKEN_COUNT_TOTAL]]).toEqual([21, 8, 29]);
    expect(a[SC.LLM_MODEL_NAME]).toBe("gpt-4o-mini-fake");
    expect(h.receiver.allWireText()).not.toContain(SECRET);
  });

  it("observes a streamed responses.create in place: the text joined from the deltas, usage from response.completed", async () => {
    oa.reply({ content: "one two three", promptTokens: 6, completionTokens: 3 });
    const stream = await openai.responses.create({ model: "gpt-4o-mini", input: "count", stream: true });
    let text = "";
    for await (const event of stream) if (event.type === "response.output_text.delta") text += event.delta;
    expect(text).toBe("one two three");
    const [span] = llmSpans(await h.spans(1));
    expect(span!.attributes[`${SC.LLM_INPUT_MESSAGES}.0.${SC.MESSAGE_CONTENT}`]).toBe("count");
    expect(span!.attributes[`${SC.LLM_OUTPUT_MESSAGES}.0.${SC.MESSAGE_CONTENT}`]).toBe("one two three");
    expect(span!.attributes[SC.LLM_TOKEN_COUNT_TOTAL]).toBe(9);
    expect(span!.events.map((e) => e.name)).toContain("coat.stream.first_chunk");
  });

  it("plain coat(Op.LLM) around a client call recognises the request and the response", async () => {
    const plain = new OpenAI({ apiKey: "sk-test", baseURL: oa.baseURL, maxRetries: 0 });
    const ask = coat(Op.LLM, function ask(params: OpenAI.ChatCompletionCreateParamsNonStreaming) {
      return plain.chat.completions.create(params);
    });
    oa.reply({ content: "Porto", promptTokens: 2, completionTokens: 1 });
    await withSession(() => ask({ model: "gpt-4o-mini", messages: [{ role: "user", content: "a city?" }] }));
    const span = spanNamed(await h.spans(1), "ask");
    expect(span.attributes["envpod.llm.shape"]).toBe("openai.chat");
    expect(span.attributes[`${SC.LLM_OUTPUT_MESSAGES}.0.${SC.MESSAGE_CONTENT}`]).toBe("Porto");
    expect(span.attributes[SC.LLM_TOKEN_COUNT_TOTAL]).toBe(3);
  });
});

describe("coatAnthropic", () => {
  it("records messages.create, and the SDK's own span becomes a transport child without tokens", async () => {
    an.reply({ message: { content: [{ type: "text", text: "Bonjour" }], usage: { input_tokens: 10, output_tokens: 2, cache_read_input_tokens: 5 } } });
    const message = await anthropic.messages.create({ model: "claude-haiku-4-5", max_tokens: 64, system: "translate", messages: [{ role: "user", content: "Hello" }] });
    expect(message.content[0]).toMatchObject({ type: "text", text: "Bonjour" });
    const spans = await h.spans(2);
    const [llm] = llmSpans(spans);
    expect(llmSpans(spans)).toHaveLength(1);
    expect(llm!.attributes[`${SC.LLM_INPUT_MESSAGES}.0.${SC.MESSAGE_ROLE}`]).toBe("system");
    expect(llm!.attributes[`${SC.LLM_INPUT_MESSAGES}.0.${SC.MESSAGE_CONTENT}`]).toBe("translate");
    expect(llm!.attributes[`${SC.LLM_OUTPUT_MESSAGES}.0.${SC.MESSAGE_CONTENT}`]).toBe("Bonjour");
    expect([llm!.attributes[SC.LLM_TOKEN_COUNT_PROMPT], llm!.attributes[SC.LLM_TOKEN_COUNT_PROMPT_DETAILS_CACHE_READ]]).toEqual([15, 5]);
    const transport = spans.find((s) => s.name === "anthropic.messages.create" && s !== llm)!;
    expect(transport.parentSpanId).toBe(llm!.spanId);
    expect(transport.attributes[SC.OPENINFERENCE_SPAN_KIND]).toBe("CHAIN");
    expect(transport.attributes["envpod.llm.transport"]).toBe(true);
    expect(Object.keys(transport.attributes).filter((k) => k.startsWith("gen_ai.usage.") || k === "gen_ai.operation.name")).toEqual([]);
  });

  it("records messages.stream() once, whether the caller iterates or awaits finalMessage()", async () => {
    an.reply({ message: { content: [{ type: "text", text: "streamed reply" }], usage: { input_tokens: 3, output_tokens: 4 } } });
    const final = await anthropic.messages.stream({ model: "claude-haiku-4-5", max_tokens: 64, messages: [{ role: "user", content: "go" }] }).finalMessage();
    expect(final.content[0]).toMatchObject({ text: "streamed reply" });
    const spans = await h.spans(2);
    const llm = llmSpans(spans);
    expect(llm.map((s) => s.name)).toEqual(["anthropic.messages.stream"]);
    expect(llm[0]!.attributes[`${SC.LLM_OUTPUT_MESSAGES}.0.${SC.MESSAGE_CONTENT}`]).toBe("streamed reply");
    expect(llm[0]!.attributes[SC.LLM_TOKEN_COUNT_TOTAL]).toBe(7);
    expect(spans.filter((s) => s.attributes[SC.OPENINFERENCE_SPAN_KIND] === undefined)).toEqual([]);
  });
});
