import type { LlmRequest, LlmResponse, LlmShape } from "../exchange.js";
import { openaiChatShape } from "./openai-chat.js";
import { openaiResponsesShape } from "./openai-responses.js";
import { anthropicMessagesShape } from "./anthropic-messages.js";
import { aiSdkShape } from "./ai-sdk.js";

/** The shapes an `Op.LLM` call is recognised by, most specific first. */
export const SHAPES: readonly LlmShape[] = [aiSdkShape, openaiResponsesShape, anthropicMessagesShape, openaiChatShape];

/** The first shape its arguments are a request of. */
export function recognizeRequest(args: ArrayLike<unknown>): { shape: LlmShape; request: LlmRequest } | undefined {
  for (const shape of SHAPES) {
    const request = shape.request(args);
    if (request !== undefined) return { shape, request };
  }
  return undefined;
}

/** A result of unknown origin: the first shape it is a response of. */
export function recognizeResponse(result: unknown): { shape: LlmShape; response: LlmResponse } | undefined {
  for (const shape of SHAPES) {
    const response = shape.response(result);
    if (response !== undefined) return { shape, response };
  }
  return undefined;
}
