/** The OpenAI chat shape reader on plain objects, and beside a polluted Object.prototype. */
import { afterEach, describe, expect, it, vi } from "vitest";
import { openaiChatShape } from "../../src/llm/shapes/openai-chat.js";

const request = {
  model: "gpt-4o-mini",
  temperature: 0.2,
  ["__proto__"]: "kept as a parameter",
  tools: [{ type: "function", function: { name: "lookup", parameters: { type: "object" } } }],
  messages: [
    { role: "user", content: "hi", name: "ana" },
    { role: "tool", content: "sunny", tool_call_id: "call_1" },
  ],
};
const response = {
  id: "chatcmpl-1",
  object: "chat.completion",
  model: "gpt-4o-mini",
  choices: [{ message: { role: "assistant", content: null, tool_calls: [{ id: "call_2", type: "function", function: { name: "lookup", arguments: "{}" } }] }, finish_reason: "tool_calls" }],
  usage: { prompt_tokens: 12, completion_tokens: 3, total_tokens: 15 },
};
const POLLUTED = ["tools", "parameters", "usage", "name", "toolCallId", "finishReason", "id", "input"] as const;

afterEach(() => {
  for (const key of POLLUTED) delete (Object.prototype as Record<string, unknown>)[key];
});

describe("openaiChatShape", () => {
  const expectedRequest = {
    operation: "chat",
    system: "openai",
    provider: "openai",
    model: "gpt-4o-mini",
    messages: [
      { role: "user", parts: [{ type: "text", text: "hi" }], name: "ana" },
      { role: "tool", parts: [{ type: "text", text: "sunny" }], toolCallId: "call_1" },
    ],
    tools: [{ name: "lookup", parameters: { type: "object" } }],
    parameters: { temperature: 0.2, ["__proto__"]: "kept as a parameter" },
  };
  const expectedResponse = {
    id: "chatcmpl-1",
    model: "gpt-4o-mini",
    messages: [{ role: "assistant", parts: [], toolCalls: [{ name: "lookup", id: "call_2", arguments: "{}" }], finishReason: "tool_calls" }],
    finishReasons: ["tool_calls"],
    usage: { input: 12, output: 3, total: 15 },
  };

  it("reads a request and a response into own data properties, in order", () => {
    const read = openaiChatShape.request([JSON.parse(JSON.stringify(request))]);
    expect(read).toStrictEqual(expectedRequest);
    expect(Object.keys(read!)).toEqual(Object.keys(expectedRequest));
    expect(Object.getOwnPropertyNames(read!.parameters)).toEqual(["temperature", "__proto__"]);
    const out = openaiChatShape.response(response);
    expect(out).toStrictEqual(expectedResponse);
    expect(Object.keys(out!)).toEqual(Object.keys(expectedResponse));
  });

  it("neither runs nor trips over setters and read-only values on Object.prototype", () => {
    const set = vi.fn();
    for (const key of POLLUTED.slice(0, 4)) Object.defineProperty(Object.prototype, key, { set, configurable: true });
    for (const key of POLLUTED.slice(4, 7)) Object.defineProperty(Object.prototype, key, { value: "read-only", configurable: true });
    const read = openaiChatShape.request([JSON.parse(JSON.stringify(request))]);
    const out = openaiChatShape.response(response);
    for (const key of POLLUTED) delete (Object.prototype as Record<string, unknown>)[key];
    expect(set).not.toHaveBeenCalled();
    expect(read).toStrictEqual(expectedRequest);
    expect(out).toStrictEqual(expectedResponse);
  });
});
