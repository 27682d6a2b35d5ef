import type { LlmMessage, LlmRequest, LlmResponse, LlmShape, LlmTool } from "../exchange.js";
import { addDefined, field, isRecord, list, record, str } from "../read.js";
import { aiInputMessages, contentMessages } from "./ai-sdk-messages.js";
import { llmTool } from "./common.js";
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
        return name === undefined ? [] : [llmTool(name, str(t, "description"), record(t, "inputSchema"))];
      });
      const parameters = aiParameters(event as object);
      // Added one by one, in this order: spreading small computed-key objects cost 100–400 ns a field.
      const out = { operation: "chat" } as { -readonly [K in keyof LlmRequest]: LlmRequest[K] };
      addDefined(out, "system", provider);
      addDefined(out, "provider", provider);
      addDefined(out, "model", model);
      addDefined(out, "instructions", typeof system === "string" ? system : undefined);
      addDefined(out, "messages", messages);
      if (tools.length > 0) addDefined(out, "tools", tools);
      if (Object.keys(parameters).length > 0) addDefined(out, "parameters", parameters);
      return out satisfies LlmRequest;
    } catch {
      return undefined;
    }
  },
  response(event) {
    try {
      const content = list(event, "content");
      if (!isRecord(event) || content === undefined) return undefined;
      const reason = str(event, "finishReason");
      const out = {} as { -readonly [K in keyof LlmResponse]: LlmResponse[K] };
      addDefined(out, "id", str(event, "responseId"));
      addDefined(out, "model", str(event, "modelId"));
      addDefined(out, "provider", str(event, "provider")?.split(".")[0]);
      addDefined(out, "messages", contentMessages("assistant", content));
      if (reason !== undefined) addDefined(out, "finishReasons", [reason]);
      addDefined(out, "usage", aiUsage(record(event, "usage")));
      return out satisfies LlmResponse;
    } catch {
      return undefined;
    }
  },
  stream: () => ({ add() {}, response: () => undefined }),
};
