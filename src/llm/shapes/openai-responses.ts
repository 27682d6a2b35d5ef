import type { LlmMessage, LlmPart, LlmRequest, LlmResponse, LlmShape, LlmStreamAccumulator, LlmTool, LlmToolCall, LlmUsage } from "../exchange.js";
import { addDefined, count, field, isRecord, list, record, str } from "../read.js";
import { contentParts } from "./openai-chat.js";
import { llmTool, llmToolCall, parametersOf, singleReply, usageOf } from "./common.js";

const NOT_PARAMETERS = new Set(["input", "instructions", "tools", "model", "stream"]);

/** The OpenAI Responses API (`openai` 7.x `responses.create`), plain and streamed. */
export const openaiResponsesShape: LlmShape = {
  name: "openai.responses",
  request(args) {
    try {
      const params = args[0];
      const model = str(params, "model");
      const input = field(params, "input");
      if (model === undefined || (typeof input !== "string" && !Array.isArray(input)) || field(params, "messages") !== undefined) return undefined;
      const tools = (list(params, "tools") ?? []).map(responseTool).filter((t): t is LlmTool => t !== undefined);
      // Added one by one, in this order: spreading small computed-key objects cost 100–400 ns a field.
      const out = { operation: "chat", system: "openai", provider: "openai", model } as { -readonly [K in keyof LlmRequest]: LlmRequest[K] };
      addDefined(out, "instructions", str(params, "instructions"));
      addDefined(out, "messages", typeof input === "string" ? [{ role: "user", parts: [{ type: "text", text: input }] }] : inputItems(input));
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
      return str(result, "object") === "response" && list(result, "output") !== undefined ? responseOf(result as object) : undefined;
    } catch {
      return undefined;
    }
  },
  stream: () => new ResponsesStream(),
};

function inputItems(items: readonly unknown[]): LlmMessage[] {
  const messages: LlmMessage[] = [];
  for (const item of items) {
    if (!isRecord(item)) continue;
    const type = str(item, "type");
    if (type === "function_call") {
      const call = functionCall(item);
      if (call !== undefined) messages.push({ role: "assistant", parts: [], toolCalls: [call] });
    } else if (type === "function_call_output" || type === "function_call_result") {
      // function_call_result: the OpenAI Agents SDK's own item for it (camelCase ids, output as a part or parts).
      const output = field(item, "output");
      const parts = typeof output === "string" ? [{ type: "text" as const, text: output }] : contentParts(Array.isArray(output) || !isRecord(output) ? output : [output]);
      const message: { -readonly [K in keyof LlmMessage]: LlmMessage[K] } = { role: "tool", parts };
      addDefined(message, "toolCallId", str(item, "call_id") ?? str(item, "callId"));
      messages.push(message);
    } else if (type === undefined || type === "message") {
      messages.push({ role: str(item, "role") ?? "user", parts: contentParts(field(item, "content")) });
    }
  }
  return messages;
}

function functionCall(item: object): LlmToolCall | undefined {
  const name = str(item, "name");
  if (name === undefined) return undefined;
  return llmToolCall(name, str(item, "call_id") ?? str(item, "callId") ?? str(item, "id"), str(item, "arguments"));
}

function responseTool(tool: unknown): LlmTool | undefined {
  const name = str(tool, "name") ?? str(tool, "type");
  if (name === undefined) return undefined;
  return llmTool(name, str(tool, "description"), field(tool, "parameters"));
}

function responseOf(response: object): LlmResponse {
  const parts: LlmPart[] = [];
  const toolCalls: LlmToolCall[] = [];
  for (const item of list(response, "output") ?? []) {
    const type = str(item, "type");
    if (type === "message") parts.push(...contentParts(field(item, "content")));
    else if (type === "function_call") {
      const call = functionCall(item as object);
      if (call !== undefined) toolCalls.push(call);
    } else if (type === "reasoning") {
      for (const s of list(item, "summary") ?? []) {
        const text = str(s, "text");
        if (text !== undefined) parts.push({ type: "reasoning", text });
      }
    }
  }
  const incomplete = str(record(response, "incomplete_details"), "reason");
  const reason = incomplete ?? (toolCalls.length > 0 ? "tool_calls" : str(response, "status") === "completed" ? "stop" : str(response, "status"));
  return singleReply(str(response, "id"), str(response, "model"), parts, toolCalls, reason, responsesUsage(record(response, "usage")));
}

function responsesUsage(usage: object | undefined): LlmUsage | undefined {
  if (usage === undefined) return undefined;
  return usageOf({
    input: count(usage, "input_tokens"),
    output: count(usage, "output_tokens"),
    total: count(usage, "total_tokens"),
    cacheRead: count(record(usage, "input_tokens_details"), "cached_tokens"),
    cacheWrite: undefined,
    reasoning: count(record(usage, "output_tokens_details"), "reasoning_tokens"),
  });
}

/** The stream's events: the final response (`response.completed`, else the latest one seen) wins; text deltas are the fallback. */
class ResponsesStream implements LlmStreamAccumulator {
  private latest: object | undefined;
  private text = "";
  private seen = false;

  add(event: unknown): void {
    try {
      const type = str(event, "type");
      if (type === undefined || !type.startsWith("response.")) return;
      this.seen = true;
      const response = record(event, "response");
      if (response !== undefined && list(response, "output") !== undefined) this.latest = response;
      if (type === "response.output_text.delta") this.text += str(event, "delta") ?? "";
    } catch {
      // a malformed event is ignored
    }
  }

  response(): LlmResponse | undefined {
    if (!this.seen) return undefined;
    const built = this.latest === undefined ? undefined : responseOf(this.latest);
    if (built !== undefined && (built.messages[0]!.parts.length > 0 || Object.hasOwn(built.messages[0]!, "toolCalls"))) return built;
    const message: LlmMessage = { role: "assistant", parts: this.text === "" ? [] : [{ type: "text", text: this.text }] };
    return { ...built, messages: [message] };
  }
}
