import type { Attributes } from "@opentelemetry/api";
import { MimeType, SemanticConventions } from "@arizeai/openinference-semantic-conventions";
import type { OpSpec } from "./ops.js";

/** What a wrapper knows about itself before any call: the OpenInference half of its attributes. */
export interface OpenInferenceFacts {
  readonly spec: OpSpec;
  readonly toolName: string;
  readonly description: string | undefined;
  readonly parameters: string | undefined;
  readonly model: string | undefined;
  readonly provider: string | undefined;
}

export function staticOpenInference(facts: OpenInferenceFacts, into: Attributes): void {
  into[SemanticConventions.OPENINFERENCE_SPAN_KIND] = facts.spec.spanKind;
  if (facts.spec.spanKind === "TOOL") {
    into[SemanticConventions.TOOL_NAME] = facts.toolName;
    if (facts.description !== undefined) into[SemanticConventions.TOOL_DESCRIPTION] = facts.description;
    if (facts.parameters !== undefined) into[SemanticConventions.TOOL_PARAMETERS] = facts.parameters;
  }
  if (facts.model !== undefined) into[SemanticConventions.LLM_MODEL_NAME] = facts.model;
  if (facts.provider !== undefined) into[SemanticConventions.LLM_PROVIDER] = facts.provider;
}

/** Token usage as reported through current().llm(). */
export interface TokenUsage {
  input?: number;
  output?: number;
  total?: number;
}

export function usageAttributes(usage: TokenUsage, into: Attributes): void {
  if (isCount(usage.input)) into[SemanticConventions.LLM_TOKEN_COUNT_PROMPT] = usage.input;
  if (isCount(usage.output)) into[SemanticConventions.LLM_TOKEN_COUNT_COMPLETION] = usage.output;
  const total = isCount(usage.total) ? usage.total : isCount(usage.input) && isCount(usage.output) ? usage.input + usage.output : undefined;
  if (total !== undefined) into[SemanticConventions.LLM_TOKEN_COUNT_TOTAL] = total;
}

function isCount(n: unknown): n is number {
  return typeof n === "number" && Number.isFinite(n) && n >= 0;
}

/** A captured value as OpenInference renders it: plain text stays text, anything else is JSON. */
export function contentAttributes(direction: "input" | "output", text: string, isJson: boolean, into: Attributes): void {
  const mime = isJson ? MimeType.JSON : MimeType.TEXT;
  if (direction === "input") {
    into[SemanticConventions.INPUT_VALUE] = text;
    into[SemanticConventions.INPUT_MIME_TYPE] = mime;
  } else {
    into[SemanticConventions.OUTPUT_VALUE] = text;
    into[SemanticConventions.OUTPUT_MIME_TYPE] = mime;
  }
}

export function sessionAttribute(sessionId: string, into: Attributes): void {
  into[SemanticConventions.SESSION_ID] = sessionId;
}

export function metadataAttribute(json: string, into: Attributes): void {
  into[SemanticConventions.METADATA] = json;
}
