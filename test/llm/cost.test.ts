/**
 * Cost estimates: the dated default table, a user's `prices`, the estimate on each LLM span and
 * end record, and the running totals on the enclosing RUN and SESSION spans — through the real
 * SDKs against loopback fakes, read off the OTLP wire.
 */
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { SemanticConventions as SC } from "@arizeai/openinference-semantic-conventions";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { DEFAULT_PRICES, Op, PRICES_AS_OF, coat, current, estimateCost } from "../../src/index.js";
import { priceFor, resolvePrices } from "../../src/llm/prices.js";
import { coatOpenAI } from "../../src/adapters/openai/index.js";
import { coatAnthropic } from "../../src/adapters/anthropic/index.js";
import type { Harness } from "../support/harness.js";
import { asMap, spanNamed, startHarness } from "../support/harness.js";
import { startOpenAIHttpFake } from "../fakes/openai-http.js";
import type { OpenAIHttpFake } from "../fakes/openai-http.js";
import { startAnthropicFake } from "../fakes/anthropic-api.js";
import type { AnthropicFake } from "../fakes/anthropic-api.js";

describe("the price table", () => {
  it("is dated and matches snapshot ids by prefix at a dash, never a shorter model's price", () => {
    expect(PRICES_AS_OF).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(priceFor("gpt-4o-mini-2024-07-18", DEFAULT_PRICES)).toBe(DEFAULT_PRICES["gpt-4o-mini"]);
    expect(priceFor("gpt-4o-2024-08-06", DEFAULT_PRICES)).toBe(DEFAULT_PRICES["gpt-4o"]);
    expect(priceFor("claude-sonnet-4-5-20250929", DEFAULT_PRICES)).toBe(DEFAULT_PRICES["claude-sonnet-4-5"]);
    expect(priceFor("openai/gpt-5-mini", DEFAULT_PRICES)).toBe(DEFAULT_PRICES["gpt-5-mini"]);
    expect(priceFor("gpt-4oo", DEFAULT_PRICES)).toBeUndefined();
    expect(priceFor("llama-3", DEFAULT_PRICES)).toBeUndefined();
  });

  it("prices cached prompt tokens at the cache rates, the rest at the input rate", () => {
    // claude-haiku-4-5: $1 in, $5 out, $0.10 cache read, $1.25 cache write per 1M.
    const cost = estimateCost("claude-haiku-4-5", { input: 1_000_000, output: 100_000, cacheRead: 400_000, cacheWrite: 100_000 }, DEFAULT_PRICES)!;
    expect(cost).toEqual({ input: 0.5, cacheRead: 0.04, cacheWrite: 0.125, output: 0.5, total: 1.165 });
    expect(estimateCost("unknown-model", { input: 10, output: 10 }, DEFAULT_PRICES)).toBeUndefined();
    expect(estimateCost(undefined, { input: 10 }, DEFAULT_PRICES)).toBeUndefined();
  });

  it("a user's prices extend or replace the defaults; a bad entry is warned about once and left out", () => {
    const extended = resolvePrices({ "my-model": { input: 1, output: 2 }, "gpt-4o": { input: 9, output: 9 } });
    expect(extended["my-model"]).toEqual({ input: 1, output: 2 });
    expect(extended["gpt-4o"]).toEqual({ input: 9, output: 9 });
    expect(extended["gpt-4o-mini"]).toBe(DEFAULT_PRICES["gpt-4o-mini"]);
    expect(Object.keys(resolvePrices(() => ({ only: { input: 1, output: 1 } })))).toEqual(["only"]);
    const warn = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    try {
      const table = resolvePrices({ "bad-model": { input: -1, output: 2 } });
      resolvePrices({ "bad-model": { input: -1, output: 2 } });
      expect(table["bad-model"]).toBeUndefined();
      const lines = warn.mock.calls.map((c) => String(c[0])).filter((l) => l.includes("bad-model"));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain("prices");
    } finally {
      warn.mockRestore();
    }
  });
});

describe("cost on the wire", () => {
  let h: Harness;
  let oa: OpenAIHttpFake;
  let an: AnthropicFake;
  beforeAll(async () => {
    h = await startHarness({ capture: "none", prices: { "house-model": { input: 2, output: 4 } } });
    oa = await startOpenAIHttpFake();
    an = await startAnthropicFake();
  });
  afterAll(async () => {
    await h.close();
    await oa.close();
    await an.close();
  });
  beforeEach(() => h.reset());

  it("each LLM span carries llm.cost.*, its end record payload.llm.cost, the RUN and SESSION spans the running total", async () => {
    const openai = coatOpenAI(new OpenAI({ apiKey: "sk-test", baseURL: oa.baseURL, maxRetries: 0 }));
    const anthropic = coatAnthropic(new Anthropic({ apiKey: "test", baseURL: an.baseURL, maxRetries: 0 }));
    const house = coat(Op.LLM, { model: "house-model" }, async function house() {
      current()?.usage({ input: 500_000, output: 250_000 });
      return "ok";
    });
    // gpt-4o-mini: $0.15 in, $0.60 out → 1M in + 1M out = $0.75 (the fake answers as gpt-4o-mini-fake).
    oa.reply({ content: "sunny", promptTokens: 1_000_000, completionTokens: 1_000_000 });
    an.reply({ message: { content: [{ type: "text", text: "rain" }], usage: { input_tokens: 600_000, output_tokens: 100_000, cache_read_input_tokens: 400_000 } } });
    const run = coat(Op.RUN, async function run() {
      await openai.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "sunny?" }] });
      await anthropic.messages.create({ model: "claude-haiku-4-5", max_tokens: 16, messages: [{ role: "user", content: "rain?" }] });
      await house();
    });
    await coat(Op.SESSION, function session() {
      return run();
    })();
    const spans = await h.spans(6);
    const openaiSpan = spanNamed(spans, "openai.chat.completions.create");
    expect(openaiSpan.attributes[SC.LLM_COST_TOTAL]).toBe(0.75);
    // The default dialects are envpod and OpenInference: no gen_ai.* unless asked for.
    expect(Object.keys(openaiSpan.attributes).filter((k) => k.startsWith("gen_ai."))).toEqual([]);
    expect([openaiSpan.attributes[SC.LLM_COST_PROMPT], openaiSpan.attributes[SC.LLM_COST_COMPLETION]]).toEqual([0.15, 0.6]);
    // claude-haiku-4-5: 600k uncached × $1 + 400k cache read × $0.10 + 100k out × $5 = 0.6 + 0.04 + 0.5.
    const claude = spans.find((s) => s.name === "anthropic.messages.create" && s.attributes[SC.OPENINFERENCE_SPAN_KIND] === "LLM")!;
    expect(claude.attributes[SC.LLM_COST_PROMPT_DETAILS_CACHE_READ]).toBe(0.04);
    expect(claude.attributes[SC.LLM_COST_PROMPT]).toBe(0.64);
    expect(claude.attributes[SC.LLM_COST_TOTAL]).toBe(1.14);
    // Token counts given by hand are priced too, from the user's own table entry.
    const houseSpan = spanNamed(spans, "house");
    expect(houseSpan.attributes[SC.LLM_COST_TOTAL]).toBe(2);
    const end = (await h.logsFor(houseSpan, 2))[1]!;
    expect(asMap(asMap(end.body).payload).llm).toMatchObject({ model_name: "house-model", cost: 2 });
    for (const op of ["run", "session"]) {
      const outer = spans.find((s) => s.attributes["envpod.op"] === op)!;
      expect(outer.attributes["envpod.llm.calls"]).toBe(3);
      expect(outer.attributes["envpod.llm.cost.total"]).toBe(3.89);
      expect(outer.attributes["envpod.llm.token_count.total"]).toBe(2_000_000 + 1_100_000 + 750_000);
    }
  });
});
