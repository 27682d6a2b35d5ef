/**
 * The same OpenAI and Anthropic calls recorded by agent-coat's client wrappers and by the
 * OpenInference instrumentations (@arizeai/openinference-instrumentation-openai / -anthropic):
 * agent-coat's OpenInference attribute keys are a superset of theirs on every call. agent-coat
 * records first; the instrumentations patch the SDK classes afterwards, on clients of their own.
 */
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { OpenAIInstrumentation } from "@arizeai/openinference-instrumentation-openai";
import { AnthropicInstrumentation } from "@arizeai/openinference-instrumentation-anthropic";
import { SemanticConventions as SC } from "@arizeai/openinference-semantic-conventions";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { afterAll, beforeAll, expect, it } from "vitest";
import { coatOpenAI } from "../../src/adapters/openai/index.js";
import { coatAnthropic } from "../../src/adapters/anthropic/index.js";
import type { Harness } from "../support/harness.js";
import { startHarness } from "../support/harness.js";
import { startOpenAIHttpFake } from "../fakes/openai-http.js";
import type { OpenAIHttpFake } from "../fakes/openai-http.js";
import { startAnthropicFake } from "../fakes/anthropic-api.js";
import type { AnthropicFake } from "../fakes/anthropic-api.js";

let h: Harness;
let oa: OpenAIHttpFake;
let an: AnthropicFake;
beforeAll(async () => {
  h = await startHarness({ capture: "raw" });
  oa = await startOpenAIHttpFake();
  an = await startAnthropicFake();
});
afterAll(async () => {
  await h.close();
  await oa.close();
  await an.close();
});

const chat = { model: "gpt-4o-mini", temperature: 0.1, messages: [{ role: "system" as const, content: "brief" }, { role: "user" as const, content: "weather in Porto?" }], tools: [{ type: "function" as const, function: { name: "lookup", description: "weather", parameters: { type: "object" } } }] };
const openaiReply = { toolCalls: [{ name: "lookup", arguments: { city: "Porto" } }], promptTokens: 20, completionTokens: 5 };
const message = { model: "claude-haiku-4-5", max_tokens: 50, system: "brief", messages: [{ role: "user" as const, content: "hello" }] };
const anthropicReply = { message: { content: [{ type: "text", text: "hi there" }], usage: { input_tokens: 8, output_tokens: 3 } } };
const isOpenInference = (key: string) => /^(llm|input|output|openinference|tool|session|metadata)\./.test(key) || key === "metadata";

/** Their keys that ours lack; `allowed` are the differences explained in docs/llm-records.md. */
function missing(theirs: Record<string, unknown>, ours: Record<string, unknown>): string[] {
  return Object.keys(theirs).filter(isOpenInference).filter((k) => !(k in ours)).sort();
}

it("OpenAI chat (plain and streamed) and Anthropic messages: every OpenInference key the instrumentations write, agent-coat writes too", async () => {
  // agent-coat first, on unpatched classes.
  const ours = coatOpenAI(new OpenAI({ apiKey: "sk-test", baseURL: oa.baseURL, maxRetries: 0 }));
  oa.reply(openaiReply, { content: "sunny", promptTokens: 9, completionTokens: 1 });
  await ours.chat.completions.create(chat);
  const s = await ours.chat.completions.create({ ...chat, stream: true, stream_options: { include_usage: true } });
  for await (const _ of s);
  an.reply(anthropicReply);
  await coatAnthropic(new Anthropic({ apiKey: "test", baseURL: an.baseURL, maxRetries: 0 })).messages.create(message);
  const coatSpans = (await h.spans(4)).filter((x) => x.attributes[SC.OPENINFERENCE_SPAN_KIND] === "LLM");
  expect(coatSpans).toHaveLength(3);

  // Then the instrumentations, into a provider of their own.
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const oi = new OpenAIInstrumentation();
  oi.setTracerProvider(provider);
  oi.manuallyInstrument(OpenAI);
  const ai = new AnthropicInstrumentation();
  ai.setTracerProvider(provider);
  ai.manuallyInstrument(Anthropic);
  const theirs = new OpenAI({ apiKey: "sk-test", baseURL: oa.baseURL, maxRetries: 0 });
  oa.reply(openaiReply, { content: "sunny", promptTokens: 9, completionTokens: 1 });
  await theirs.chat.completions.create(chat);
  const t = await theirs.chat.completions.create({ ...chat, stream: true, stream_options: { include_usage: true } });
  for await (const _ of t);
  an.reply(anthropicReply);
  await new Anthropic({ apiKey: "test", baseURL: an.baseURL, maxRetries: 0 }).messages.create(message);
  const peerSpans = exporter.getFinishedSpans().filter((x) => x.attributes[SC.OPENINFERENCE_SPAN_KIND] === "LLM");
  expect(peerSpans).toHaveLength(3);

  const report: Record<string, string[]> = {};
  ["openai chat", "openai chat stream", "anthropic messages"].forEach((name, i) => {
    report[name] = missing(peerSpans[i]!.attributes, coatSpans[i]!.attributes);
  });
  // The one difference: -anthropic writes a lone text reply as `contents.0.message_content.{type,text}`,
  // agent-coat as `message.content` (OpenInference's form for a single text part), with the same text.
  expect(report).toEqual({
    "openai chat": [],
    "openai chat stream": [],
    "anthropic messages": ["llm.output_messages.0.message.contents.0.message_content.text", "llm.output_messages.0.message.contents.0.message_content.type"],
  });
  expect(coatSpans[2]!.attributes["llm.output_messages.0.message.content"]).toBe(peerSpans[2]!.attributes["llm.output_messages.0.message.contents.0.message_content.text"]);
});
