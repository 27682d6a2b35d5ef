// Decisions reach the frameworks: a blocked AI SDK tool is a tool error the SDK hands back to the
// model; a blocked LangChain tool run fails with PolicyViolationError before its function runs.
// The real `ai` 7 and @langchain/core, the model API a loopback fake.
import { createOpenAI } from "@ai-sdk/openai";
import { generateText, jsonSchema, tool } from "ai";
import { tool as langchainTool } from "@langchain/core/tools";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Op, PolicyKey, PolicyViolationError, allow, block, coat, policy } from "../../src/index.js";
import { coatAiTools } from "../../src/adapters/ai/index.js";
import { CoatCallbackHandler } from "../../src/adapters/langchain/index.js";
import { harnessPerFile, logsOf, spanNamed } from "../support/harness.js";
import { startOpenAIHttpFake } from "../fakes/openai-http.js";
import type { OpenAIHttpFake } from "../fakes/openai-http.js";

const h = harnessPerFile({ capture: "raw" });
let oa: OpenAIHttpFake;
beforeAll(async () => {
  oa = await startOpenAIHttpFake();
});
afterAll(() => oa.close());

const noPorto = policy("no-porto", (ctx) => ((ctx.args[0] as { city?: string } | undefined)?.city === "Porto" ? block("Porto is closed") : allow()));

describe("AI SDK tools (coatAiTools)", () => {
  it("a blocked tool does not run; generateText gets a tool-error carrying the PolicyViolationError", async () => {
    let ran = 0;
    const weather = tool({
      description: "Current weather",
      inputSchema: jsonSchema<{ city: string }>({ type: "object", properties: { city: { type: "string" } } }),
      execute: async ({ city }) => (ran++, { city, tempC: 21 }),
    });
    const tools = coatAiTools({ weather }, { policies: [noPorto] });
    const provider = createOpenAI({ apiKey: "sk-test", baseURL: oa.baseURL });
    oa.reply({ toolCalls: [{ name: "weather", arguments: { city: "Porto" } }], promptTokens: 2, completionTokens: 2 });
    const result = await coat(Op.LLM, generateText)({ model: provider.chat("gpt-4o-mini"), prompt: "Weather in Porto?", tools });
    expect(ran).toBe(0);
    const failed = result.content.find((part) => part.type === "tool-error") as { error: unknown } | undefined;
    expect(failed?.error).toBeInstanceOf(PolicyViolationError);
    expect((failed!.error as PolicyViolationError).reason).toBe("Porto is closed");
    const spans = await h.spans(2);
    const toolSpan = spanNamed(spans, "weather");
    expect(toolSpan.attributes[PolicyKey.DECISION]).toBe("block");
    expect(toolSpan.parentSpanId).toBe(spanNamed(spans, "generateText").spanId);
  });
});

describe("LangChain tools (CoatCallbackHandler)", () => {
  const weather = () => {
    const calls: string[] = [];
    const t = langchainTool(async ({ city }: { city: string }) => (calls.push(city), `21C in ${city}`), {
      name: "weather",
      description: "Current weather",
      schema: { type: "object", properties: { city: { type: "string" } }, required: ["city"] } as never,
    });
    return { t, calls };
  };

  it("a run the handler's policies block fails with PolicyViolationError before the tool's function runs, and is recorded", async () => {
    const { t, calls } = weather();
    const handler = new CoatCallbackHandler({ policies: [noPorto] });
    await expect(t.invoke({ city: "Porto" }, { callbacks: [handler] })).rejects.toBeInstanceOf(PolicyViolationError);
    expect(calls).toEqual([]);
    expect(await t.invoke({ city: "Lisbon" }, { callbacks: [handler] })).toBe("21C in Lisbon");
    expect(calls).toEqual(["Lisbon"]);
    const spans = await h.spans(2);
    const blocked = spans.find((s) => s.attributes[PolicyKey.DECISION] === "block")!;
    expect(blocked.name).toBe("weather");
    expect(blocked.status.code).toBe(2);
    const logs = await h.logsFor(blocked, 3);
    expect(logsOf(logs, blocked).map((l) => l.eventName)).toContain("agent.policy.decision");
  });

  it("without policies the handler never throws into LangChain", async () => {
    const { t } = weather();
    const handler = new CoatCallbackHandler();
    expect(handler.raiseError).toBe(false);
    expect(await t.invoke({ city: "Porto" }, { callbacks: [handler] })).toBe("21C in Porto");
  });
});
