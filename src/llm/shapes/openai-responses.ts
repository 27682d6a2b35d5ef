import type { LlmMessage, LlmPart, LlmRequest, LlmResponse, LlmShape, LlmStreamAccumulator, LlmTool, LlmToolCall, LlmUsage } from "../exchange.js";
import { count, field, isRecord, list, record, str } from "../read.js";
import { contentParts, optional } from "./openai-chat.js";
import { parametersOf, usageOf } from "./common.js";

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
      return {
        operation: "chat",
        system: "openai",
        provider: "openai",
        model,
        ...optional("instructions", str(params, "instructions")),
        messages: typeof input === "string" ? [{ role: "user", parts: [{ type: "text", text: input }] }] : inputItems(input),
        ...(tools.length > 0 ? { tools } : {}),
        ...parametersOf(params as object, NOT_PARAMETERS),
        ...(field(params, "stream") === true ? { stream: true } : {}),
      } satisfies LlmRequest;
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
      messages.push({ role: "tool", parts, ...optional("toolCallId", str(item, "call_id") ?? str(item, "callId")) });
    } else if (type === undefined || type === "message") {
      messages.push({ role: str(item, "role") ?? "user", parts: contentParts(field(item, "content")) });
    }
  }
  return messages;
}

function functionCall(item: object): LlmToolCall | undefined {
  const name = str(item, "name");
  return name === undefined ? undefined : { name, ...optional("id", str(item, "call_id") ?? str(item, "callId") ?? str(item, "id")), ...optional("arguments", str(item, "arguments")) };
}

function responseTool(tool: unknown): LlmTool | undefined {
  const name = str(tool, "name") ?? str(tool, "type");
  return name === undefined ? undefined : { name, ...optional("description", str(tool, "description")), ...optional("parameters", field(tool, "parameters")) };
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
  const message: LlmMessage = { role: "assistant", parts, ...(toolCalls.length > 0 ? { toolCalls } : {}), ...optional("finishReason", reason) };
  return { ...optional("id", str(response, "id")), ...optional("model", str(response, "model")), messages: [message], ...(reason !== undefined ? { finishReasons: [reason] } : {}), ...optional("usage", responsesUsage(record(response, "usage"))) };
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
    if (built !== undefined && (built.messages[0]!.parts.length > 0 || built.messages[0]!.toolCalls !== undefined)) return built;
    const message: LlmMessage = { role: "assistant", parts: this.text === "" ? [] : [{ type: "text", text: this.text }] };
    return { ...built, messages: [message] };
  }
}
