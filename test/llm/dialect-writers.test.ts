/**
 * The dialect writers on hand-built exchanges: which OpenInference and GenAI attributes each part
 * of an LLM call becomes, per capture mode, and the attribute budget.
 */
import type { Attributes } from "@opentelemetry/api";
import { describe, expect, it } from "vitest";
import { createPolicy } from "../../src/capture/policy.js";
import { LlmContentRules } from "../../src/llm/content-rules.js";
import type { LlmRequest, LlmResponse } from "../../src/llm/exchange.js";
import { openInferenceRequest, openInferenceResponse, openInferenceUsage } from "../../src/dialects/openinference-llm.js";
import { genAiRequest, genAiResponse, genAiUsage } from "../../src/dialects/gen-ai.js";

const SECRET = "sk-proj-Zq8vT3xY7wK2mN5pR4sL9aB1cD6eF0gH";
const rules = (mode: "none" | "redacted" | "hash" | "summary" | "raw", max = 8192) =>
  new LlmContentRules(mode, max, mode === "none" || mode === "raw" ? undefined : createPolicy(mode, undefined, undefined), true);

const request: LlmRequest = {
  operation: "chat",
  system: "openai",
  provider: "openai",
  model: "gpt-4o-mini",
  instructions: "Be brief.",
  messages: [
    { role: "user", parts: [{ type: "text", text: `my key is ${SECRET}` }] },
    { role: "assistant", parts: [], toolCalls: [{ id: "call_1", name: "lookup", arguments: JSON.stringify({ city: "Porto", password: "hunter2" }) }] },
    { role: "tool", parts: [{ type: "text", text: "sunny" }], toolCallId: "call_1" },
    { role: "user", parts: [{ type: "text", text: "and then?" }, { type: "image", url: "https://example.com/a.png" }] },
  ],
  tools: [{ name: "lookup", description: "Weather by city", parameters: { type: "object", properties: { city: { type: "string" } } } }],
  parameters: { temperature: 0.2, max_tokens: 100, stop: ["END"] },
};
const response: LlmResponse = {
  id: "chatcmpl-1",
  model: "gpt-4o-mini-2024-07-18",
  messages: [{ role: "assistant", parts: [{ type: "text", text: "Take an umbrella." }], finishReason: "stop" }],
  finishReasons: ["stop"],
  usage: { input: 120, output: 8, total: 128, cacheRead: 64, reasoning: 2 },
};

describe("OpenInference", () => {
  it("writes messages, tool calls, tools, parameters and models in redacted mode, secrets scrubbed", () => {
    const a: Attributes = {};
    expect(openInferenceRequest(request, rules("redacted"), 100, a)).toBe(0);
    expect(a["llm.model_name"]).toBe("gpt-4o-mini");
    expect(a["llm.system"]).toBe("openai");
    expect(a["llm.provider"]).toBe("openai");
    expect(a["llm.input_messages.0.message.role"]).toBe("system");
    expect(a["llm.input_messages.0.message.content"]).toBe("Be brief.");
    expect(a["llm.input_messages.1.message.content"]).toMatch(/^my key is \[REDACTED/);
    expect(a["llm.input_messages.2.message.tool_calls.0.tool_call.id"]).toBe("call_1");
    expect(a["llm.input_messages.2.message.tool_calls.0.tool_call.function.name"]).toBe("lookup");
    expect(JSON.parse(a["llm.input_messages.2.message.tool_calls.0.tool_call.function.arguments"] as string)).toEqual({ city: "Porto", password: "[REDACTED]" });
    expect(a["llm.input_messages.3.message.tool_call_id"]).toBe("call_1");
    expect(a["llm.input_messages.4.message.contents.0.message_content.type"]).toBe("text");
    expect(a["llm.input_messages.4.message.contents.0.message_content.text"]).toBe("and then?");
    expect(a["llm.input_messages.4.message.contents.1.message_content.image.image.url"]).toBe("https://example.com/a.png");
    expect(JSON.parse(a["llm.tools.0.tool.json_schema"] as string)).toMatchObject({ name: "lookup", description: "Weather by city" });
    expect(JSON.parse(a["llm.invocation_parameters"] as string)).toEqual({ temperature: 0.2, max_tokens: 100, stop: ["END"] });
    expect(JSON.stringify(a)).not.toContain(SECRET);
  });

  it("mode none keeps roles, tool names, ids, tools' names, parameters and no content", () => {
    const a: Attributes = {};
    openInferenceRequest(request, rules("none"), 100, a);
    openInferenceResponse(response, rules("none"), a);
    expect(a["llm.input_messages.1.message.role"]).toBe("user");
    expect(a["llm.input_messages.2.message.tool_calls.0.tool_call.function.name"]).toBe("lookup");
    expect(a["llm.output_messages.0.message.role"]).toBe("assistant");
    expect(JSON.parse(a["llm.tools.0.tool.json_schema"] as string)).toEqual({ name: "lookup" });
    const text = JSON.stringify(a);
    for (const content of ["Be brief", "my key", "Porto", "sunny", "and then", "example.com", "umbrella", "Weather by city"]) expect(text).not.toContain(content);
  });

  it("hash and summary render every message string", () => {
    const hashed: Attributes = {};
    openInferenceRequest(request, rules("hash"), 100, hashed);
    expect(hashed["llm.input_messages.0.message.content"]).toMatch(/^sha256:[0-9a-f]{64}$/);
    const summary: Attributes = {};
    openInferenceRequest(request, rules("summary"), 100, summary);
    expect(summary["llm.input_messages.0.message.content"]).toBe("string(9)");
  });

  it("keeps each string up to the limit", () => {
    const long = { ...request, instructions: undefined, messages: [{ role: "user", parts: [{ type: "text" as const, text: "x".repeat(10_000) }] }] };
    const a: Attributes = {};
    openInferenceRequest(long, rules("raw", 8192), 100, a);
    expect(a["llm.input_messages.0.message.content"]).toBe(`${"x".repeat(8192)}…[+1808 chars]`);
  });

  it("past the budget keeps the most recent messages and says how many it left out", () => {
    const many: LlmRequest = { operation: "chat", messages: Array.from({ length: 40 }, (_, i) => ({ role: i % 2 ? "assistant" : "user", parts: [{ type: "text" as const, text: `m${i}` }] })) };
    const a: Attributes = {};
    expect(openInferenceRequest(many, rules("raw"), 20, a)).toBe(30);
    expect(a["llm.input_messages.0.message.content"]).toBe("m30");
    expect(a["llm.input_messages.9.message.content"]).toBe("m39");
    expect(a["llm.input_messages.10.message.content"]).toBeUndefined();
  });

  it("writes the response and the token counts with their details", () => {
    const a: Attributes = {};
    openInferenceResponse(response, rules("raw"), a);
    openInferenceUsage(response.usage!, a);
    expect(a).toMatchObject({
      "llm.model_name": "gpt-4o-mini-2024-07-18",
      "llm.output_messages.0.message.role": "assistant",
      "llm.output_messages.0.message.content": "Take an umbrella.",
      "llm.token_count.prompt": 120,
      "llm.token_count.completion": 8,
      "llm.token_count.total": 128,
      "llm.token_count.prompt_details.cache_read": 64,
      "llm.token_count.completion_details.reasoning": 2,
    });
  });
});

describe("GenAI conventions", () => {
  it("writes operation, provider, models, parameters, usage and the messages in the parts structure", () => {
    const a: Attributes = {};
    genAiRequest(request, rules("redacted"), a);
    genAiResponse(response, rules("redacted"), a);
    genAiUsage(response.usage!, a);
    expect(a).toMatchObject({
      "gen_ai.operation.name": "chat",
      "gen_ai.provider.name": "openai",
      "gen_ai.request.model": "gpt-4o-mini",
      "gen_ai.request.temperature": 0.2,
      "gen_ai.request.max_tokens": 100,
      "gen_ai.request.stop_sequences": ["END"],
      "gen_ai.response.model": "gpt-4o-mini-2024-07-18",
      "gen_ai.response.id": "chatcmpl-1",
      "gen_ai.response.finish_reasons": ["stop"],
      "gen_ai.usage.input_tokens": 120,
      "gen_ai.usage.output_tokens": 8,
      "gen_ai.usage.cache_read.input_tokens": 64,
      "gen_ai.usage.reasoning.output_tokens": 2,
    });
    expect(JSON.parse(a["gen_ai.system_instructions"] as string)).toEqual([{ type: "text", content: "Be brief." }]);
    const input = JSON.parse(a["gen_ai.input.messages"] as string);
    expect(input[0].role).toBe("user");
    expect(input[0].parts[0].content).toMatch(/^my key is \[REDACTED/);
    expect(input[1].parts[0]).toEqual({ type: "tool_call", name: "lookup", id: "call_1", arguments: { city: "Porto", password: "[REDACTED]" } });
    expect(input[2].parts[0]).toEqual({ type: "tool_call_response", id: "call_1", response: "sunny" });
    expect(input[3].parts[1]).toEqual({ type: "uri", modality: "image", uri: "https://example.com/a.png" });
    expect(JSON.parse(a["gen_ai.output.messages"] as string)).toEqual([{ role: "assistant", parts: [{ type: "text", content: "Take an umbrella." }], finish_reason: "stop" }]);
    expect(JSON.parse(a["gen_ai.tool.definitions"] as string)[0]).toMatchObject({ type: "function", name: "lookup", description: "Weather by city" });
  });

  it("mode none writes no messages, instructions or schemas", () => {
    const a: Attributes = {};
    genAiRequest(request, rules("none"), a);
    genAiResponse(response, rules("none"), a);
    expect(a["gen_ai.input.messages"]).toBeUndefined();
    expect(a["gen_ai.output.messages"]).toBeUndefined();
    expect(a["gen_ai.system_instructions"]).toBeUndefined();
    expect(JSON.parse(a["gen_ai.tool.definitions"] as string)).toEqual([{ type: "function", name: "lookup" }]);
    expect(a["gen_ai.request.model"]).toBe("gpt-4o-mini");
  });
});
