import type { LlmMessage, LlmPart, LlmRequest, LlmResponse, LlmShape, LlmTool, LlmToolCall, LlmUsage } from "../exchange.js";
import { addDefined, count, field, isRecord, list, num, record, str } from "../read.js";
import { imagePart, mediaTypeImage } from "./openai-chat.js";
import { AnthropicStream } from "./anthropic-stream.js";
import { llmTool, llmToolCall, parametersOf, singleReply, usageOf } from "./common.js";

const NOT_PARAMETERS = new Set(["messages", "system", "tools", "model", "stream"]);

/** Anthropic Messages (`@anthropic-ai/sdk` 1.x `messages.create` / `messages.stream`). */
export const anthropicMessagesShape: LlmShape = {
  name: "anthropic.messages",
  request(args) {
    try {
      const params = args[0];
      const model = str(params, "model");
      const messages = list(params, "messages");
      if (model === undefined || messages === undefined || num(params, "max_tokens") === undefined || !looksAnthropic(params as object, model, messages)) return undefined;
      const tools = (list(params, "tools") ?? []).map(anthropicTool).filter((t): t is LlmTool => t !== undefined);
      // Added one by one, in this order: spreading small computed-key objects cost 100–400 ns a field.
      const out = { operation: "chat", system: "anthropic", provider: "anthropic", model } as { -readonly [K in keyof LlmRequest]: LlmRequest[K] };
      addDefined(out, "instructions", systemText(field(params, "system")));
      addDefined(out, "messages", messages.filter(isRecord).flatMap(inputMessages));
      if (tools.length > 0) addDefined(out, "tools", tools);
      addDefined(out, "parameters", parametersOf(params as object, NOT_PARAMETERS).parameters);
      if (field(params, "stream") === true) addDefined(out, "stream", true);
      return out satisfies LlmRequest;
    } catch {
      return undefined;
    }
  },
  response(result) {
    try {
      if (str(result, "type") !== "message" || str(result, "role") !== "assistant" || list(result, "content") === undefined) return undefined;
      return messageResponse(result as object);
    } catch {
      return undefined;
    }
  },
  stream: () => new AnthropicStream(),
};

/**
 * Chat Completions params can look the same ({ model, max_tokens, messages }): Anthropic's have
 * only user and assistant turns, and say so by a `claude` model, a `system` field or Anthropic's
 * content blocks. (The client wrapper names its shape and never needs this.)
 */
function looksAnthropic(params: object, model: string, messages: readonly unknown[]): boolean {
  if (messages.some((m) => str(m, "role") !== "user" && str(m, "role") !== "assistant")) return false;
  if (model.startsWith("claude") || field(params, "system") !== undefined) return true;
  return messages.some((m) => list(m, "content")?.some((b) => ["tool_use", "tool_result", "thinking"].includes(str(b, "type") ?? "") || record(b, "source") !== undefined) === true);
}

export function messageResponse(message: object): LlmResponse {
  const { parts, toolCalls } = blocks(list(message, "content") ?? []);
  const reason = str(message, "stop_reason");
  return singleReply(str(message, "id"), str(message, "model"), parts, toolCalls, reason, anthropicUsage(record(message, "usage")));
}

/** Anthropic counts cache reads and writes apart from `input_tokens`: the exchange's `input` is the whole prompt. */
export function anthropicUsage(usage: object | undefined): LlmUsage | undefined {
  if (usage === undefined) return undefined;
  const fresh = count(usage, "input_tokens");
  const cacheRead = count(usage, "cache_read_input_tokens");
  const cacheWrite = count(usage, "cache_creation_input_tokens");
  const output = count(usage, "output_tokens");
  const input = fresh !== undefined || cacheRead !== undefined || cacheWrite !== undefined ? (fresh ?? 0) + (cacheRead ?? 0) + (cacheWrite ?? 0) : undefined;
  const total = input !== undefined && output !== undefined ? input + output : undefined;
  return usageOf({ input, output, total, cacheRead, cacheWrite, reasoning: count(record(usage, "output_tokens_details"), "thinking_tokens") });
}

function systemText(system: unknown): string | undefined {
  if (typeof system === "string") return system;
  if (!Array.isArray(system)) return undefined;
  const texts = system.map((b) => str(b, "text")).filter((t): t is string => t !== undefined);
  return texts.length > 0 ? texts.join("\n") : undefined;
}

/** One Anthropic message; its tool_result blocks become tool messages of their own, as OpenInference has them. */
function inputMessages(message: object): LlmMessage[] {
  const role = str(message, "role") ?? "user";
  const content = field(message, "content");
  if (typeof content === "string") return [{ role, parts: [{ type: "text", text: content }] }];
  if (!Array.isArray(content)) return [{ role, parts: [] }];
  const out: LlmMessage[] = [];
  const rest = content.filter((b) => str(b, "type") !== "tool_result");
  for (const block of content) {
    if (str(block, "type") !== "tool_result") continue;
    const inner = field(block, "content");
    const text = typeof inner === "string" ? inner : Array.isArray(inner) ? inner.map((b) => str(b, "text") ?? "").join("") : "";
    const result: { -readonly [K in keyof LlmMessage]: LlmMessage[K] } = { role: "tool", parts: [{ type: "text", text }] };
    addDefined(result, "toolCallId", str(block, "tool_use_id"));
    out.push(result);
  }
  if (rest.length > 0 || out.length === 0) {
    const { parts, toolCalls } = blocks(rest);
    out.push({ role, parts, ...(toolCalls.length > 0 ? { toolCalls } : {}) });
  }
  return out;
}

function blocks(content: readonly unknown[]): { parts: LlmPart[]; toolCalls: LlmToolCall[] } {
  const parts: LlmPart[] = [];
  const toolCalls: LlmToolCall[] = [];
  for (const block of content) {
    const type = str(block, "type");
    if (type === "text") parts.push({ type: "text", text: str(block, "text") ?? "" });
    else if (type === "thinking") parts.push({ type: "reasoning", text: str(block, "thinking") ?? "" });
    else if (type === "tool_use") {
      const name = str(block, "name");
      if (name === undefined) continue;
      toolCalls.push(llmToolCall(name, str(block, "id"), safeJson(field(block, "input"))));
    } else if (type === "image") {
      const source = record(block, "source");
      const url = str(source, "url");
      parts.push(url !== undefined ? imagePart(url) : mediaTypeImage(str(source, "media_type")));
    } else if (type !== undefined) parts.push({ type: "other", kind: type });
  }
  return { parts, toolCalls };
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value ?? {});
  } catch {
    return "{}";
  }
}

function anthropicTool(tool: unknown): LlmTool | undefined {
  const name = str(tool, "name");
  if (name === undefined) return undefined;
  return llmTool(name, str(tool, "description"), field(tool, "input_schema"));
}
