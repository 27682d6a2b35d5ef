/** Pieces every shape builds the same way: invocation parameters and token usage. */
import type { LlmMessage, LlmPart, LlmResponse, LlmTool, LlmToolCall, LlmUsage } from "../exchange.js";
import { addDefined, field } from "../read.js";

/** Every request field but `exclude` (and functions) as `llm.invocation_parameters`; none → nothing. */
export function parametersOf(params: object, exclude: ReadonlySet<string>): { parameters?: Record<string, unknown> } {
  const parameters: Record<string, unknown> = {};
  for (const key of Object.keys(params)) {
    if (exclude.has(key)) continue;
    const value = field(params, key);
    if (typeof value !== "function") addDefined(parameters, key, value);
  }
  return Object.keys(parameters).length > 0 ? { parameters } : {};
}

/** Usage from the counts a provider reported; cache and reasoning details only when positive. */
export function usageOf(counts: { -readonly [K in keyof LlmUsage]: number | undefined }): LlmUsage | undefined {
  const out: { -readonly [K in keyof LlmUsage]: LlmUsage[K] } = {};
  addDefined(out, "input", counts.input);
  addDefined(out, "output", counts.output);
  addDefined(out, "total", counts.total);
  if (counts.cacheRead !== undefined && counts.cacheRead > 0) addDefined(out, "cacheRead", counts.cacheRead);
  if (counts.cacheWrite !== undefined && counts.cacheWrite > 0) addDefined(out, "cacheWrite", counts.cacheWrite);
  if (counts.reasoning !== undefined && counts.reasoning > 0) addDefined(out, "reasoning", counts.reasoning);
  return Object.keys(out).length > 0 ? out : undefined;
}

/** A reply of one assistant message, as most providers send it; fields added one by one, in this order. */
export function singleReply(id: string | undefined, model: string | undefined, parts: LlmPart[], toolCalls: readonly LlmToolCall[], reason: string | undefined, usage: LlmUsage | undefined): LlmResponse {
  const message: { -readonly [K in keyof LlmMessage]: LlmMessage[K] } = { role: "assistant", parts };
  if (toolCalls.length > 0) addDefined(message, "toolCalls", toolCalls);
  addDefined(message, "finishReason", reason);
  const out = {} as { -readonly [K in keyof LlmResponse]: LlmResponse[K] };
  addDefined(out, "id", id);
  addDefined(out, "model", model);
  addDefined(out, "messages", [message]);
  if (reason !== undefined) addDefined(out, "finishReasons", [reason]);
  addDefined(out, "usage", usage);
  return out;
}

/** A tool the request offers: its name, then its description and parameter schema when given. */
export function llmTool(name: string, description: string | undefined, parameters: unknown): LlmTool {
  const tool: { -readonly [K in keyof LlmTool]: LlmTool[K] } = { name };
  addDefined(tool, "description", description);
  addDefined(tool, "parameters", parameters);
  return tool;
}

/** A tool call the model made: its name, then its id and JSON arguments when known. */
export function llmToolCall(name: string, id: string | undefined, args: string | undefined): LlmToolCall {
  const call: { -readonly [K in keyof LlmToolCall]: LlmToolCall[K] } = { name };
  addDefined(call, "id", id);
  addDefined(call, "arguments", args);
  return call;
}
