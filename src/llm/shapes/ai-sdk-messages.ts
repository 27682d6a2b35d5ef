/**
 * The Vercel AI SDK's messages (`ModelMessage`: `system`, `user`, `assistant`, `tool`, with
 * `text`, `image`, `file`, `reasoning`, `tool-call`, `tool-result` parts) and the content of its
 * steps, as the exchange has them.
 */
import type { LlmMessage, LlmPart, LlmToolCall } from "../exchange.js";
import { addDefined, field, isRecord, record, str } from "../read.js";
import { llmToolCall } from "./common.js";
import { imagePart, mediaTypeImage } from "./openai-chat.js";

/** Step content that is not part of the model's message: provider extras, citations, approvals. */
const NOT_MESSAGE_PARTS = new Set(["custom", "source", "tool-approval-request", "tool-approval-response"]);

function errorText(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : typeof error === "string" ? error : json(error);
}

/** One input message; its tool-result parts become tool messages of their own, as OpenInference has them. */
export function aiInputMessages(message: unknown): LlmMessage[] {
  if (!isRecord(message)) return [];
  const role = str(message, "role") ?? "user";
  const content = field(message, "content");
  if (typeof content === "string") return [{ role, parts: [{ type: "text", text: content }] }];
  if (!Array.isArray(content)) return [{ role, parts: [] }];
  return contentMessages(role, content);
}

/** A step's (or a message's) parts: the role's message, then one tool message per tool result. */
export function contentMessages(role: string, content: readonly unknown[]): LlmMessage[] {
  const parts: LlmPart[] = [];
  const toolCalls: LlmToolCall[] = [];
  const results: LlmMessage[] = [];
  for (const part of content) {
    if (!isRecord(part)) continue;
    const type = str(part, "type");
    if (type === "text") parts.push({ type: "text", text: str(part, "text") ?? "" });
    else if (type === "reasoning") parts.push({ type: "reasoning", text: str(part, "text") ?? "" });
    else if (type === "tool-call") {
      const name = str(part, "toolName");
      if (name !== undefined) toolCalls.push(llmToolCall(name, str(part, "toolCallId"), json(field(part, "input"))));
    } else if (type === "tool-result") results.push(toolMessage(resultText(field(part, "output")), part));
    else if (type === "tool-error") results.push(toolMessage(errorText(field(part, "error")), part));
    else if (type !== undefined && NOT_MESSAGE_PARTS.has(type)) continue;
    else if (type === "image") parts.push(imageOf(part, "image"));
    else if (type === "file" && (str(part, "mediaType") ?? "").startsWith("image/")) parts.push(imageOf(part, "data"));
    else if (type !== undefined) parts.push({ type: "other", kind: type });
  }
  if (parts.length === 0 && toolCalls.length === 0 && results.length > 0) return results;
  const own: { -readonly [K in keyof LlmMessage]: LlmMessage[K] } = { role, parts };
  if (toolCalls.length > 0) addDefined(own, "toolCalls", toolCalls);
  return [own, ...results];
}

// Built field by field: spreading small computed-key objects cost 100–400 ns a field.
function toolMessage(text: string, part: object): LlmMessage {
  const message: { -readonly [K in keyof LlmMessage]: LlmMessage[K] } = { role: "tool", parts: [{ type: "text", text }] };
  addDefined(message, "toolCallId", str(part, "toolCallId"));
  addDefined(message, "name", str(part, "toolName"));
  return message;
}

/** An image by URL (a `URL` object or an http(s)/data URL string); bytes are kept as their media type only. */
function imageOf(part: object, key: string): LlmPart {
  const value = field(part, key);
  const url = typeof value === "string" && /^(https?|data):/.test(value) ? value : value instanceof URL ? value.href : undefined;
  return url !== undefined ? imagePart(url) : mediaTypeImage(str(part, "mediaType"));
}

/** A tool result: a step's raw output, or a message's `{ type: "text" | "json" | …, value }`. */
function resultText(output: unknown): string {
  const typed = isRecord(output) ? str(output, "type") : undefined;
  if (typed !== undefined && field(output, "value") !== undefined) {
    const value = field(output, "value");
    return typeof value === "string" ? value : json(value);
  }
  return typeof output === "string" ? output : json(output);
}

function json(value: unknown): string {
  try {
    return JSON.stringify(value ?? {}) ?? "{}";
  } catch {
    return "{}";
  }
}

/** `provider.chat` → `provider`; a gateway id `openai/gpt-4o` → `openai`. */
export function providerName(model: unknown): string | undefined {
  if (typeof model === "string") return model.includes("/") ? model.slice(0, model.indexOf("/")) : undefined;
  const provider = str(model, "provider") ?? str(record(model, "config"), "provider");
  return provider?.split(".")[0];
}
