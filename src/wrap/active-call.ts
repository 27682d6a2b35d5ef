import type { AttributeValue } from "@opentelemetry/api";
import type { TokenUsage } from "../dialects/openinference.js";

/** Facts about an LLM call that are known only at run time. */
export interface LlmFacts {
  model?: string;
  provider?: string;
  usage?: TokenUsage;
}

/** The active coat call, as current() hands it out for enrichment. Every method returns the call. */
export interface ActiveCall {
  readonly op: string;
  readonly name: string;
  readonly traceId: string;
  readonly spanId: string;
  readonly sessionId: string;
  readonly runId: string;
  readonly stepId: string;
  /** Model, provider and token usage of an LLM call. */
  llm(facts: LlmFacts): ActiveCall;
  /** Token usage; `total` defaults to input + output. */
  usage(usage: TokenUsage): ActiveCall;
  /** Merges into the OpenInference `metadata` attribute (JSON). */
  metadata(data: Record<string, unknown>): ActiveCall;
  setAttribute(key: string, value: AttributeValue): ActiveCall;
}
