import type { LlmUsage } from "./exchange.js";
import { warnOnce } from "../runtime/report.js";

/** USD per 1M tokens. Cache rates default to the input rate when a model has none. */
export interface ModelPrice {
  readonly input: number;
  readonly output: number;
  readonly cacheRead?: number;
  readonly cacheWrite?: number;
}

/** Model id (or id prefix, matched at a `-` boundary) → price. */
export type PriceTable = Readonly<Record<string, ModelPrice>>;

/** The estimate of one call, USD. */
export interface LlmCost {
  input?: number;
  output?: number;
  cacheRead?: number;
  cacheWrite?: number;
  total: number;
}

/** When the default table was read off the providers' pricing pages. */
export const PRICES_AS_OF = "2026-03-21";
export const PRICE_SOURCES = {
  openai: "https://platform.openai.com/docs/pricing",
  anthropic: "https://docs.anthropic.com/en/docs/about-claude/pricing",
} as const;

const claude = (input: number, output: number): ModelPrice => ({ input, output, cacheRead: input / 10, cacheWrite: input * 1.25 });

/** Standard (not batch) rates; Anthropic cache writes at the 5-minute rate. An estimate, not a bill. */
export const DEFAULT_PRICES: PriceTable = Object.freeze({
  "gpt-5": { input: 1.25, output: 10, cacheRead: 0.125 },
  "gpt-5.1": { input: 1.25, output: 10, cacheRead: 0.125 },
  "gpt-5-mini": { input: 0.25, output: 2, cacheRead: 0.025 },
  "gpt-5-nano": { input: 0.05, output: 0.4, cacheRead: 0.005 },
  "gpt-4.1": { input: 2, output: 8, cacheRead: 0.5 },
  "gpt-4.1-mini": { input: 0.4, output: 1.6, cacheRead: 0.1 },
  "gpt-4.1-nano": { input: 0.1, output: 0.4, cacheRead: 0.025 },
  "gpt-4o": { input: 2.5, output: 10, cacheRead: 1.25 },
  "gpt-4o-mini": { input: 0.15, output: 0.6, cacheRead: 0.075 },
  o3: { input: 2, output: 8, cacheRead: 0.5 },
  "o4-mini": { input: 1.1, output: 4.4, cacheRead: 0.275 },
  "claude-opus-4-6": claude(5, 25),
  "claude-opus-4-5": claude(5, 25),
  "claude-opus-4-1": claude(15, 75),
  "claude-opus-4": claude(15, 75),
  "claude-sonnet-4-6": claude(3, 15),
  "claude-sonnet-4-5": claude(3, 15),
  "claude-sonnet-4": claude(3, 15),
  "claude-haiku-4-5": claude(1, 5),
  "claude-3-5-haiku": claude(0.8, 4),
  "claude-3-haiku": { input: 0.25, output: 1.25, cacheRead: 0.03, cacheWrite: 0.3 },
});

/**
 * The table entry for a model id: exact, else the longest key the id extends at a `-` boundary
 * (`gpt-4o-mini-2024-07-18` → `gpt-4o-mini`, never `gpt-4o`); a router's `provider/` prefix is ignored.
 */
export function priceFor(model: string, table: PriceTable): ModelPrice | undefined {
  // Runs on every LLM call: the lookup by prefix is remembered per table and model id (a bounded few).
  let memo = lookups.get(table);
  if (memo === undefined) lookups.set(table, (memo = new Map()));
  if (memo.has(model)) return memo.get(model);
  const price = lookUp(model, table);
  if (memo.size >= MEMO_LIMIT) memo.clear();
  memo.set(model, price);
  return price;
}

const MEMO_LIMIT = 256;
const lookups = new WeakMap<PriceTable, Map<string, ModelPrice | undefined>>();

function lookUp(model: string, table: PriceTable): ModelPrice | undefined {
  const id = model.slice(model.lastIndexOf("/") + 1).toLowerCase();
  if (Object.hasOwn(table, id)) return table[id];
  let best: string | undefined;
  for (const key of Object.keys(table)) {
    if (id.length > key.length && id.startsWith(key) && id[key.length] === "-" && (best === undefined || key.length > best.length)) best = key;
  }
  return best === undefined ? undefined : table[best];
}

const perToken = (tokens: number, usdPerMillion: number) => (tokens * usdPerMillion) / 1e6;
/** Sums kept to the micro-dollar's millionth: floating error never shows in a total. */
export function roundCost(usd: number): number {
  return Math.round(usd * 1e12) / 1e12;
}

/** `usage.input` counts cached tokens too (as OpenAI reports, and as the Anthropic shape sums them). */
export function estimateCost(model: string | undefined, usage: LlmUsage, table: PriceTable): LlmCost | undefined {
  if (model === undefined || (usage.input === undefined && usage.output === undefined)) return undefined;
  const price = priceFor(model, table);
  if (price === undefined) return undefined;
  const cost: LlmCost = { total: 0 };
  const cacheRead = usage.cacheRead ?? 0;
  const cacheWrite = usage.cacheWrite ?? 0;
  if (usage.input !== undefined) cost.input = roundCost(perToken(Math.max(0, usage.input - cacheRead - cacheWrite), price.input));
  if (usage.cacheRead !== undefined) cost.cacheRead = roundCost(perToken(cacheRead, price.cacheRead ?? price.input));
  if (usage.cacheWrite !== undefined) cost.cacheWrite = roundCost(perToken(cacheWrite, price.cacheWrite ?? price.input));
  if (usage.output !== undefined) cost.output = roundCost(perToken(usage.output, price.output));
  cost.total = roundCost((cost.input ?? 0) + (cost.cacheRead ?? 0) + (cost.cacheWrite ?? 0) + (cost.output ?? 0));
  return cost;
}

/** register()'s `prices`: entries to add or override, or a function from the defaults to the table to use. */
export type PricesOption = Readonly<Record<string, ModelPrice>> | ((defaults: PriceTable) => Readonly<Record<string, ModelPrice>>);

const isRate = (value: unknown) => typeof value === "number" && Number.isFinite(value) && value >= 0;

/** The table the option asks for; an entry with a missing or negative rate is left out with one warning. */
export function resolvePrices(option: PricesOption | undefined): PriceTable {
  if (option === undefined) return DEFAULT_PRICES;
  const given = typeof option === "function" ? option(DEFAULT_PRICES) : { ...DEFAULT_PRICES, ...option };
  if (given === null || typeof given !== "object") {
    warnOnce("prices", `the prices option must be an object of model → { input, output } (USD per 1M tokens) or a function returning one: using the default table (${PRICES_AS_OF}).`);
    return DEFAULT_PRICES;
  }
  const table: Record<string, ModelPrice> = {};
  for (const [model, price] of Object.entries(given)) {
    const valid = price !== null && typeof price === "object" && isRate(price.input) && isRate(price.output) &&
      (price.cacheRead === undefined || isRate(price.cacheRead)) && (price.cacheWrite === undefined || isRate(price.cacheWrite));
    if (valid) table[model.toLowerCase()] = price;
    else warnOnce(`prices.${model}`, `the prices option's entry ${JSON.stringify(model)} needs non-negative numbers input and output (cacheRead, cacheWrite optional), USD per 1M tokens; got ${JSON.stringify(price)}: that model gets no cost estimate.`);
  }
  return Object.freeze(table);
}
