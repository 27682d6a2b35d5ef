/**
 * agent-coat/langchain: the real @langchain/core and @langchain/openai (ChatOpenAI against the
 * loopback OpenAI fake) running a small agent with two tool calls, recorded by the callback handler
 * passed per call and set for every run; what crossed the OTLP wire, the seal verified.
 */
import { ChatOpenAI } from "@langchain/openai";
import { HumanMessage, SystemMessage } from "@langchain/core/messages";
import type { BaseMessage } from "@langchain/core/messages";
import { RunnableLambda } from "@langchain/core/runnables";
import type { RunnableConfig } from "@langchain/core/runnables";
import { tool } from "@langchain/core/tools";
import { FakeRetriever } from "@langchain/core/utils/testing";
import { Document } from "@langchain/core/documents";
import { SemanticConventions as SC } from "@arizeai/openinference-semantic-conventions";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { CoatCallbackHandler, coatLangChain } from "../../src/adapters/langchain/index.js";
import type { Harness } from "../support/harness.js";
import { spanNamed, startHarness } from "../support/harness.js";
import type { ReceivedSpan } from "../support/otlp-receiver.js";
import { startOpenAIHttpFake } from "../fakes/openai-http.js";
import type { OpenAIHttpFake } from "../fakes/openai-http.js";

const SECRET = "sk-proj-Zq8vT3xY7wK2mN5pR4sL9aB1cD6eF0gH";
let h: Harness;
let oa: OpenAIHttpFake;
beforeAll(async () => {
  h = await startHarness({ capture: "redacted" });
  oa = await startOpenAIHttpFake();
});
afterAll(async () => {
  await h.close();
  await oa.close();
});
beforeEach(() => h.reset());

/** What the agent needs of a tool: invoked with a tool call, it answers with a message. */
type Invocable = { invoke(call: unknown, config?: RunnableConfig): Promise<BaseMessage> };
const kind = (s: ReceivedSpan) => s.attributes[SC.OPENINFERENCE_SPAN_KIND];
const weather = tool(async ({ city }: { city: string }) => JSON.stringify({ city, tempC: 21 }), {
  name: "weather",
  description: "Current weather",
  schema: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
});
const bookTable = tool(async ({ time }: { time: string }) => {
  throw new Error(`No tables left at ${time}`);
}, { name: "bookTable", description: "Reserve a table", schema: { type: "object", properties: { time: { type: "string" } }, required: ["time"] } });

function agent() {
  const model = new ChatOpenAI({ model: "gpt-4o-mini", apiKey: "sk-test", configuration: { baseURL: oa.baseURL }, maxRetries: 0, temperature: 0 });
  return RunnableLambda.from(async (question: string, config?: RunnableConfig) => {
    const bound = model.bindTools([weather, bookTable]);
    const messages: BaseMessage[] = [new SystemMessage("be brief"), new HumanMessage(question)];
    const first = await bound.invoke(messages, config);
    messages.push(first);
    for (const call of first.tool_calls ?? []) {
      const run = (call.name === "weather" ? weather : bookTable) as unknown as Invocable;
      messages.push(await run.invoke(call, config).catch((error: Error) => new HumanMessage(`tool failed: ${error.message}`)));
    }
    return (await bound.invoke(messages, config)).content;
  }).withConfig({ runName: "concierge" });
}

function scriptTwoToolCalls() {
  oa.reply(
    { toolCalls: [{ name: "weather", arguments: { city: "Porto" } }, { name: "bookTable", arguments: { time: "20:00" } }], promptTokens: 40, completionTokens: 12 },
    { content: "21°C; no table at 20:00.", promptTokens: 80, completionTokens: 9 },
  );
}

describe("CoatCallbackHandler", () => {
  it("passed per call: the chain, two LLM calls with messages and tokens, two tools (one failing) as one tree, sealed and scrubbed", async () => {
    scriptTwoToolCalls();
    const answer = await agent().invoke(`Weather in Porto and a table at 20:00? key ${SECRET}`, { callbacks: [new CoatCallbackHandler()] });
    expect(answer).toBe("21°C; no table at 20:00.");
    const spans = await h.spans(5);
    const chain = spanNamed(spans, "concierge");
    expect(kind(chain)).toBe("CHAIN");
    expect(spans.filter((s) => s !== chain).every((s) => s.parentSpanId === chain.spanId)).toBe(true);
    const llm = spans.filter((s) => kind(s) === "LLM").sort((a, b) => Number(a.startTimeUnixNano - b.startTimeUnixNano));
    expect(llm.map((s) => s.name)).toEqual(["ChatOpenAI", "ChatOpenAI"]);
    const a = llm[0]!.attributes;
    expect([a[SC.LLM_PROVIDER], a[SC.LLM_MODEL_NAME], a[SC.LLM_TOKEN_COUNT_TOTAL]]).toEqual(["openai", "gpt-4o-mini-fake", 52]);
    expect([a[`${SC.LLM_INPUT_MESSAGES}.0.${SC.MESSAGE_ROLE}`], a[`${SC.LLM_INPUT_MESSAGES}.1.${SC.MESSAGE_ROLE}`]]).toEqual(["system", "user"]);
    expect(a[`${SC.LLM_INPUT_MESSAGES}.1.${SC.MESSAGE_CONTENT}`]).toMatch(/key \[REDACTED/);
    expect(a[`${SC.LLM_OUTPUT_MESSAGES}.0.${SC.MESSAGE_TOOL_CALLS}.1.${SC.TOOL_CALL_FUNCTION_NAME}`]).toBe("bookTable");
    expect(JSON.parse(a[`${SC.LLM_TOOLS}.0.${SC.TOOL_JSON_SCHEMA}`] as string)).toMatchObject({ name: "weather" });
    expect(llm[1]!.attributes[`${SC.LLM_INPUT_MESSAGES}.2.${SC.MESSAGE_TOOL_CALLS}.0.${SC.TOOL_CALL_FUNCTION_NAME}`]).toBe("weather");
    expect(llm[1]!.attributes[`${SC.LLM_OUTPUT_MESSAGES}.0.${SC.MESSAGE_CONTENT}`]).toBe("21°C; no table at 20:00.");
    const weatherSpan = spanNamed(spans, "weather");
    expect([kind(weatherSpan), JSON.parse(weatherSpan.attributes[SC.INPUT_VALUE] as string), weatherSpan.attributes[SC.TOOL_CALL_ID]]).toEqual(["TOOL", { city: "Porto" }, expect.stringMatching(/^call_/)]);
    expect(JSON.parse(weatherSpan.attributes[SC.OUTPUT_VALUE] as string)).toEqual({ city: "Porto", tempC: 21 });
    const failed = spanNamed(spans, "bookTable");
    expect([failed.status.code, failed.attributes["error.type"]]).toEqual([2, "Error"]);
    expect(h.receiver.allWireText()).not.toContain(SECRET);
  });

  it("set for every run with coatLangChain(): the same tree without passing callbacks; a retriever is a RETRIEVER call", async () => {
    coatLangChain();
    scriptTwoToolCalls();
    await agent().invoke("Weather in Porto?");
    const spans = await h.spans(5);
    expect(spans.map(kind).sort()).toEqual(["CHAIN", "LLM", "LLM", "TOOL", "TOOL"]);
    await h.reset();
    const retriever = new FakeRetriever({ output: [new Document({ pageContent: "Porto is sunny", metadata: { id: 1 } })] });
    const docs = await retriever.invoke("porto weather");
    expect(docs).toHaveLength(1);
    const [span] = await h.spans(1);
    expect([kind(span!), span!.attributes[SC.INPUT_VALUE]]).toEqual(["RETRIEVER", "porto weather"]);
    expect(String(span!.attributes[SC.OUTPUT_VALUE])).toContain("Porto is sunny");
  });

  it("streaming: the first token is the first-chunk event, the joined text the output", async () => {
    oa.reply({ content: "one two three", promptTokens: 3, completionTokens: 3 });
    const model = new ChatOpenAI({ model: "gpt-4o-mini", apiKey: "sk-test", configuration: { baseURL: oa.baseURL }, maxRetries: 0, streaming: true, streamUsage: true });
    let text = "";
    for await (const chunk of await model.stream("count", { callbacks: [new CoatCallbackHandler()] })) text += String(chunk.content);
    expect(text).toBe("one two three");
    const spans = await h.spans(1);
    const llm = spans.find((s) => kind(s) === "LLM")!;
    expect(llm.events.map((e) => e.name)).toContain("coat.stream.first_chunk");
    expect(llm.attributes[`${SC.LLM_OUTPUT_MESSAGES}.0.${SC.MESSAGE_CONTENT}`]).toBe("one two three");
  });
});
