import type { Attributes } from "@opentelemetry/api";
import { SemanticConventions as SC } from "@arizeai/openinference-semantic-conventions";
import type { LlmMessage, LlmPart, LlmRequest, LlmResponse, LlmUsage } from "../llm/exchange.js";
import type { LlmContentRules } from "../llm/content-rules.js";
import { IndexedKeys } from "./indexed-keys.js";

/**
 * The OpenInference half of an LLM call: `llm.input_messages.*`, `llm.output_messages.*`,
 * `llm.tools`, `llm.invocation_parameters`, model, system, provider and token counts. Roles, tool
 * names, counts, models and parameters are metadata (written in every mode); text, tool arguments
 * and schemas are content (written as the rules render them, never in mode none).
 */
const CONTENT_PREFIX = `${SC.MESSAGE_CONTENTS}.`;
const TOOL_CALL_PREFIX = `${SC.MESSAGE_TOOL_CALLS}.`;

interface MessageKeys {
  readonly prefix: IndexedKeys;
  readonly role: IndexedKeys;
  readonly content: IndexedKeys;
  readonly name: IndexedKeys;
  readonly toolCallId: IndexedKeys;
}
const messageKeys = (list: string): MessageKeys => ({
  prefix: new IndexedKeys(list),
  role: new IndexedKeys(list, SC.MESSAGE_ROLE),
  content: new IndexedKeys(list, SC.MESSAGE_CONTENT),
  name: new IndexedKeys(list, SC.MESSAGE_NAME),
  toolCallId: new IndexedKeys(list, SC.MESSAGE_TOOL_CALL_ID),
});
const INPUT_KEYS = messageKeys(SC.LLM_INPUT_MESSAGES);
const OUTPUT_KEYS = messageKeys(SC.LLM_OUTPUT_MESSAGES);
const TOOL_SCHEMA_KEYS = new IndexedKeys(SC.LLM_TOOLS, SC.TOOL_JSON_SCHEMA);

/** Request attributes; keeps the most recent messages that fit `budget` attributes and returns how many it left out. */
export function openInferenceRequest(request: LlmRequest, rules: LlmContentRules, budget: number, into: Attributes): number {
  if (request.model !== undefined) {
    into[SC.LLM_MODEL_NAME] = request.model;
    into[SC.LLM_REQUEST_MODEL_NAME] = request.model;
  }
  if (request.system !== undefined) into[SC.LLM_SYSTEM] = request.system;
  if (request.provider !== undefined) into[SC.LLM_PROVIDER] = request.provider;
  if (request.parameters !== undefined) into[SC.LLM_INVOCATION_PARAMETERS] = rules.json(request.parameters);
  let used = 0;
  request.tools?.forEach((tool, i) => {
    const schema: Record<string, unknown> = { name: tool.name };
    if (rules.content) {
      if (tool.description !== undefined) schema.description = tool.description;
      if (tool.parameters !== undefined) schema.parameters = tool.parameters;
    }
    into[TOOL_SCHEMA_KEYS.at(i)] = rules.content ? rules.json(schema) : JSON.stringify(schema);
    used++;
  });
  const messages: LlmMessage[] = request.instructions === undefined ? [] : [{ role: "system", parts: [{ type: "text", text: request.instructions }] }];
  messages.push(...request.messages);
  // The most recent messages are the ones that explain the reply: drop from the front.
  let first = messages.length;
  for (let cost = used; first > 0; first--) {
    cost += messageCost(messages[first - 1]!, rules);
    if (cost > budget) break;
  }
  writeMessages(INPUT_KEYS, messages.slice(first), rules, into);
  return first;
}

export function openInferenceResponse(response: LlmResponse, rules: LlmContentRules, into: Attributes): void {
  if (response.model !== undefined) {
    into[SC.LLM_MODEL_NAME] = response.model;
    into[SC.LLM_RESPONSE_MODEL_NAME] = response.model;
  }
  const reason = response.finishReasons?.[0];
  if (reason !== undefined) into[SC.LLM_FINISH_REASON] = reason;
  writeMessages(OUTPUT_KEYS, response.messages, rules, into);
}

export function openInferenceUsage(usage: LlmUsage, into: Attributes): void {
  if (usage.input !== undefined) into[SC.LLM_TOKEN_COUNT_PROMPT] = usage.input;
  if (usage.output !== undefined) into[SC.LLM_TOKEN_COUNT_COMPLETION] = usage.output;
  const total = usage.total ?? (usage.input !== undefined && usage.output !== undefined ? usage.input + usage.output : undefined);
  if (total !== undefined) into[SC.LLM_TOKEN_COUNT_TOTAL] = total;
  if (usage.cacheRead !== undefined) into[SC.LLM_TOKEN_COUNT_PROMPT_DETAILS_CACHE_READ] = usage.cacheRead;
  if (usage.cacheWrite !== undefined) into[SC.LLM_TOKEN_COUNT_PROMPT_DETAILS_CACHE_WRITE] = usage.cacheWrite;
  if (usage.reasoning !== undefined) into[SC.LLM_TOKEN_COUNT_COMPLETION_DETAILS_REASONING] = usage.reasoning;
}

/** How many attributes writeMessages() spends on one message. */
function messageCost(message: LlmMessage, rules: LlmContentRules): number {
  let cost = 1 + (message.toolCallId !== undefined ? 1 : 0) + (message.name !== undefined ? 1 : 0);
  if (rules.content) cost += singleText(message) !== undefined ? 1 : message.parts.reduce((n, p) => n + partCost(p), 0);
  for (const call of message.toolCalls ?? []) cost += 1 + (call.id !== undefined ? 1 : 0) + (rules.content && call.arguments !== undefined ? 1 : 0);
  return cost;
}

function partCost(part: LlmPart): number {
  return part.type === "text" || (part.type === "image" && part.url !== undefined) ? 2 : part.type === "reasoning" ? 0 : 1;
}

function singleText(message: LlmMessage): string | undefined {
  const [part] = message.parts;
  return message.parts.length === 1 && part!.type === "text" ? part!.text : undefined;
}

function writeMessages(keys: MessageKeys, messages: readonly LlmMessage[], rules: LlmContentRules, into: Attributes): void {
  messages.forEach((message, i) => {
    into[keys.role.at(i)] = message.role;
    if (message.name !== undefined) into[keys.name.at(i)] = message.name;
    if (message.toolCallId !== undefined) into[keys.toolCallId.at(i)] = message.toolCallId;
    if (rules.content) writeParts(keys, i, message, rules, into);
    message.toolCalls?.forEach((call, k) => {
      const c = `${keys.prefix.at(i)}${TOOL_CALL_PREFIX}${k}.`;
      if (call.id !== undefined) into[c + SC.TOOL_CALL_ID] = call.id;
      into[c + SC.TOOL_CALL_FUNCTION_NAME] = call.name;
      if (rules.content && call.arguments !== undefined) into[c + SC.TOOL_CALL_FUNCTION_ARGUMENTS_JSON] = rules.jsonText(call.arguments);
    });
  });
}

/** A lone text part is `message.content`; anything else is `message.contents.N.*` (reasoning is left to gen_ai). */
function writeParts(keys: MessageKeys, i: number, message: LlmMessage, rules: LlmContentRules, into: Attributes): void {
  const text = singleText(message);
  if (text !== undefined) {
    into[keys.content.at(i)] = rules.text(text);
    return;
  }
  let n = 0;
  for (const part of message.parts) {
    const c = `${keys.prefix.at(i)}${CONTENT_PREFIX}${n}.`;
    if (part.type === "text") {
      into[c + SC.MESSAGE_CONTENT_TYPE] = "text";
      into[c + SC.MESSAGE_CONTENT_TEXT] = rules.text(part.text);
    } else if (part.type === "image") {
      into[c + SC.MESSAGE_CONTENT_TYPE] = "image";
      if (part.url !== undefined) into[`${c}${SC.MESSAGE_CONTENT_IMAGE}.${SC.IMAGE_URL}`] = rules.text(part.url);
    } else if (part.type === "other") {
      into[c + SC.MESSAGE_CONTENT_TYPE] = part.kind;
    } else continue;
    n++;
  }
}
