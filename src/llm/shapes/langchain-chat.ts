import type { LlmMessage, LlmPart, LlmRequest, LlmResponse, LlmShape, LlmTool, LlmToolCall } from "../exchange.js";
import { addDefined, count, field, isRecord, list, record, str } from "../read.js";
import { imagePart } from "./openai-chat.js";
import { llmTool, llmToolCall, parametersOf, usageOf } from "./common.js";

/** LangChain message types as OpenInference roles. */
const ROLES: Readonly<Record<string, string>> = { human: "user", ai: "assistant", system: "system", tool: "tool", function: "function", developer: "system" };
const NOT_PARAMETERS = new Set(["model", "model_name", "modelName", "tools", "functions", "stream", "messages"]);

/**
 * A LangChain chat model or LLM call as its callbacks describe it (`agent-coat/langchain`): the
 * request `{ messages | prompts, invocationParams, options, metadata }` the handler builds from
 * `handleChatModelStart` / `handleLLMStart`, the response an `LLMResult` from `handleLLMEnd`.
 */
export const langchainChatShape: LlmShape = {
  name: "langchain.chat",
  request(args) {
    try {
      const start = args[0];
      const params = record(start, "invocationParams") ?? {};
      const metadata = record(start, "metadata");
      const prompts = list(start, "prompts");
      const model = str(params, "model") ?? str(params, "model_name") ?? str(params, "modelName") ?? str(metadata, "ls_model_name");
      const provider = str(metadata, "ls_provider");
      const messages = prompts !== undefined ? prompts.map((p): LlmMessage => ({ role: "user", parts: [{ type: "text", text: typeof p === "string" ? p : "" }] })) : (list(start, "messages") ?? []).map(inputMessage);
      const tools = (list(params, "tools") ?? list(record(start, "options"), "tools") ?? []).flatMap(toolOf);
      // Added one by one, in this order: spreading small computed-key objects cost 100–400 ns a field.
      const out = { operation: prompts !== undefined ? "text_completion" : "chat" } as { -readonly [K in keyof LlmRequest]: LlmRequest[K] };
      addDefined(out, "system", provider);
      addDefined(out, "provider", provider);
      addDefined(out, "model", model);
      addDefined(out, "messages", messages);
      if (tools.length > 0) addDefined(out, "tools", tools);
      addDefined(out, "parameters", parametersOf(params, NOT_PARAMETERS).parameters);
      return out satisfies LlmRequest;
    } catch {
      return undefined;
    }
  },
  response(result) {
    try {
      const generations = list(result, "generations");
      if (generations === undefined) return undefined;
      const messages: LlmMessage[] = [];
      const reasons: string[] = [];
      let model: string | undefined;
      let id: string | undefined;
      let usage = undefined as LlmResponse["usage"];
      for (const generation of generations.flatMap((g) => (Array.isArray(g) ? g : []))) {
        const message = record(generation, "message");
        const metadata = record(message, "response_metadata");
        const reason = str(metadata, "finish_reason") ?? str(record(generation, "generationInfo"), "finish_reason");
        if (reason !== undefined) reasons.push(reason);
        model ??= str(metadata, "model_name");
        id ??= str(message, "id");
        usage ??= usageMetadata(record(message, "usage_metadata"));
        messages.push(message !== undefined ? outputMessage(message, reason) : { role: "assistant", parts: [{ type: "text", text: str(generation, "text") ?? "" }] });
      }
      const tokenUsage = record(record(result, "llmOutput"), "tokenUsage");
      usage ??= tokenUsage === undefined ? undefined : usageOf({ input: count(tokenUsage, "promptTokens"), output: count(tokenUsage, "completionTokens"), total: count(tokenUsage, "totalTokens"), cacheRead: undefined, cacheWrite: undefined, reasoning: undefined });
      const out = {} as { -readonly [K in keyof LlmResponse]: LlmResponse[K] };
      addDefined(out, "id", id);
      addDefined(out, "model", model);
      addDefined(out, "messages", messages);
      if (reasons.length > 0) addDefined(out, "finishReasons", reasons);
      addDefined(out, "usage", usage);
      return out;
    } catch {
      return undefined;
    }
  },
  stream: () => ({ add() {}, response: () => undefined }),
};

function usageMetadata(usage: object | undefined): LlmResponse["usage"] {
  if (usage === undefined) return undefined;
  return usageOf({
    input: count(usage, "input_tokens"),
    output: count(usage, "output_tokens"),
    total: count(usage, "total_tokens"),
    cacheRead: count(record(usage, "input_token_details"), "cache_read"),
    cacheWrite: count(record(usage, "input_token_details"), "cache_creation"),
    reasoning: count(record(usage, "output_token_details"), "reasoning"),
  });
}

/** The message as input, its role always assistant (where the role was), its finish reason last. */
function outputMessage(message: object, finishReason: string | undefined): LlmMessage {
  const out = inputMessage(message);
  out.role = "assistant";
  addDefined(out, "finishReason", finishReason);
  return out;
}

function inputMessage(message: unknown): { -readonly [K in keyof LlmMessage]: LlmMessage[K] } {
  const type = str(message, "type") ?? str(message, "role") ?? "user";
  const content = field(message, "content");
  const parts: LlmPart[] = typeof content === "string" ? [{ type: "text", text: content }] : Array.isArray(content) ? content.flatMap(partOf) : [];
  const toolCalls = (list(message, "tool_calls") ?? []).flatMap((c): LlmToolCall[] => {
    const name = str(c, "name");
    return name === undefined ? [] : [llmToolCall(name, str(c, "id"), json(field(c, "args")))];
  });
  const out: { -readonly [K in keyof LlmMessage]: LlmMessage[K] } = { role: ROLES[type] ?? type, parts };
  if (toolCalls.length > 0) addDefined(out, "toolCalls", toolCalls);
  addDefined(out, "toolCallId", str(message, "tool_call_id"));
  addDefined(out, "name", str(message, "name"));
  return out;
}

function partOf(part: unknown): LlmPart[] {
  if (typeof part === "string") return [{ type: "text", text: part }];
  const type = str(part, "type");
  if (type === "text") return [{ type: "text", text: str(part, "text") ?? "" }];
  if (type === "image_url") {
    const url = str(part, "image_url") ?? str(record(part, "image_url"), "url");
    return url === undefined ? [{ type: "image" }] : [imagePart(url)];
  }
  if (type === "reasoning" || type === "thinking") return [{ type: "reasoning", text: str(part, "reasoning") ?? str(part, "thinking") ?? "" }];
  return type === undefined || type === "tool_use" ? [] : [{ type: "other", kind: type }];
}

function toolOf(tool: unknown): LlmTool[] {
  const fn = record(tool, "function");
  const name = str(fn, "name") ?? str(tool, "name");
  if (name === undefined || !isRecord(tool)) return [];
  return [llmTool(name, str(fn, "description") ?? str(tool, "description"), field(fn, "parameters") ?? field(tool, "input_schema"))];
}

function json(value: unknown): string {
  try {
    return JSON.stringify(value ?? {}) ?? "{}";
  } catch {
    return "{}";
  }
}
