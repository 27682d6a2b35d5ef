/**
 * Reading an LLM call back out of a GenAI-conventions span (whoever wrote it: `@ai-sdk/otel`, an
 * SDK's own span): the `gen_ai.*` attributes as the exchange's request and response.
 */
import type { Attributes } from "@opentelemetry/api";
import type { LlmMessage, LlmOperation, LlmPart, LlmRequest, LlmResponse, LlmTool, LlmToolCall, LlmUsage } from "./exchange.js";
import { GenAiKey } from "../dialects/gen-ai-keys.js";
import { usageOf } from "./shapes/common.js";

const text = (a: Attributes, key: string) => (typeof a[key] === "string" ? (a[key] as string) : undefined);
const count = (a: Attributes, key: string) => (typeof a[key] === "number" && (a[key] as number) >= 0 ? (a[key] as number) : undefined);

function parsed(a: Attributes, key: string): unknown[] {
  const raw = text(a, key);
  if (raw === undefined) return [];
  try {
    const value: unknown = JSON.parse(raw);
    return Array.isArray(value) ? value : [];
  } catch {
    return [];
  }
}

const str = (o: unknown, key: string) => (o !== null && typeof o === "object" && typeof (o as Record<string, unknown>)[key] === "string" ? ((o as Record<string, unknown>)[key] as string) : undefined);
const json = (value: unknown) => (typeof value === "string" ? value : JSON.stringify(value ?? null));

/** One GenAI message (`{ role, parts: [...] , finish_reason? }`); its tool responses become tool messages. */
function messages(list: unknown[]): LlmMessage[] {
  const out: LlmMessage[] = [];
  for (const message of list) {
    const role = str(message, "role") ?? "user";
    const rawParts = (message as { parts?: unknown }).parts;
    const parts: LlmPart[] = [];
    const toolCalls: LlmToolCall[] = [];
    const responses: LlmMessage[] = [];
    for (const part of Array.isArray(rawParts) ? rawParts : []) {
      const type = str(part, "type");
      const p = part as Record<string, unknown>;
      if (type === "text") parts.push({ type: "text", text: str(part, "content") ?? "" });
      else if (type === "reasoning") parts.push({ type: "reasoning", text: str(part, "content") ?? "" });
      else if (type === "tool_call") toolCalls.push({ name: str(part, "name") ?? "", ...(str(part, "id") !== undefined && { id: str(part, "id") }), arguments: json(p.arguments) });
      else if (type === "tool_call_response") responses.push({ role: "tool", parts: [{ type: "text", text: json(p.response) }], ...(str(part, "id") !== undefined && { toolCallId: str(part, "id") }) });
      else if (type === "uri" && str(part, "modality") === "image" && str(part, "uri") !== undefined) parts.push({ type: "image", url: str(part, "uri")! });
      else if (type !== undefined) parts.push({ type: "other", kind: type });
    }
    const reason = str(message, "finish_reason");
    if (parts.length > 0 || toolCalls.length > 0 || responses.length === 0) {
      out.push({ role, parts, ...(toolCalls.length > 0 && { toolCalls }), ...(reason !== undefined && { finishReason: reason }) });
    }
    out.push(...responses);
  }
  return out;
}

function tools(a: Attributes): LlmTool[] {
  return parsed(a, GenAiKey.TOOL_DEFINITIONS).flatMap((t) => {
    const name = str(t, "name");
    if (name === undefined) return [];
    const d = t as Record<string, unknown>;
    return [{ name, ...(str(t, "description") !== undefined && { description: str(t, "description") }), ...((d.parameters ?? d.inputSchema) !== undefined && { parameters: d.parameters ?? d.inputSchema }) }];
  });
}

export function genAiUsageOf(a: Attributes): LlmUsage | undefined {
  const input = count(a, GenAiKey.USAGE_INPUT_TOKENS);
  const output = count(a, GenAiKey.USAGE_OUTPUT_TOKENS);
  return usageOf({
    input,
    output,
    total: input !== undefined && output !== undefined ? input + output : undefined,
    cacheRead: count(a, GenAiKey.USAGE_CACHE_READ_INPUT_TOKENS),
    cacheWrite: count(a, GenAiKey.USAGE_CACHE_CREATION_INPUT_TOKENS),
    reasoning: count(a, GenAiKey.USAGE_REASONING_OUTPUT_TOKENS),
  });
}

export function genAiRequestOf(a: Attributes, operation: LlmOperation): LlmRequest {
  const provider = text(a, GenAiKey.PROVIDER_NAME);
  const model = text(a, GenAiKey.REQUEST_MODEL);
  const instructions = parsed(a, GenAiKey.SYSTEM_INSTRUCTIONS).map((p) => str(p, "content")).filter((t) => t !== undefined).join("\n");
  const defined = tools(a);
  return {
    operation,
    ...(provider !== undefined && { system: provider, provider }),
    ...(model !== undefined && { model }),
    ...(instructions !== "" && { instructions }),
    messages: messages(parsed(a, GenAiKey.INPUT_MESSAGES)),
    ...(defined.length > 0 && { tools: defined }),
  };
}

export function genAiResponseOf(a: Attributes): LlmResponse {
  const reasons = a[GenAiKey.RESPONSE_FINISH_REASONS];
  const id = text(a, GenAiKey.RESPONSE_ID);
  const model = text(a, GenAiKey.RESPONSE_MODEL);
  const usage = genAiUsageOf(a);
  return {
    ...(id !== undefined && { id }),
    ...(model !== undefined && { model }),
    messages: messages(parsed(a, GenAiKey.OUTPUT_MESSAGES)),
    ...(Array.isArray(reasons) && { finishReasons: reasons.filter((r): r is string => typeof r === "string") }),
    ...(usage !== undefined && { usage }),
  };
}
