import type { LlmMessage, LlmPart, LlmRequest, LlmResponse, LlmShape, LlmTool, LlmToolCall, LlmUsage } from "../exchange.js";
import { addDefined, count, field, isRecord, list, record, str } from "../read.js";
import { OpenAIChatStream } from "./openai-chat-stream.js";
import { llmTool, llmToolCall, parametersOf, usageOf } from "./common.js";

/** Request fields that are not invocation parameters. */
const NOT_PARAMETERS = new Set(["messages", "tools", "functions", "model", "stream", "stream_options"]);

/** OpenAI Chat Completions (`openai` 7.x `chat.completions.create`), plain and streamed. */
export const openaiChatShape: LlmShape = {
  name: "openai.chat",
  request(args) {
    try {
      const params = args[0];
      const model = str(params, "model");
      const messages = list(params, "messages");
      if (model === undefined || messages === undefined || field(params, "input") !== undefined) return undefined;
      const tools = [...(list(params, "tools") ?? []).map(chatTool), ...(list(params, "functions") ?? []).map(functionTool)].filter((t): t is LlmTool => t !== undefined);
      const out: { -readonly [K in keyof LlmRequest]: LlmRequest[K] } = { operation: "chat", system: "openai", provider: "openai", model, messages: messages.filter(isRecord).map(inputMessage) };
      if (tools.length > 0) addDefined(out, "tools", tools);
      addDefined(out, "parameters", parametersOf(params as object, NOT_PARAMETERS).parameters);
      if (field(params, "stream") === true) addDefined(out, "stream", true);
      return out;
    } catch {
      return undefined;
    }
  },
  response(result) {
    try {
      const choices = list(result, "choices");
      if (choices === undefined || (str(result, "object") !== "chat.completion" && !choices.some((c) => record(c, "message") !== undefined))) return undefined;
      const messages: LlmMessage[] = [];
      const finishReasons: string[] = [];
      for (const choice of choices) {
        const message = record(choice, "message");
        if (message === undefined) continue;
        const reason = str(choice, "finish_reason");
        if (reason !== undefined) finishReasons.push(reason);
        messages.push(outputMessage(message, reason));
      }
      // Added one by one: spreading small computed-key objects made this the costliest step of reading a response.
      const out = {} as { -readonly [K in keyof LlmResponse]: LlmResponse[K] };
      addDefined(out, "id", str(result, "id"));
      addDefined(out, "model", str(result, "model"));
      addDefined(out, "messages", messages);
      if (finishReasons.length > 0) addDefined(out, "finishReasons", finishReasons);
      addDefined(out, "usage", chatUsage(record(result, "usage")));
      return out satisfies LlmResponse;
    } catch {
      return undefined;
    }
  },
  stream: () => new OpenAIChatStream(),
};

export function chatUsage(usage: object | undefined): LlmUsage | undefined {
  if (usage === undefined) return undefined;
  return usageOf({
    input: count(usage, "prompt_tokens"),
    output: count(usage, "completion_tokens"),
    total: count(usage, "total_tokens"),
    cacheRead: count(record(usage, "prompt_tokens_details"), "cached_tokens"),
    cacheWrite: undefined,
    reasoning: count(record(usage, "completion_tokens_details"), "reasoning_tokens"),
  });
}

function inputMessage(message: object): LlmMessage {
  const role = str(message, "role") ?? "user";
  const toolCalls = toolCallsOf(message);
  const toolCallId = str(message, "tool_call_id");
  const name = str(message, "name");
  const out: { -readonly [K in keyof LlmMessage]: LlmMessage[K] } = { role, parts: contentParts(field(message, "content")) };
  addDefined(out, "toolCalls", toolCalls);
  addDefined(out, "toolCallId", toolCallId);
  addDefined(out, "name", name);
  return out;
}

function outputMessage(message: object, finishReason: string | undefined): LlmMessage {
  const parts = contentParts(field(message, "content"));
  const refusal = str(message, "refusal");
  if (refusal !== undefined) parts.push({ type: "text", text: refusal });
  const toolCalls = toolCallsOf(message);
  const out: { -readonly [K in keyof LlmMessage]: LlmMessage[K] } = { role: str(message, "role") ?? "assistant", parts };
  addDefined(out, "toolCalls", toolCalls);
  addDefined(out, "finishReason", finishReason);
  return out;
}

/** A string, or an array of content parts (text, image_url, input_audio, file, refusal). */
export function contentParts(content: unknown): LlmPart[] {
  if (typeof content === "string") return [{ type: "text", text: content }];
  if (!Array.isArray(content)) return [];
  const parts: LlmPart[] = [];
  for (const part of content) {
    const type = str(part, "type");
    if (type === "text" || type === "input_text" || type === "output_text") {
      const text = str(part, "text");
      if (text !== undefined) parts.push({ type: "text", text });
    } else if (type === "refusal") {
      const text = str(part, "refusal");
      if (text !== undefined) parts.push({ type: "text", text });
    } else if (type === "image_url" || type === "input_image") {
      const url = str(record(part, "image_url"), "url") ?? str(part, "image_url");
      parts.push(imagePart(url));
    } else if (type !== undefined) parts.push({ type: "other", kind: type });
  }
  return parts;
}

/** An image by URL; a `data:` URL keeps only its media type (never the bytes). */
export function imagePart(url: string | undefined): LlmPart {
  if (url === undefined) return { type: "image" };
  if (url.startsWith("data:")) {
    const mediaType = /^data:([^;,]+)/.exec(url)?.[1];
    return mediaType === undefined ? { type: "image" } : { type: "image", mediaType };
  }
  return { type: "image", url };
}

/** An image known by its media type only (its bytes never kept), or by nothing. */
export function mediaTypeImage(mediaType: string | undefined): LlmPart {
  const image: { type: "image"; mediaType?: string } = { type: "image" };
  addDefined(image, "mediaType", mediaType);
  return image;
}

function toolCallsOf(message: object): LlmToolCall[] | undefined {
  const calls: LlmToolCall[] = [];
  for (const call of list(message, "tool_calls") ?? []) {
    const fn = record(call, "function");
    const name = str(fn, "name");
    if (name === undefined) continue;
    calls.push(llmToolCall(name, str(call, "id"), str(fn, "arguments")));
  }
  const legacy = record(message, "function_call");
  const legacyName = str(legacy, "name");
  if (legacyName !== undefined) {
    calls.push(llmToolCall(legacyName, undefined, str(legacy, "arguments")));
  }
  return calls.length > 0 ? calls : undefined;
}

function chatTool(tool: unknown): LlmTool | undefined {
  const fn = record(tool, "function");
  const name = str(fn, "name") ?? str(tool, "name") ?? str(tool, "type");
  if (name === undefined) return undefined;
  return toolOf(name, fn);
}

function functionTool(fn: unknown): LlmTool | undefined {
  const name = str(fn, "name");
  if (name === undefined) return undefined;
  return toolOf(name, fn);
}

function toolOf(name: string, fn: unknown): LlmTool {
  return llmTool(name, str(fn, "description"), field(fn, "parameters"));
}
