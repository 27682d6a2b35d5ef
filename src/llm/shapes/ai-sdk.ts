import type { LlmMessage, LlmRequest, LlmResponse, LlmShape, LlmTool, LlmUsage } from "../exchange.js";
import { addDefined, count, field, isRecord, list, record, str } from "../read.js";
import { aiInputMessages, contentMessages, providerName } from "./ai-sdk-messages.js";
import { llmTool, singleReply, usageOf } from "./common.js";

/** The settings that are invocation parameters (never headers, signals or callbacks). */
const PARAMETERS = ["temperature", "maxOutputTokens", "topP", "topK", "presencePenalty", "frequencyPenalty", "stopSequences", "seed", "maxRetries", "toolChoice", "schemaName", "schemaDescription", "output"] as const;

/** The call settings that are invocation parameters, as given. */
export function aiParameters(options: object): Record<string, unknown> {
  const parameters: Record<string, unknown> = {};
  for (const key of PARAMETERS) {
    const value = field(options, key);
    if (value !== undefined && (typeof value !== "object" || key === "stopSequences" || key === "toolChoice")) parameters[key] = value;
  }
  return parameters;
}

/**
 * The Vercel AI SDK (`ai` 7.x): `generateText` / `streamText` / `generateObject` options, their
 * results, and `streamText`'s result settled when its stream has been read.
 */
export const aiSdkShape: LlmShape = {
  name: "ai.sdk",
  request(args) {
    try {
      const options = args[0];
      const model = field(options, "model");
      const modelId = typeof model === "string" ? model : str(model, "modelId");
      const sdkModel = isRecord(model) && str(model, "specificationVersion") !== undefined && modelId !== undefined;
      const prompt = field(options, "prompt");
      if (modelId === undefined || (!sdkModel && prompt === undefined && !(modelId.includes("/") && list(options, "messages") !== undefined))) return undefined;
      const provider = providerName(model);
      const messages: LlmMessage[] = [];
      if (typeof prompt === "string") messages.push({ role: "user", parts: [{ type: "text", text: prompt }] });
      for (const message of [...(Array.isArray(prompt) ? prompt : []), ...(list(options, "messages") ?? [])]) messages.push(...aiInputMessages(message));
      const tools = toolsOf(record(options, "tools"));
      const parameters = aiParameters(options as object);
      // Added one by one, in this order: spreading small computed-key objects cost 100–400 ns a field.
      const out = { operation: "chat" } as { -readonly [K in keyof LlmRequest]: LlmRequest[K] };
      addDefined(out, "system", provider);
      addDefined(out, "provider", provider);
      addDefined(out, "model", modelId);
      addDefined(out, "instructions", systemText(field(options, "instructions") ?? field(options, "system")));
      addDefined(out, "messages", messages);
      if (tools.length > 0) addDefined(out, "tools", tools);
      if (Object.keys(parameters).length > 0) addDefined(out, "parameters", parameters);
      return out satisfies LlmRequest;
    } catch {
      return undefined;
    }
  },
  response(result) {
    try {
      const steps = list(result, "steps");
      if (steps !== undefined) return stepsResponse(steps, record(result, "totalUsage"));
      // generateObject: the object is the reply.
      if (field(result, "object") !== undefined && str(result, "finishReason") !== undefined && record(result, "response") !== undefined) return objectResponse(result as object);
      return undefined;
    } catch {
      return undefined;
    }
  },
  stream: () => ({ add() {}, response: () => undefined }),
  settle(result) {
    // streamText's result is a bag of promises behind getters that may start reading the stream;
    // its own DelayedPromise fields are read instead (their `promise` getter has no side effect).
    const steps = pending(record(result, "_steps"));
    if (steps === undefined) return undefined;
    const usage = pending(record(result, "_totalUsage"));
    return Promise.all([steps, usage ?? Promise.resolve(undefined)]).then(
      ([all, total]) => (Array.isArray(all) ? stepsResponse(all, isRecord(total) ? total : undefined) : undefined),
      () => undefined,
    );
  },
};

/** The promise of an AI SDK DelayedPromise (own `status`, `isPending()` and a `promise` getter on its class). */
function pending(delayed: object | undefined): Promise<unknown> | undefined {
  if (delayed === undefined || record(delayed, "status") === undefined) return undefined;
  const proto = Object.getPrototypeOf(delayed) as object | null;
  if (proto === null || typeof Object.getOwnPropertyDescriptor(proto, "isPending")?.value !== "function" || Object.getOwnPropertyDescriptor(proto, "promise")?.get === undefined) return undefined;
  const promise = (delayed as { promise?: unknown }).promise;
  return promise instanceof Promise ? promise : undefined;
}

function stepsResponse(steps: readonly unknown[], totalUsage: object | undefined): LlmResponse | undefined {
  const last = steps[steps.length - 1];
  if (!isRecord(last) || list(last, "content") === undefined) return undefined;
  const messages = steps.filter(isRecord).flatMap((step) => contentMessages("assistant", list(step, "content") ?? []));
  const reason = str(last, "finishReason");
  const response = record(last, "response");
  const out = {} as { -readonly [K in keyof LlmResponse]: LlmResponse[K] };
  addDefined(out, "id", str(response, "id"));
  addDefined(out, "model", str(response, "modelId") ?? str(record(last, "model"), "modelId"));
  addDefined(out, "provider", providerName(record(last, "model")));
  addDefined(out, "messages", messages);
  if (reason !== undefined) addDefined(out, "finishReasons", [reason]);
  addDefined(out, "usage", aiUsage(totalUsage ?? record(last, "usage")));
  return out;
}

function objectResponse(result: object): LlmResponse {
  let text: string;
  try {
    text = JSON.stringify(field(result, "object")) ?? "";
  } catch {
    text = "";
  }
  const reason = str(result, "finishReason");
  const response = record(result, "response");
  return singleReply(str(response, "id"), str(response, "modelId"), [{ type: "text", text }], [], reason, aiUsage(record(result, "usage")));
}

/** `inputTokens` counts cached tokens too; AI SDK 5's flat `cachedInputTokens` / `reasoningTokens` are read as well. */
export function aiUsage(usage: object | undefined): LlmUsage | undefined {
  if (usage === undefined) return undefined;
  const input = record(usage, "inputTokenDetails");
  const output = record(usage, "outputTokenDetails");
  return usageOf({
    input: count(usage, "inputTokens"),
    output: count(usage, "outputTokens"),
    total: count(usage, "totalTokens"),
    cacheRead: count(input, "cacheReadTokens") ?? count(usage, "cachedInputTokens"),
    cacheWrite: count(input, "cacheWriteTokens"),
    reasoning: count(output, "reasoningTokens") ?? count(usage, "reasoningTokens"),
  });
}

function systemText(system: unknown): string | undefined {
  if (typeof system === "string") return system;
  const parts = Array.isArray(system) ? system : isRecord(system) ? [system] : [];
  const texts = parts.map((m) => str(m, "content")).filter((t): t is string => t !== undefined);
  return texts.length > 0 ? texts.join("\n") : undefined;
}

/** A tool set `{ name: tool({ description, inputSchema }) }`: a schema's JSON where it is plain data (`jsonSchema()` keeps it behind a getter, never run). */
function toolsOf(tools: object | undefined): LlmTool[] {
  if (tools === undefined) return [];
  return Object.keys(tools).map((name) => {
    const tool = field(tools, name);
    const schema = record(tool, "inputSchema");
    return llmTool(name, str(tool, "description"), record(schema, "jsonSchema"));
  });
}
