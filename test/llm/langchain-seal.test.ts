/**
 * agent-coat/langchain: a LangChain agent's records (ChatOpenAI against the loopback OpenAI fake,
 * two tool calls) verify as sealed chains once the provider shuts down — its own file, so the
 * chains on the wire start with this run.
 */
import { ChatOpenAI } from "@langchain/openai";
import { HumanMessage } from "@langchain/core/messages";
import type { BaseMessage } from "@langchain/core/messages";
import { RunnableLambda } from "@langchain/core/runnables";
import type { RunnableConfig } from "@langchain/core/runnables";
import { tool } from "@langchain/core/tools";
import { expect, it } from "vitest";
import { verifyDocuments } from "../../src/index.js";
import { CoatCallbackHandler } from "../../src/adapters/langchain/index.js";
import { startHarness } from "../support/harness.js";
import { startOpenAIHttpFake } from "../fakes/openai-http.js";
import { acceptedAsJsonLines } from "../seal/support/wire.js";

it("a LangChain agent's spans and log records verify as two sealed chains", async () => {
  const h = await startHarness({ capture: "redacted" });
  const oa = await startOpenAIHttpFake();
  try {
    const lookup = tool(async ({ q }: { q: string }) => `found ${q}`, { name: "lookup", description: "looks up", schema: { type: "object", properties: { q: { type: "string" } }, required: ["q"] } });
    const model = new ChatOpenAI({ model: "gpt-4o-mini", apiKey: "sk-test", configuration: { baseURL: oa.baseURL }, maxRetries: 0 }).bindTools([lookup]);
    oa.reply({ toolCalls: [{ name: "lookup", arguments: { q: "a" } }, { name: "lookup", arguments: { q: "b" } }], promptTokens: 5, completionTokens: 5 }, { content: "done", promptTokens: 9, completionTokens: 1 });
    const agent = RunnableLambda.from(async (question: string, config?: RunnableConfig) => {
      const messages = [new HumanMessage(question)];
      const first = await model.invoke(messages, config);
      const results = await Promise.all((first.tool_calls ?? []).map((call) => (lookup as { invoke(call: unknown, config?: RunnableConfig): Promise<BaseMessage> }).invoke(call, config)));
      return (await model.invoke([...messages, first, ...results], config)).content;
    });
    expect(await agent.invoke("find a and b", { callbacks: [new CoatCallbackHandler()] })).toBe("done");
    await h.spans(5);
    await h.telemetry.shutdown(); // the chains' closing checkpoints
    const report = verifyDocuments(acceptedAsJsonLines(h.receiver.requests).split("\n").map((l) => JSON.parse(l)));
    expect(report.ok, JSON.stringify(report.chains.map((c) => c.error))).toBe(true);
    expect(report.chains.map((c) => `${c.signal} ${c.records_verified}`).sort()).toEqual([expect.stringMatching(/^logs \d+$/), expect.stringMatching(/^spans \d+$/)]);
  } finally {
    await h.close();
    await oa.close();
  }
});
