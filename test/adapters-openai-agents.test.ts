// The OpenAI Agents SDK: the real @openai/agents 0.20 (Chat Completions model) against the
// loopback OpenAI fake, its traces turned into agent-coat records by CoatAgentsProcessor; what
// crossed the OTLP wire.
import { Agent, run, setDefaultOpenAIClient, setOpenAIAPI, setTraceProcessors, setTracingDisabled, tool } from "@openai/agents";
import { SemanticConventions as SC } from "@arizeai/openinference-semantic-conventions";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { CoatAgentsProcessor } from "../src/adapters/openai-agents/index.js";
import { Op, PolicyKey, allow, block, policy } from "../src/index.js";
import { harnessPerFile, logsOf, spanNamed } from "./support/harness.js";
import { verifyWire } from "./delivery/support.js";
import { startOpenAIHttpFake } from "./fakes/openai-http.js";
import type { OpenAIHttpFake } from "./fakes/openai-http.js";

const h = harnessPerFile({ capture: "redacted" });
let oa: OpenAIHttpFake;
beforeAll(async () => {
  oa = await startOpenAIHttpFake();
  setDefaultOpenAIClient(new OpenAI({ apiKey: "sk-test", baseURL: oa.baseURL }) as never);
  setOpenAIAPI("chat_completions");
  setTraceProcessors([new CoatAgentsProcessor()]);
  setTracingDisabled(false);
});
afterAll(() => oa.close());

describe("agent-coat/openai-agents", () => {
  it("a run with two tool calls: one trace, RUN → AGENT → LLM and TOOL calls, tool inputs and outputs, tokens; no secret; sealed", async () => {
    const weather = tool({ name: "weather", description: "Current weather", parameters: z.object({ city: z.string(), apiKey: z.string() }), execute: async ({ city }) => `21C in ${city}` });
    const agent = new Agent({ name: "concierge", instructions: "Be brief.", tools: [weather], model: "gpt-4o-mini" });
    oa.reply(
      { toolCalls: [{ name: "weather", arguments: { city: "Porto", apiKey: "sk-live-abcdefghijklmnopqrstuvwx" } }], promptTokens: 11, completionTokens: 5 },
      { toolCalls: [{ name: "weather", arguments: { city: "Lisbon", apiKey: "sk-live-abcdefghijklmnopqrstuvwx" } }], promptTokens: 20, completionTokens: 5 },
      { content: "Porto 21C, Lisbon 21C.", promptTokens: 30, completionTokens: 7 },
    );
    const result = await run(agent, "Weather in Porto and Lisbon?");
    expect(result.finalOutput).toBe("Porto 21C, Lisbon 21C.");
    const spans = await h.spans(7);
    const traceIds = new Set(spans.map((s) => s.traceId));
    expect(traceIds.size).toBe(1);
    const root = spans.find((s) => s.parentSpanId === "")!;
    expect(root.attributes["envpod.op"]).toBe("run");
    const byId = new Map(spans.map((s) => [s.spanId, s]));
    const ancestors = (id: string): string[] => (id === "" ? [] : [id, ...ancestors(byId.get(id)?.parentSpanId ?? "")]);
    const concierge = spanNamed(spans, "concierge");
    expect(concierge.attributes[SC.OPENINFERENCE_SPAN_KIND]).toBe("AGENT");
    expect(ancestors(concierge.parentSpanId)).toContain(root.spanId);
    const tools = spans.filter((s) => s.name === "weather");
    expect(tools.map((t) => t.attributes[SC.OPENINFERENCE_SPAN_KIND])).toEqual(["TOOL", "TOOL"]);
    for (const t of tools) expect(ancestors(t.parentSpanId)).toContain(concierge.spanId);
    const inputs = tools.map((t) => JSON.parse(t.attributes[SC.INPUT_VALUE] as string) as { city: string; apiKey: string });
    expect(inputs.map((i) => i.city).sort()).toEqual(["Lisbon", "Porto"]);
    expect(tools.map((t) => t.attributes[SC.OUTPUT_VALUE]).sort()).toEqual(["21C in Lisbon", "21C in Porto"]);
    const llm = spans.filter((s) => s.attributes[SC.OPENINFERENCE_SPAN_KIND] === "LLM");
    expect(llm).toHaveLength(3);
    expect(llm.map((s) => s.attributes[SC.LLM_TOKEN_COUNT_PROMPT]).sort()).toEqual([11, 20, 30]);
    // Capture redacted: the key in the tool arguments never reaches the wire.
    expect(JSON.stringify([...spans, ...h.receiver.logs], (_k, v: unknown) => (typeof v === "bigint" ? String(v) : v))).not.toContain("sk-live-abcdefghijklmnopqrstuvwx");
    await h.flush();
    const report = verifyWire(h.receiver);
    expect(report.chains.flatMap((c) => c.problems.map((p) => p.kind)).filter((k) => k !== "truncated")).toEqual([]);
  });

  it("toolGuardrail(): a tool call the policies stop does not run, the model gets the reason, the decision is on the tool's own span", async () => {
    const noPorto = policy("no-porto", { ops: [Op.TOOL] }, (ctx) => ((ctx.args[0] as { city?: string }).city === "Porto" ? block("Porto is closed") : allow()));
    const guarded = new CoatAgentsProcessor({ policies: [noPorto] });
    // Beside another processor that comes first (as the SDK's own exporter does with addTraceProcessor()): the
    // SDK awaits each processor's onSpanStart in turn, so the guardrail runs before this one hears of its span.
    const first = { onTraceStart: async () => {}, onTraceEnd: async () => {}, onSpanStart: async () => {}, onSpanEnd: async () => {}, shutdown: async () => {}, forceFlush: async () => {} };
    setTraceProcessors([first, guarded]);
    try {
      const ran: string[] = [];
      const weather = tool({ name: "weather", description: "Current weather", parameters: z.object({ city: z.string() }), execute: async ({ city }) => (ran.push(city), `21C in ${city}`) });
      const agent = new Agent({ name: "concierge", instructions: "Be brief.", tools: guarded.guardTools([weather]), model: "gpt-4o-mini" });
      oa.reply({ toolCalls: [{ name: "weather", arguments: { city: "Porto" } }], promptTokens: 3, completionTokens: 2 }, { toolCalls: [{ name: "weather", arguments: { city: "Lisbon" } }], promptTokens: 4, completionTokens: 2 }, { content: "Lisbon 21C; Porto is closed.", promptTokens: 5, completionTokens: 2 });
      const before = oa.requests.length;
      const result = await run(agent, "Weather in Porto, then Lisbon?");
      expect(result.finalOutput).toBe("Lisbon 21C; Porto is closed.");
      expect(ran).toEqual(["Lisbon"]);
      // The model was told why: the reason is the Porto call's tool output in the next request.
      expect(JSON.stringify(oa.requests[before + 1]?.body.messages)).toContain("Porto is closed");
      const spans = await h.spans(7);
      const tools = spans.filter((s) => s.name === "weather");
      expect(tools).toHaveLength(2);
      const blocked = tools.find((t) => t.attributes[PolicyKey.DECISION] === "block")!;
      expect(JSON.parse(blocked.attributes[SC.INPUT_VALUE] as string)).toEqual({ city: "Porto" });
      expect(blocked.status.code).toBe(2);
      expect(tools.find((t) => t !== blocked)!.attributes[PolicyKey.DECISION]).toBe("allow");
      expect(new Set(spans.map((s) => s.traceId)).size).toBe(1);
      const logs = await h.logsFor(blocked, 3);
      expect(logsOf(logs, blocked).map((l) => l.eventName)).toContain("agent.policy.decision");
    } finally {
      setTraceProcessors([new CoatAgentsProcessor()]);
    }
  });

  for (const stream of [false, true]) {
    it(`on the Responses API (the SDK's default model${stream ? ", streamed run" : ""}): the LLM calls carry messages, tool calls and tokens from the response`, async () => {
      setOpenAIAPI("responses");
      try {
        const weather = tool({ name: "weather", description: "Current weather", parameters: z.object({ city: z.string() }), execute: async ({ city }) => `21C in ${city}` });
        const agent = new Agent({ name: "concierge", instructions: "Be brief.", tools: [weather], model: "gpt-4o-mini" });
        const before = oa.requests.length;
        oa.reply({ toolCalls: [{ name: "weather", arguments: { city: "Porto" } }], promptTokens: 13, completionTokens: 4 }, { content: "Porto is 21C.", promptTokens: 25, completionTokens: 5 });
        const result = stream ? await run(agent, "Weather in Porto?", { stream: true }) : await run(agent, "Weather in Porto?");
        if (stream) for await (const _event of result as AsyncIterable<unknown>);
        if (stream) await (result as { completed: Promise<void> }).completed;
        expect(result.finalOutput).toBe("Porto is 21C.");
        expect(oa.requests.slice(before).map((r) => r.path)).toEqual(["/v1/responses", "/v1/responses"]);
        const spans = await h.spans(6);
        const llm = spans.filter((s) => s.attributes[SC.OPENINFERENCE_SPAN_KIND] === "LLM");
        expect(llm).toHaveLength(2);
        const [first, second] = [...llm].sort((a, b) => Number(a.startTimeUnixNano - b.startTimeUnixNano));
        expect(first!.attributes["envpod.llm.shape"]).toBe("openai.responses");
        expect(first!.attributes[SC.LLM_MODEL_NAME]).toBe("gpt-4o-mini-fake");
        expect([first!.attributes[SC.LLM_TOKEN_COUNT_PROMPT], second!.attributes[SC.LLM_TOKEN_COUNT_PROMPT]]).toEqual([13, 25]);
        expect(first!.attributes[`${SC.LLM_OUTPUT_MESSAGES}.0.${SC.MESSAGE_TOOL_CALLS}.0.${SC.TOOL_CALL_FUNCTION_NAME}`]).toBe("weather");
        expect(second!.attributes[`${SC.LLM_OUTPUT_MESSAGES}.0.${SC.MESSAGE_CONTENT}`]).toBe("Porto is 21C.");
        const inputs = Object.entries(second!.attributes).filter(([k]) => k.startsWith(SC.LLM_INPUT_MESSAGES) && k.endsWith(SC.MESSAGE_CONTENT)).map(([, v]) => v);
        expect(inputs).toContain("Weather in Porto?");
        expect(inputs).toContain("21C in Porto");
        expect(new Set(spans.map((s) => s.traceId)).size).toBe(1);
      } finally {
        setOpenAIAPI("chat_completions");
      }
    });
  }
});
