// Placeholder until the price table lands (branch llm-prices); replaced on merge.
import type { LlmUsage } from "./exchange.js";
export interface LlmCost { input?: number; output?: number; cacheRead?: number; cacheWrite?: number; total: number }
export type PriceTable = Readonly<Record<string, unknown>>;
export const DEFAULT_PRICES: PriceTable = {};
export function estimateCost(_model: string | undefined, _usage: LlmUsage, _table: PriceTable): LlmCost | undefined {
  return undefined;
}
