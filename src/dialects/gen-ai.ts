import type { Attributes } from "@opentelemetry/api";
import type { LlmMessage, LlmRequest, LlmResponse, LlmUsage } from "../llm/exchange.js";
import type { LlmContentRules } from "../llm/content-rules.js";
import { GenAiKey } from "./gen-ai-keys.js";

/**
 * The OpenTelemetry GenAI conventions (1.37+) for an LLM call, a dialect of its own: operation,
 * provider, models, parameters, usage, and the messages as one JSON attribute each in the
 * conventions' `parts` structure. Messages and tool schemas are content: not written in mode none.
 */
export function genAiRequest(request: LlmRequest, rules: LlmContentRules, into: Attributes): void {
  into[GenAiKey.OPERATION_NAME] = request.operation;
  const provider = request.provider ?? request.system;
  if (provider !== undefined) into[GenAiKey.PROVIDER_NAME] = provider;
  if (request.model !== undefined) into[GenAiKey.REQUEST_MODEL] = request.model;
  if (request.stream === true) into[GenAiKey.REQUEST_STREAM] = true;
  if (request.parameters !== undefined) requestParameters(request.parameters, into);
  if (request.tools !== undefined && request.tools.length > 0) {
    const definitions = request.tools.map((tool) => {
      const definition: Record<string, unknown> = { type: "function", name: tool.name };
      if (rules.content && tool.description !== undefined) definition.description = tool.description;
      if (rules.content && tool.parameters !== undefined) definition.parameters = tool.parameters;
      return definition;
    });
    into[GenAiKey.TOOL_DEFINITIONS] = rules.content ? rules.json(definitions) : JSON.stringify(definitions);
  }
  if (!rules.content) return;
  if (request.instructions !== undefined) into[GenAiKey.SYSTEM_INSTRUCTIONS] = JSON.stringify([{ type: "text", content: rules.text(request.instructions) }]);
  into[GenAiKey.INPUT_MESSAGES] = JSON.stringify(request.messages.map((m) => genAiMessage(m, rules)));
}

export function genAiResponse(response: LlmResponse, rules: LlmContentRules, into: Attributes): void {
  if (response.model !== undefined) into[GenAiKey.RESPONSE_MODEL] = response.model;
  if (response.id !== undefined) into[GenAiKey.RESPONSE_ID] = response.id;
  const reasons = response.finishReasons ?? response.messages.flatMap((m) => (m.finishReason === undefined ? [] : [m.finishReason]));
  if (reasons.length > 0) into[GenAiKey.RESPONSE_FINISH_REASONS] = [...reasons];
  if (rules.content) into[GenAiKey.OUTPUT_MESSAGES] = JSON.stringify(response.messages.map((m) => genAiMessage(m, rules)));
}

export function genAiUsage(usage: LlmUsage, into: Attributes): void {
  if (usage.input !== undefined) into[GenAiKey.USAGE_INPUT_TOKENS] = usage.input;
  if (usage.output !== undefined) into[GenAiKey.USAGE_OUTPUT_TOKENS] = usage.output;
  if (usage.cacheRead !== undefined) into[GenAiKey.USAGE_CACHE_READ_INPUT_TOKENS] = usage.cacheRead;
  if (usage.cacheWrite !== undefined) into[GenAiKey.USAGE_CACHE_CREATION_INPUT_TOKENS] = usage.cacheWrite;
  if (usage.reasoning !== undefined) into[GenAiKey.USAGE_REASONING_OUTPUT_TOKENS] = usage.reasoning;
}

const NUMERIC_PARAMETERS: Readonly<Record<string, string>> = {
  temperature: GenAiKey.REQUEST_TEMPERATURE,
  top_p: GenAiKey.REQUEST_TOP_P,
  topP: GenAiKey.REQUEST_TOP_P,
  top_k: GenAiKey.REQUEST_TOP_K,
  topK: GenAiKey.REQUEST_TOP_K,
  max_tokens: GenAiKey.REQUEST_MAX_TOKENS,
  max_completion_tokens: GenAiKey.REQUEST_MAX_TOKENS,
  max_output_tokens: GenAiKey.REQUEST_MAX_TOKENS,
  maxOutputTokens: GenAiKey.REQUEST_MAX_TOKENS,
  frequency_penalty: GenAiKey.REQUEST_FREQUENCY_PENALTY,
  frequencyPenalty: GenAiKey.REQUEST_FREQUENCY_PENALTY,
  presence_penalty: GenAiKey.REQUEST_PRESENCE_PENALTY,
  presencePenalty: GenAiKey.REQUEST_PRESENCE_PENALTY,
  seed: GenAiKey.REQUEST_SEED,
  n: GenAiKey.REQUEST_CHOICE_COUNT,
};

function requestParameters(parameters: Readonly<Record<string, unknown>>, into: Attributes): void {
  for (const name of Object.keys(parameters)) {
    const value = parameters[name];
    const key = Object.prototype.hasOwnProperty.call(NUMERIC_PARAMETERS, name) ? NUMERIC_PARAMETERS[name] : undefined;
    if (key !== undefined && typeof value === "number" && Number.isFinite(value)) into[key] = value;
  }
  const stop = parameters.stop ?? parameters.stop_sequences ?? parameters.stopSequences;
  const sequences = typeof stop === "string" ? [stop] : Array.isArray(stop) ? stop.filter((s): s is string => typeof s === "string") : [];
  if (sequences.length > 0) into[GenAiKey.REQUEST_STOP_SEQUENCES] = sequences;
}

type Part = Record<string, unknown>;

function genAiMessage(message: LlmMessage, rules: LlmContentRules): Part {
  const parts: Part[] = [];
  const isToolResult = message.toolCallId !== undefined;
  for (const part of message.parts) {
    if (part.type === "text") {
      parts.push(isToolResult ? { type: "tool_call_response", id: message.toolCallId, response: rules.text(part.text) } : { type: "text", content: rules.text(part.text) });
    } else if (part.type === "reasoning") parts.push({ type: "reasoning", content: rules.text(part.text) });
    else if (part.type === "image") parts.push(part.url === undefined ? { type: "blob", modality: "image", mime_type: part.mediaType ?? null } : { type: "uri", modality: "image", uri: rules.text(part.url) });
    else parts.push({ type: part.kind });
  }
  for (const call of message.toolCalls ?? []) {
    const p: Part = { type: "tool_call", name: call.name };
    if (call.id !== undefined) p.id = call.id;
    if (call.arguments !== undefined) p.arguments = parsedOrText(rules.jsonText(call.arguments));
    parts.push(p);
  }
  const out: Part = { role: message.role, parts };
  if (message.name !== undefined) out.name = message.name;
  if (message.finishReason !== undefined) out.finish_reason = message.finishReason;
  return out;
}

function parsedOrText(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return s;
  }
}
