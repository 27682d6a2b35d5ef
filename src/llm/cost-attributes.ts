import type { Attributes } from "@opentelemetry/api";
import { SemanticConventions as SC } from "@arizeai/openinference-semantic-conventions";
import type { LlmUsage } from "./exchange.js";
import type { LlmCost, PriceTable } from "./prices.js";
import { DEFAULT_PRICES, estimateCost, roundCost } from "./prices.js";

export type { LlmCost };
export { estimateCost, roundCost };

let prices: PriceTable = DEFAULT_PRICES;

/** The price table cost estimates use: the defaults, or register()'s `prices`. */
export function currentPrices(): PriceTable {
  return prices;
}

export function setPrices(table: PriceTable): void {
  prices = table;
}

/** OpenInference `llm.cost.*` (USD, an estimate from the price table). */
export function costAttributes(cost: LlmCost, into: Attributes): void {
  if (cost.input !== undefined) into[SC.LLM_COST_INPUT] = cost.input;
  if (cost.input !== undefined || cost.cacheRead !== undefined || cost.cacheWrite !== undefined) {
    into[SC.LLM_COST_PROMPT] = roundCost((cost.input ?? 0) + (cost.cacheRead ?? 0) + (cost.cacheWrite ?? 0));
  }
  if (cost.output !== undefined) into[SC.LLM_COST_COMPLETION] = cost.output;
  if (cost.cacheRead !== undefined) into[SC.LLM_COST_PROMPT_DETAILS_CACHE_READ] = cost.cacheRead;
  if (cost.cacheWrite !== undefined) into[SC.LLM_COST_PROMPT_DETAILS_CACHE_WRITE] = cost.cacheWrite;
  into[SC.LLM_COST_TOTAL] = cost.total;
}


/** A token-count attribute of either dialect. */
export function isTokenKey(key: string): boolean {
  return key.startsWith("llm.token_count.") || key.startsWith("gen_ai.usage.");
}

/** The envelope's `payload.llm.token_count`. */
export function usagePart(usage: LlmUsage, into: Record<string, unknown>): void {
  if (usage.input !== undefined) into.prompt = usage.input;
  if (usage.output !== undefined) into.completion = usage.output;
  const total = usage.total ?? (usage.input !== undefined && usage.output !== undefined ? usage.input + usage.output : undefined);
  if (total !== undefined) into.total = total;
  if (usage.cacheRead !== undefined) into.cache_read = usage.cacheRead;
  if (usage.cacheWrite !== undefined) into.cache_write = usage.cacheWrite;
  if (usage.reasoning !== undefined) into.reasoning = usage.reasoning;
}

