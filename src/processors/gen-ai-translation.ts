import type { Attributes } from "@opentelemetry/api";
import { SemanticConventions as SC } from "@arizeai/openinference-semantic-conventions";
import type { SpanStage } from "./span-pipeline.js";
import type { WritableSpan } from "./writable-span.js";
import { GenAiKey } from "../dialects/gen-ai-keys.js";
import { AOTP_SPEC, AotpKey, EnvpodKey } from "../dialects/keys.js";
import { AOT_TABLE, Op } from "../dialects/ops.js";
import type { KnownOp } from "../dialects/ops.js";
import { openInferenceRequest, openInferenceResponse, openInferenceUsage } from "../dialects/openinference-llm.js";
import { LlmContentRules } from "../llm/content-rules.js";
import { genAiRequestOf, genAiResponseOf } from "../llm/gen-ai-read.js";
import type { Runtime } from "../runtime/state.js";
import { state } from "../runtime/state.js";
import { reportOnce } from "../runtime/report.js";

/** `gen_ai.operation.name` → the op it is, as the AOT table and OpenInference know it. */
const OPS: Readonly<Record<string, KnownOp>> = {
  chat: Op.LLM,
  text_completion: Op.LLM,
  generate_content: Op.LLM,
  execute_tool: Op.TOOL,
  invoke_agent: Op.AGENT,
  create_agent: Op.AGENT,
  embeddings: Op.EMBEDDING,
};

// Room left on the span for what the seal and other processors add.
const RESERVED_ATTRIBUTES = 48;

/**
 * Any span written in the OpenTelemetry GenAI conventions and no OpenInference kind (the
 * `@ai-sdk/otel` spans, an SDK's own span outside a coat call) gets its OpenInference and AOT
 * reading: kind from `gen_ai.operation.name`, messages, tools, models, provider and (LLM spans
 * only) token counts. Content is written whole here; the capture stage after this one applies the
 * mode and redaction to it as to every other library's content. The GenAI keys stay.
 */
export class GenAiTranslationStage implements SpanStage {
  private rules: { generation: number; value: LlmContentRules } | undefined;

  constructor(private readonly runtime: Runtime = state) {}

  /** Content is written whole here (the capture stage applies the mode after): rules rebuilt only when settings change. */
  private contentRules(): LlmContentRules {
    const runtime = this.runtime;
    if (this.rules?.generation !== runtime.generation) this.rules = { generation: runtime.generation, value: new LlmContentRules("raw", runtime.settings.llmStringLength, undefined, false) };
    return this.rules.value;
  }

  prepare(span: WritableSpan): void {
    try {
      const attributes = span.attributes;
      const operation = attributes[GenAiKey.OPERATION_NAME];
      if (typeof operation !== "string" || attributes[SC.OPENINFERENCE_SPAN_KIND] !== undefined) return;
      const op = OPS[operation] ?? Op.CHAIN;
      const into: Attributes = {
        [SC.OPENINFERENCE_SPAN_KIND]: AOT_TABLE[op].spanKind,
        [AotpKey.SPEC]: AOTP_SPEC,
        [AotpKey.OP]: AOT_TABLE[op].aotpOp,
        [EnvpodKey.OP]: op,
        [EnvpodKey.TRANSLATED_FROM]: "gen_ai",
      };
      if (op === Op.LLM) llm(attributes, operation, into, this.contentRules(), this.runtime.settings.attributeCountLimit);
      else if (op === Op.TOOL) tool(attributes, into);
      else if (op === Op.AGENT || op === Op.EMBEDDING) described(attributes, op, into);
      (span as { attributes: Attributes }).attributes = { ...attributes, ...into };
    } catch (error) {
      reportOnce("translating a GenAI span", error);
    }
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

function llm(attributes: Attributes, operation: string, into: Attributes, rules: LlmContentRules, attributeCountLimit: number): void {
  const request = genAiRequestOf(attributes, operation === "text_completion" ? "text_completion" : operation === "generate_content" ? "generate_content" : "chat");
  const budget = attributeCountLimit - Object.keys(attributes).length - Object.keys(into).length - RESERVED_ATTRIBUTES;
  const omitted = openInferenceRequest(request, rules, Math.max(0, budget), into);
  if (omitted > 0) into[EnvpodKey.LLM_INPUT_MESSAGES_OMITTED] = omitted;
  const response = genAiResponseOf(attributes);
  openInferenceResponse(response, rules, into);
  if (response.usage !== undefined) openInferenceUsage(response.usage, into);
}

function tool(attributes: Attributes, into: Attributes): void {
  const name = attributes[GenAiKey.TOOL_NAME];
  if (typeof name === "string") into[SC.TOOL_NAME] = name;
  const description = attributes[GenAiKey.TOOL_DESCRIPTION];
  if (typeof description === "string") into[SC.TOOL_DESCRIPTION] = description;
  const id = attributes[GenAiKey.TOOL_CALL_ID];
  if (typeof id === "string") into[SC.TOOL_CALL_ID] = id;
  io(attributes[GenAiKey.TOOL_CALL_ARGUMENTS], attributes[GenAiKey.TOOL_CALL_RESULT], into);
}

/** An agent's or an embedding's span: its messages as input and output, the model and provider. */
function described(attributes: Attributes, op: KnownOp, into: Attributes): void {
  const model = attributes[GenAiKey.REQUEST_MODEL];
  if (typeof model === "string") into[op === Op.EMBEDDING ? SC.EMBEDDING_MODEL_NAME : SC.LLM_MODEL_NAME] = model;
  const provider = attributes[GenAiKey.PROVIDER_NAME];
  if (typeof provider === "string" && op === Op.AGENT) into[SC.LLM_PROVIDER] = provider;
  const name = attributes[GenAiKey.AGENT_NAME];
  if (typeof name === "string") into[SC.AGENT_NAME] = name;
  io(attributes[GenAiKey.INPUT_MESSAGES], attributes[GenAiKey.OUTPUT_MESSAGES], into);
}

function io(input: unknown, output: unknown, into: Attributes): void {
  for (const [value, key, mime] of [[input, SC.INPUT_VALUE, SC.INPUT_MIME_TYPE], [output, SC.OUTPUT_VALUE, SC.OUTPUT_MIME_TYPE]] as const) {
    if (typeof value !== "string") continue;
    into[key] = value;
    into[mime] = looksJson(value) ? "application/json" : "text/plain";
  }
}

function looksJson(text: string): boolean {
  const c = text.trimStart()[0];
  return c === "{" || c === "[";
}
