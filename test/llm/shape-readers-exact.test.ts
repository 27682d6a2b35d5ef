/**
 * The shape readers' exact results on realistic inputs: same keys, same values, same key order at
 * every depth (JSON text and hashed canonical text show it), also beside setters and read-only
 * values on Object.prototype for the fields they add.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import type { LlmStreamAccumulator } from "../../src/llm/exchange.js";
import { aiModelCallShape } from "../../src/llm/shapes/ai-model-call.js";
import { aiSdkShape } from "../../src/llm/shapes/ai-sdk.js";
import { anthropicMessagesShape } from "../../src/llm/shapes/anthropic-messages.js";
import { langchainChatShape } from "../../src/llm/shapes/langchain-chat.js";
import { openaiChatShape } from "../../src/llm/shapes/openai-chat.js";
import { openaiResponsesShape } from "../../src/llm/shapes/openai-responses.js";
import { messageEvents } from "../fakes/anthropic-events.js";

const weatherSchema = { type: "object", properties: { city: { type: "string" } }, required: ["city"] };

// Vercel AI SDK 7: a LanguageModelCallStartEvent / LanguageModelCallEndEvent pair (coatAiTelemetry).
const aiCallStart = {
  callId: "call-1",
  provider: "openai.chat",
  modelId: "gpt-4o-mini",
  instructions: "be brief",
  messages: [
    { role: "user", content: [{ type: "text", text: "Weather in Porto?" }] },
    { role: "assistant", content: [{ type: "text", text: "Checking." }, { type: "tool-call", toolCallId: "call_1", toolName: "weather", input: { city: "Porto" } }] },
    { role: "tool", content: [{ type: "tool-result", toolCallId: "call_1", toolName: "weather", output: { type: "json", value: { city: "Porto", tempC: 21 } } }] },
  ],
  tools: [{ type: "function", name: "weather", description: "Current weather", inputSchema: weatherSchema }, { type: "function", name: "clock" }],
  temperature: 0,
  maxOutputTokens: 200,
  stopSequences: ["END"],
  headers: { "x-trace": "1" },
};
const aiCallEnd = {
  callId: "call-1",
  provider: "openai.chat",
  modelId: "gpt-4o-mini-fake",
  responseId: "chatcmpl-7",
  performance: { responseTimeMs: 120, effectiveOutputTokensPerSecond: 50 },
  content: [{ type: "reasoning", text: "Porto it is." }, { type: "tool-call", toolCallId: "call_2", toolName: "weather", input: { city: "Porto" } }],
  finishReason: "tool-calls",
  usage: { inputTokens: 20, outputTokens: 6, totalTokens: 26, inputTokenDetails: { cacheReadTokens: 4 }, outputTokenDetails: { reasoningTokens: 2 } },
};

// Vercel AI SDK 7: generateText options and result (two steps), generateObject's result.
const aiModel = { specificationVersion: "v3", provider: "openai.chat", modelId: "gpt-4o-mini", config: { provider: "openai.chat" } };
const aiOptions = {
  model: aiModel,
  system: [{ role: "system", content: "be brief" }, { role: "system", content: "answer in °C" }],
  messages: [
    { role: "user", content: [{ type: "text", text: "What is this?" }, { type: "image", image: "https://example.com/porto.png" }, { type: "file", mediaType: "image/png", data: "iVBORw0KGgo=" }] },
    { role: "assistant", content: "A bridge." },
  ],
  tools: { weather: { description: "Current weather", inputSchema: { jsonSchema: weatherSchema }, execute: async () => ({}) }, clock: { inputSchema: {} } },
  temperature: 0.3,
  toolChoice: "auto",
  abortSignal: new AbortController().signal,
};
const aiResult = {
  text: "21°C.",
  steps: [
    {
      content: [
        { type: "text", text: "Let me check." },
        { type: "tool-call", toolCallId: "call_1", toolName: "weather", input: { city: "Porto" } },
        { type: "tool-result", toolCallId: "call_1", toolName: "weather", input: { city: "Porto" }, output: { city: "Porto", tempC: 21 } },
        { type: "tool-error", toolCallId: "call_2", toolName: "book", input: {}, error: new TypeError("no tables") },
        { type: "source", sourceType: "url", id: "s1", url: "https://example.com" },
      ],
      finishReason: "tool-calls",
      usage: { inputTokens: 20, outputTokens: 6, totalTokens: 26 },
      response: { id: "chatcmpl-1", modelId: "gpt-4o-mini-fake", timestamp: new Date(0) },
      model: { provider: "openai.chat", modelId: "gpt-4o-mini" },
    },
    {
      content: [{ type: "text", text: "21°C." }],
      finishReason: "stop",
      usage: { inputTokens: 30, outputTokens: 5, totalTokens: 35 },
      response: { id: "chatcmpl-2", modelId: "gpt-4o-mini-fake", timestamp: new Date(0) },
      model: { provider: "openai.chat", modelId: "gpt-4o-mini" },
    },
  ],
  totalUsage: { inputTokens: 50, outputTokens: 11, totalTokens: 61, cachedInputTokens: 8 },
};
const aiObject = { object: { city: "Porto", tempC: 21 }, finishReason: "stop", response: { id: "chatcmpl-3", modelId: "gpt-4o-mini-fake" }, usage: { inputTokens: 8, outputTokens: 9, totalTokens: 17 } };

// Anthropic Messages: a request with a system prompt, a tool round trip and an image; the reply.
const anthropicRequest = {
  model: "claude-haiku-4-5",
  max_tokens: 1024,
  system: [{ type: "text", text: "translate" }],
  temperature: 0.5,
  tools: [{ name: "get_weather", description: "Current weather", input_schema: weatherSchema }, { name: "clock" }],
  messages: [
    { role: "user", content: "Weather in Paris?" },
    { role: "assistant", content: [{ type: "text", text: "Checking." }, { type: "tool_use", id: "toolu_1", name: "get_weather", input: { city: "Paris" } }] },
    {
      role: "user",
      content: [
        { type: "tool_result", tool_use_id: "toolu_1", content: [{ type: "text", text: "sunny" }] },
        { type: "image", source: { type: "base64", media_type: "image/png", data: "iVBORw0KGgo=" } },
        { type: "image", source: { type: "url", url: "https://example.com/paris.png" } },
      ],
    },
  ],
  stream: true,
};
const anthropicMessage = {
  id: "msg_01",
  type: "message",
  role: "assistant",
  model: "claude-haiku-4-5",
  content: [
    { type: "thinking", thinking: "Let me think about it.", signature: "sig" },
    { type: "text", text: "Calling the tool now." },
    { type: "tool_use", id: "toolu_2", name: "get_weather", input: { city: "Paris", units: "c" } },
  ],
  stop_reason: "tool_use",
  stop_sequence: null,
  usage: { input_tokens: 30, output_tokens: 20, cache_read_input_tokens: 5, cache_creation_input_tokens: 2 },
};

// LangChain callbacks, as CoatCallbackHandler passes them: handleChatModelStart, handleLLMStart, handleLLMEnd.
const langchainStart = {
  messages: [
    { type: "system", content: "be brief" },
    { type: "human", content: [{ type: "text", text: "Weather in Porto?" }, { type: "image_url", image_url: { url: "data:image/png;base64,iVBORw0KGgo=" } }] },
    { type: "ai", content: "", tool_calls: [{ name: "weather", args: { city: "Porto" }, id: "call_1", type: "tool_call" }], id: "chatcmpl-0" },
    { type: "tool", content: '{"tempC":21}', tool_call_id: "call_1", name: "weather" },
  ],
  invocationParams: { model: "gpt-4o-mini", temperature: 0, stream: false, tools: [{ type: "function", function: { name: "weather", description: "Current weather", parameters: weatherSchema } }] },
  metadata: { ls_provider: "openai", ls_model_name: "gpt-4o-mini" },
};
const langchainPrompts = { prompts: ["Once upon a time"], invocationParams: { model_name: "gpt-3.5-turbo-instruct", max_tokens: 20 }, metadata: { ls_provider: undefined, ls_model_name: undefined } };
const langchainResult = {
  generations: [
    [
      {
        text: "",
        message: {
          type: "ai",
          content: "",
          tool_calls: [{ name: "weather", args: { city: "Porto" }, id: "call_1", type: "tool_call" }, { name: "bookTable", args: { time: "20:00" }, type: "tool_call" }],
          id: "chatcmpl-1",
          usage_metadata: { input_tokens: 40, output_tokens: 12, total_tokens: 52, input_token_details: { cache_read: 0 }, output_token_details: { reasoning: 3 } },
          response_metadata: { finish_reason: "tool_calls", model_name: "gpt-4o-mini-fake" },
        },
        generationInfo: { finish_reason: "tool_calls" },
      },
    ],
  ],
};
const langchainLlmResult = { generations: [[{ text: " there was a bridge.", generationInfo: { finish_reason: "length" } }]], llmOutput: { tokenUsage: { promptTokens: 4, completionTokens: 20, totalTokens: 24 } } };

// OpenAI Chat Completions streamed: chat.completion.chunks as the fake sends them, with tool-call deltas.
const chatChunk = (choices: unknown[], extra: object = {}) => ({ id: "chatcmpl-9", object: "chat.completion.chunk", created: 1765000000, model: "gpt-4o-mini-fake", choices, ...extra });
const chatChunks = [
  chatChunk([{ index: 0, delta: { role: "assistant", content: "" }, finish_reason: null }]),
  chatChunk([{ index: 0, delta: { content: "Checking " }, finish_reason: null }]),
  chatChunk([{ index: 0, delta: { content: "the weather." }, finish_reason: null }]),
  chatChunk([{ index: 0, delta: { tool_calls: [{ index: 0, id: "call_1", type: "function", function: { name: "weather", arguments: "" } }] }, finish_reason: null }]),
  chatChunk([{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: '{"city":' } }] }, finish_reason: null }]),
  chatChunk([{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: '"Porto"}' } }] }, finish_reason: null }]),
  chatChunk([{ index: 0, delta: { tool_calls: [{ index: 1, function: { name: "clock" } }] }, finish_reason: null }]),
  chatChunk([{ index: 0, delta: {}, finish_reason: "tool_calls" }]),
  chatChunk([{ index: 1, delta: { role: "assistant", refusal: "I can't." }, finish_reason: "stop" }]),
  chatChunk([], { usage: { prompt_tokens: 12, completion_tokens: 9, total_tokens: 21, prompt_tokens_details: { cached_tokens: 0 } } }),
];

// OpenAI Responses: a request with a tool round trip (the Agents SDK's item too), the response, its events.
const responsesRequest = {
  model: "gpt-4.1-mini",
  instructions: "be brief",
  input: [
    { role: "user", content: [{ type: "input_text", text: "Weather in Porto?" }] },
    { type: "function_call", call_id: "call_1", name: "weather", arguments: '{"city":"Porto"}', id: "fc_1" },
    { type: "function_call_output", call_id: "call_1", output: '{"tempC":21}' },
    { type: "function_call_result", callId: "call_2", name: "clock", status: "completed", output: { type: "text", text: "20:00" } },
  ],
  tools: [{ type: "function", name: "weather", description: "Current weather", parameters: weatherSchema, strict: true }, { type: "web_search" }],
  temperature: 0.2,
  store: false,
  stream: true,
};
const responsesResponse = {
  id: "resp_1",
  object: "response",
  created_at: 1765000000,
  status: "completed",
  model: "gpt-4.1-mini-2025-04-14",
  output: [
    { type: "reasoning", id: "rs_1", summary: [{ type: "summary_text", text: "Porto, then." }] },
    { type: "message", id: "msg_1", role: "assistant", status: "completed", content: [{ type: "output_text", text: "21°C in Porto.", annotations: [] }] },
    { type: "function_call", id: "fc_2", call_id: "call_3", name: "weather", arguments: '{"city":"Lisbon"}', status: "completed" },
  ],
  usage: { input_tokens: 30, output_tokens: 10, total_tokens: 40, input_tokens_details: { cached_tokens: 6 }, output_tokens_details: { reasoning_tokens: 4 } },
};
const responsesEvents = [
  { type: "response.created", sequence_number: 0, response: { ...responsesResponse, status: "in_progress", output: [], usage: null } },
  { type: "response.output_text.delta", sequence_number: 1, item_id: "msg_1", output_index: 0, content_index: 0, delta: "21°C " },
  { type: "response.output_text.delta", sequence_number: 2, item_id: "msg_1", output_index: 0, content_index: 0, delta: "in Porto." },
];

function streamed(stream: LlmStreamAccumulator, chunks: readonly unknown[]): LlmStreamAccumulator {
  for (const chunk of chunks) stream.add(chunk);
  return stream;
}

/** What each case reads: a thunk, after any stream has been fed its chunks (so only `response()` is trapped). */
const READS: Record<string, () => () => unknown> = {
  "ai.model-call request": () => () => aiModelCallShape.request([aiCallStart]),
  "ai.model-call response": () => () => aiModelCallShape.response(aiCallEnd),
  "ai.sdk request": () => () => aiSdkShape.request([aiOptions]),
  "ai.sdk request (prompt)": () => () => aiSdkShape.request([{ model: aiModel, prompt: "Weather in Porto?", instructions: "be brief" }]),
  "ai.sdk response (steps)": () => () => aiSdkShape.response(aiResult),
  "ai.sdk response (object)": () => () => aiSdkShape.response(aiObject),
  "anthropic request": () => () => anthropicMessagesShape.request([anthropicRequest]),
  "anthropic response": () => () => anthropicMessagesShape.response(anthropicMessage),
  "anthropic stream": () => {
    const stream = streamed(anthropicMessagesShape.stream(), messageEvents(anthropicMessage, 8, "output").map((e) => e.data));
    return () => stream.response();
  },
  "langchain chat request": () => () => langchainChatShape.request([langchainStart]),
  "langchain llm request": () => () => langchainChatShape.request([langchainPrompts]),
  "langchain chat response": () => () => langchainChatShape.response(langchainResult),
  "langchain llm response": () => () => langchainChatShape.response(langchainLlmResult),
  "openai chat stream": () => {
    const stream = streamed(openaiChatShape.stream(), chatChunks);
    return () => stream.response();
  },
  "openai responses request": () => () => openaiResponsesShape.request([responsesRequest]),
  "openai responses response": () => () => openaiResponsesShape.response(responsesResponse),
  "openai responses stream": () => {
    const stream = streamed(openaiResponsesShape.stream(), [...responsesEvents, { type: "response.completed", sequence_number: 3, response: responsesResponse }]);
    return () => stream.response();
  },
  "openai responses stream (deltas only)": () => {
    const stream = streamed(openaiResponsesShape.stream(), responsesEvents);
    return () => stream.response();
  },
};

/** What the Anthropic reader makes of anthropicMessage, whole or as the stream of its events. */
const anthropicReply = {
  id: "msg_01",
  model: "claude-haiku-4-5",
  messages: [
    {
      role: "assistant",
      parts: [{ type: "reasoning", text: "Let me think about it." }, { type: "text", text: "Calling the tool now." }],
      toolCalls: [{ name: "get_weather", id: "toolu_2", arguments: '{"city":"Paris","units":"c"}' }],
      finishReason: "tool_use",
    },
  ],
  finishReasons: ["tool_use"],
  usage: { input: 37, output: 20, total: 57, cacheRead: 5, cacheWrite: 2 },
};

/** What the Responses reader makes of responsesResponse, whole or as the stream of its events. */
const responsesReply = {
  id: "resp_1",
  model: "gpt-4.1-mini-2025-04-14",
  messages: [
    {
      role: "assistant",
      parts: [{ type: "reasoning", text: "Porto, then." }, { type: "text", text: "21°C in Porto." }],
      toolCalls: [{ name: "weather", id: "call_3", arguments: '{"city":"Lisbon"}' }],
      finishReason: "tool_calls",
    },
  ],
  finishReasons: ["tool_calls"],
  usage: { input: 30, output: 10, total: 40, cacheRead: 6, reasoning: 4 },
};

/** What each read returned before the readers built their objects field by field. */
const EXPECTED: Record<string, unknown> = {
  "ai.model-call request": {
    operation: "chat",
    system: "openai",
    provider: "openai",
    model: "gpt-4o-mini",
    instructions: "be brief",
    messages: [
      { role: "user", parts: [{ type: "text", text: "Weather in Porto?" }] },
      { role: "assistant", parts: [{ type: "text", text: "Checking." }], toolCalls: [{ name: "weather", id: "call_1", arguments: '{"city":"Porto"}' }] },
      { role: "tool", parts: [{ type: "text", text: '{"city":"Porto","tempC":21}' }], toolCallId: "call_1", name: "weather" },
    ],
    tools: [{ name: "weather", description: "Current weather", parameters: weatherSchema }, { name: "clock" }],
    parameters: { temperature: 0, maxOutputTokens: 200, stopSequences: ["END"] },
  },
  "ai.model-call response": {
    id: "chatcmpl-7",
    model: "gpt-4o-mini-fake",
    provider: "openai",
    messages: [{ role: "assistant", parts: [{ type: "reasoning", text: "Porto it is." }], toolCalls: [{ name: "weather", id: "call_2", arguments: '{"city":"Porto"}' }] }],
    finishReasons: ["tool-calls"],
    usage: { input: 20, output: 6, total: 26, cacheRead: 4, reasoning: 2 },
  },
  "ai.sdk request": {
    operation: "chat",
    system: "openai",
    provider: "openai",
    model: "gpt-4o-mini",
    instructions: "be brief\nanswer in °C",
    messages: [
      { role: "user", parts: [{ type: "text", text: "What is this?" }, { type: "image", url: "https://example.com/porto.png" }, { type: "image", mediaType: "image/png" }] },
      { role: "assistant", parts: [{ type: "text", text: "A bridge." }] },
    ],
    tools: [{ name: "weather", description: "Current weather", parameters: weatherSchema }, { name: "clock" }],
    parameters: { temperature: 0.3, toolChoice: "auto" },
  },
  "ai.sdk request (prompt)": {
    operation: "chat",
    system: "openai",
    provider: "openai",
    model: "gpt-4o-mini",
    instructions: "be brief",
    messages: [{ role: "user", parts: [{ type: "text", text: "Weather in Porto?" }] }],
  },
  "ai.sdk response (steps)": {
    id: "chatcmpl-2",
    model: "gpt-4o-mini-fake",
    provider: "openai",
    messages: [
      { role: "assistant", parts: [{ type: "text", text: "Let me check." }], toolCalls: [{ name: "weather", id: "call_1", arguments: '{"city":"Porto"}' }] },
      { role: "tool", parts: [{ type: "text", text: '{"city":"Porto","tempC":21}' }], toolCallId: "call_1", name: "weather" },
      { role: "tool", parts: [{ type: "text", text: "TypeError: no tables" }], toolCallId: "call_2", name: "book" },
      { role: "assistant", parts: [{ type: "text", text: "21°C." }] },
    ],
    finishReasons: ["stop"],
    usage: { input: 50, output: 11, total: 61, cacheRead: 8 },
  },
  "ai.sdk response (object)": {
    id: "chatcmpl-3",
    model: "gpt-4o-mini-fake",
    messages: [{ role: "assistant", parts: [{ type: "text", text: '{"city":"Porto","tempC":21}' }], finishReason: "stop" }],
    finishReasons: ["stop"],
    usage: { input: 8, output: 9, total: 17 },
  },
  "anthropic request": {
    operation: "chat",
    system: "anthropic",
    provider: "anthropic",
    model: "claude-haiku-4-5",
    instructions: "translate",
    messages: [
      { role: "user", parts: [{ type: "text", text: "Weather in Paris?" }] },
      { role: "assistant", parts: [{ type: "text", text: "Checking." }], toolCalls: [{ name: "get_weather", id: "toolu_1", arguments: '{"city":"Paris"}' }] },
      { role: "tool", parts: [{ type: "text", text: "sunny" }], toolCallId: "toolu_1" },
      { role: "user", parts: [{ type: "image", mediaType: "image/png" }, { type: "image", url: "https://example.com/paris.png" }] },
    ],
    tools: [{ name: "get_weather", description: "Current weather", parameters: weatherSchema }, { name: "clock" }],
    parameters: { max_tokens: 1024, temperature: 0.5 },
    stream: true,
  },
  "anthropic response": anthropicReply,
  "anthropic stream": anthropicReply,
  "langchain chat request": {
    operation: "chat",
    system: "openai",
    provider: "openai",
    model: "gpt-4o-mini",
    messages: [
      { role: "system", parts: [{ type: "text", text: "be brief" }] },
      { role: "user", parts: [{ type: "text", text: "Weather in Porto?" }, { type: "image", mediaType: "image/png" }] },
      { role: "assistant", parts: [{ type: "text", text: "" }], toolCalls: [{ name: "weather", id: "call_1", arguments: '{"city":"Porto"}' }] },
      { role: "tool", parts: [{ type: "text", text: '{"tempC":21}' }], toolCallId: "call_1", name: "weather" },
    ],
    tools: [{ name: "weather", description: "Current weather", parameters: weatherSchema }],
    parameters: { temperature: 0 },
  },
  "langchain llm request": {
    operation: "text_completion",
    model: "gpt-3.5-turbo-instruct",
    messages: [{ role: "user", parts: [{ type: "text", text: "Once upon a time" }] }],
    parameters: { max_tokens: 20 },
  },
  "langchain chat response": {
    id: "chatcmpl-1",
    model: "gpt-4o-mini-fake",
    messages: [
      {
        role: "assistant",
        parts: [{ type: "text", text: "" }],
        toolCalls: [{ name: "weather", id: "call_1", arguments: '{"city":"Porto"}' }, { name: "bookTable", arguments: '{"time":"20:00"}' }],
        finishReason: "tool_calls",
      },
    ],
    finishReasons: ["tool_calls"],
    usage: { input: 40, output: 12, total: 52, reasoning: 3 },
  },
  "langchain llm response": {
    messages: [{ role: "assistant", parts: [{ type: "text", text: " there was a bridge." }] }],
    finishReasons: ["length"],
    usage: { input: 4, output: 20, total: 24 },
  },
  "openai chat stream": {
    id: "chatcmpl-9",
    model: "gpt-4o-mini-fake",
    messages: [
      {
        role: "assistant",
        parts: [{ type: "text", text: "Checking the weather." }],
        toolCalls: [{ name: "weather", id: "call_1", arguments: '{"city":"Porto"}' }, { name: "clock" }],
        finishReason: "tool_calls",
      },
      { role: "assistant", parts: [{ type: "text", text: "I can't." }], finishReason: "stop" },
    ],
    finishReasons: ["tool_calls", "stop"],
    usage: { input: 12, output: 9, total: 21 },
  },
  "openai responses request": {
    operation: "chat",
    system: "openai",
    provider: "openai",
    model: "gpt-4.1-mini",
    instructions: "be brief",
    messages: [
      { role: "user", parts: [{ type: "text", text: "Weather in Porto?" }] },
      { role: "assistant", parts: [], toolCalls: [{ name: "weather", id: "call_1", arguments: '{"city":"Porto"}' }] },
      { role: "tool", parts: [{ type: "text", text: '{"tempC":21}' }], toolCallId: "call_1" },
      { role: "tool", parts: [{ type: "text", text: "20:00" }], toolCallId: "call_2" },
    ],
    tools: [{ name: "weather", description: "Current weather", parameters: weatherSchema }, { name: "web_search" }],
    parameters: { temperature: 0.2, store: false },
    stream: true,
  },
  "openai responses response": responsesReply,
  "openai responses stream": responsesReply,
  "openai responses stream (deltas only)": {
    id: "resp_1",
    model: "gpt-4.1-mini-2025-04-14",
    messages: [{ role: "assistant", parts: [{ type: "text", text: "21°C in Porto." }] }],
    finishReasons: ["in_progress"],
  },
};

const CASES = Object.entries(READS).map(([name, prepare]) => ({ name, prepare, expected: EXPECTED[name] }));

/**
 * The fields the readers add, each in turn a setter or a read-only property (a getter without a
 * setter: assignment throws) on Object.prototype. Both read as absent to the readers, whose inputs
 * lack some of these keys, so the expected results stay the same.
 */
const TRAPPED = ["id", "model", "provider", "system", "instructions", "messages", "tools", "parameters", "stream", "usage", "finishReasons", "finishReason", "toolCalls", "toolCallId", "name", "description", "arguments", "mediaType", "url"] as const;

function untrap(): void {
  for (const key of TRAPPED) delete (Object.prototype as Record<string, unknown>)[key];
}
afterEach(untrap);

describe("the shape readers' exact results", () => {
  it.each(CASES)("$name: same keys, values and key order", ({ prepare, expected }) => {
    const out = prepare()();
    expect(out).toStrictEqual(expected);
    expect(JSON.stringify(out)).toBe(JSON.stringify(expected));
  });

  it.each(CASES)("$name: neither runs nor trips over setters and read-only values on Object.prototype", ({ prepare, expected }) => {
    for (const half of [0, 1]) {
      const read = prepare();
      const set = vi.fn();
      TRAPPED.forEach((key, i) => Object.defineProperty(Object.prototype, key, i % 2 === half ? { set, configurable: true } : { get: () => "read-only", configurable: true }));
      let out: unknown;
      try {
        out = read();
      } finally {
        untrap();
      }
      expect(set).not.toHaveBeenCalled();
      expect(out).toStrictEqual(expected);
      expect(JSON.stringify(out)).toBe(JSON.stringify(expected));
    }
  });
});
