import type { LlmMessage, LlmRequest, LlmShape, LlmTool } from "../exchange.js";
import { field, isRecord, list, record, str } from "../read.js";
import { optional } from "./openai-chat.js";
import { aiInputMessages, contentMessages } from "./ai-sdk-messages.js";
import { aiParameters, aiUsage } from "./ai-sdk.js";

/**
 * One model call of the Vercel AI SDK as its telemetry events describe it: the request from a
 * `LanguageModelCallStartEvent` (standardized prompt, prepared tools, call settings), the
 * response from the matching `LanguageModelCallEndEvent`. Used by `coatAiTelemetry()` only.
 */
export const aiModelCallShape: LlmShape = {
  name: "ai.model-call",
  request(args) {
    try {
      const event = args[0];
      const model = str(event, "modelId");
      if (model === undefined) return undefined;
      const provider = str(event, "provider")?.split(".")[0];
      const messages: LlmMessage[] = (list(event, "messages") ?? []).flatMap(aiInputMessages);
      const system = field(event, "instructions") ?? field(event, "system");
      const tools = (list(event, "tools") ?? []).flatMap((t): LlmTool[] => {
        const name = str(t, "name");
        return name === undefined ? [] : [{ name, ...optional("description", str(t, "description")), ...optional("parameters", record(t, "inputSchema")) }];
      });
      const parameters = aiParameters(event as object);
      return {
        operation: "chat",
        ...optional("system", provider),
        ...optional("provider", provider),
        model,
        ...optional("instructions", typeof system === "string" ? system : undefined),
        messages,
        ...(tools.length > 0 ? { tools } : {}),
        ...(Object.keys(parameters).length > 0 ? { parameters } : {}),
      } satisfies LlmRequest;
    } catch {
      return undefined;
    }
  },
  response(event) {
    try {
      const content = list(event, "content");
      if (!isRecord(event) || content === undefined) return undefined;
      const reason = str(event, "finishReason");
      return {
        ...optional("id", str(event, "responseId")),
        ...optional("model", str(event, "modelId")),
        ...optional("provider", str(event, "provider")?.split(".")[0]),
        messages: contentMessages("assistant", content),
        ...(reason !== undefined ? { finishReasons: [reason] } : {}),
        ...optional("usage", aiUsage(record(event, "usage"))),
      };
    } catch {
      return undefined;
    }
  },
  stream: () => ({ add() {}, response: () => undefined }),
};
