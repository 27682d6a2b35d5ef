/**
 * GenAI-conventions spans that other libraries write — `@ai-sdk/otel`'s, `@anthropic-ai/sdk`'s own
 * — read in OpenInference and AOT by agent-coat's processors, with the capture mode, redaction and
 * seal applied; the real packages against loopback fakes, checked on the OTLP wire.
 */
import Anthropic from "@anthropic-ai/sdk";
import { createOpenAI } from "@ai-sdk/openai";
import { OpenTelemetry } from "@ai-sdk/otel";
import { generateText, jsonSchema, registerTelemetry, stepCountIs, tool } from "ai";
import { SemanticConventions as SC } from "@arizeai/openinference-semantic-conventions";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Harness } from "../support/harness.js";
import { spanNamed, startHarness } from "../support/harness.js";
import type { ReceivedSpan } from "../support/otlp-receiver.js";
import { startOpenAIHttpFake } from "../fakes/openai-http.js";
import type { OpenAIHttpFake } from "../fakes/openai-http.js";
import { startAnthropicFake } from "../fakes/anthropic-api.js";
import type { AnthropicFake } from "../fakes/anthropic-api.js";

const SECRET = "sk-proj-Zq8vT3xY7wK2mN5pR4sL9aB1cD6eF0gH";
const kind = (s: ReceivedSpan) => s.attributes[SC.OPENINFERENCE_SPAN_KIND];

describe("GenAI spans of other libraries, capture redacted", () => {
  let h: Harness;
  let oa: OpenAIHttpFake;
  let an: AnthropicFake;
  beforeAll(async () => {
    h = await startHarness({ capture: "redacted" });
    oa = await startOpenAIHttpFake();
    an = await startAnthropicFake();
    registerTelemetry(new OpenTelemetry());
  });
  afterAll(async () => {
    await h.close();
    await oa.close();
    await an.close();
  });
  beforeEach(() => h.reset());

  it("@ai-sdk/otel: invoke_agent → AGENT, steps → CHAIN, chat → LLM with messages and tokens, execute_tool → TOOL; all sealed, secrets scrubbed", async () => {
    const openai = createOpenAI({ apiKey: "sk-test", baseURL: oa.baseURL });
    const weather = tool({ description: "Current weather", inputSchema: jsonSchema<{ city: string }>({ type: "object" }), execute: async ({ city }) => ({ city, tempC: 21 }) });
    oa.reply({ toolCalls: [{ name: "weather", arguments: { city: "Porto" } }], promptTokens: 20, completionTokens: 6 }, { content: "21°C in Porto.", promptTokens: 30, completionTokens: 5 });
    const result = await generateText({ model: openai.chat("gpt-4o-mini"), system: "be brief", prompt: `Weather in Porto? my key is ${SECRET}`, tools: { weather }, stopWhen: stepCountIs(3) });
    expect(result.text).toBe("21°C in Porto.");
    const spans = await h.spans(6);
    expect(spans.filter((s) => kind(s) === undefined)).toEqual([]);
    expect(kind(spanNamed(spans, "invoke_agent gpt-4o-mini"))).toBe("AGENT");
    expect(spans.filter((s) => s.name.startsWith("step ")).map(kind)).toEqual(["CHAIN", "CHAIN"]);
    const chats = spans.filter((s) => s.name === "chat gpt-4o-mini");
    expect(chats.map(kind)).toEqual(["LLM", "LLM"]);
    const first = chats.find((s) => s.attributes[SC.LLM_TOKEN_COUNT_PROMPT] === 20)!.attributes;
    expect([first[SC.LLM_PROVIDER], first[SC.LLM_MODEL_NAME], first[SC.LLM_TOKEN_COUNT_TOTAL]]).toEqual(["openai", "gpt-4o-mini-fake", 26]);
    expect([first[`${SC.LLM_INPUT_MESSAGES}.0.${SC.MESSAGE_ROLE}`], first[`${SC.LLM_INPUT_MESSAGES}.0.${SC.MESSAGE_CONTENT}`]]).toEqual(["system", "be brief"]);
    expect(first[`${SC.LLM_INPUT_MESSAGES}.1.${SC.MESSAGE_CONTENT}`]).toMatch(/^Weather in Porto\? my key is \[REDACTED/);
    expect(first[`${SC.LLM_OUTPUT_MESSAGES}.0.${SC.MESSAGE_TOOL_CALLS}.0.${SC.TOOL_CALL_FUNCTION_NAME}`]).toBe("weather");
    expect(first["envpod.translated_from"]).toBe("gen_ai");
    const toolSpan = spans.find((s) => kind(s) === "TOOL")!.attributes;
    expect([toolSpan[SC.TOOL_NAME], JSON.parse(toolSpan[SC.INPUT_VALUE] as string), JSON.parse(toolSpan[SC.OUTPUT_VALUE] as string)]).toEqual(["weather", { city: "Porto" }, { city: "Porto", tempC: 21 }]);
    // Token counts live on LLM spans only: the agent span's sum is not counted again.
    expect(spanNamed(spans, "invoke_agent gpt-4o-mini").attributes[SC.LLM_TOKEN_COUNT_TOTAL]).toBeUndefined();
    expect(spans.every((s) => typeof s.attributes["envpod.seal.hash"] === "string")).toBe(true);
    expect(h.receiver.allWireText()).not.toContain(SECRET);
  });

  it("@anthropic-ai/sdk's own span outside a coat call is an LLM span, with the model, provider and tokens", async () => {
    an.reply({ message: { content: [{ type: "text", text: "Bonjour" }], usage: { input_tokens: 10, output_tokens: 2 } } });
    const client = new Anthropic({ apiKey: "test", baseURL: an.baseURL, maxRetries: 0 });
    await client.messages.create({ model: "claude-haiku-4-5", max_tokens: 64, messages: [{ role: "user", content: "Hello" }] });
    const [span] = await h.spans(1);
    expect(span!.name).toBe("anthropic.messages.create");
    expect([kind(span!), span!.attributes[SC.LLM_PROVIDER], span!.attributes[SC.LLM_TOKEN_COUNT_TOTAL], span!.attributes["aotp.op"]]).toEqual(["LLM", "anthropic", 12, "agent.llm"]);
  });
});

describe("GenAI spans of other libraries, capture none", () => {
  let h: Harness;
  let an: AnthropicFake;
  beforeAll(async () => {
    h = await startHarness({ capture: "none" });
    an = await startAnthropicFake();
  });
  afterAll(async () => {
    await h.close();
    await an.close();
  });

  it("keeps kind, model and tokens and writes no message text", async () => {
    an.reply({ message: { content: [{ type: "text", text: "Bonjour" }], usage: { input_tokens: 10, output_tokens: 2 } } });
    const client = new Anthropic({ apiKey: "test", baseURL: an.baseURL, maxRetries: 0 });
    await client.messages.create({ model: "claude-haiku-4-5", max_tokens: 64, messages: [{ role: "user", content: "Hello there" }] });
    const [span] = await h.spans(1);
    expect([kind(span!), span!.attributes[SC.LLM_TOKEN_COUNT_TOTAL]]).toEqual(["LLM", 12]);
    expect(h.receiver.allWireText()).not.toContain("Hello there");
    expect(h.receiver.allWireText()).not.toContain("Bonjour");
  });
});
