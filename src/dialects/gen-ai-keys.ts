/**
 * The OpenTelemetry GenAI conventions' attribute keys agent-coat writes and reads. They exist only
 * in `@opentelemetry/semantic-conventions/incubating`, which that package asks libraries not to
 * import at runtime, so they are copied here from the version below; test/llm/gen-ai-keys.test.ts
 * checks every one against the installed incubating entry point.
 */
export const GEN_AI_SEMCONV_PACKAGE_VERSION = "1.45.0";

export const GenAiKey = {
  OPERATION_NAME: "gen_ai.operation.name",
  PROVIDER_NAME: "gen_ai.provider.name",
  REQUEST_MODEL: "gen_ai.request.model",
  REQUEST_MAX_TOKENS: "gen_ai.request.max_tokens",
  REQUEST_TEMPERATURE: "gen_ai.request.temperature",
  REQUEST_TOP_P: "gen_ai.request.top_p",
  REQUEST_TOP_K: "gen_ai.request.top_k",
  REQUEST_STOP_SEQUENCES: "gen_ai.request.stop_sequences",
  REQUEST_FREQUENCY_PENALTY: "gen_ai.request.frequency_penalty",
  REQUEST_PRESENCE_PENALTY: "gen_ai.request.presence_penalty",
  REQUEST_SEED: "gen_ai.request.seed",
  REQUEST_CHOICE_COUNT: "gen_ai.request.choice.count",
  REQUEST_STREAM: "gen_ai.request.stream",
  RESPONSE_MODEL: "gen_ai.response.model",
  RESPONSE_ID: "gen_ai.response.id",
  RESPONSE_FINISH_REASONS: "gen_ai.response.finish_reasons",
  USAGE_INPUT_TOKENS: "gen_ai.usage.input_tokens",
  USAGE_OUTPUT_TOKENS: "gen_ai.usage.output_tokens",
  USAGE_CACHE_READ_INPUT_TOKENS: "gen_ai.usage.cache_read.input_tokens",
  USAGE_CACHE_CREATION_INPUT_TOKENS: "gen_ai.usage.cache_creation.input_tokens",
  USAGE_REASONING_OUTPUT_TOKENS: "gen_ai.usage.reasoning.output_tokens",
  INPUT_MESSAGES: "gen_ai.input.messages",
  OUTPUT_MESSAGES: "gen_ai.output.messages",
  SYSTEM_INSTRUCTIONS: "gen_ai.system_instructions",
  TOOL_DEFINITIONS: "gen_ai.tool.definitions",
  TOOL_NAME: "gen_ai.tool.name",
  TOOL_CALL_ID: "gen_ai.tool.call.id",
  TOOL_DESCRIPTION: "gen_ai.tool.description",
  TOOL_TYPE: "gen_ai.tool.type",
  TOOL_CALL_ARGUMENTS: "gen_ai.tool.call.arguments",
  TOOL_CALL_RESULT: "gen_ai.tool.call.result",
  CONVERSATION_ID: "gen_ai.conversation.id",
  /** Deprecated content keys older instrumentations still write (flattened: `gen_ai.prompt.0.content`). */
  PROMPT: "gen_ai.prompt",
  COMPLETION: "gen_ai.completion",
  AGENT_NAME: "gen_ai.agent.name",
} as const;

/** `gen_ai.operation.name` values. */
export const GenAiOperation = {
  CHAT: "chat",
  TEXT_COMPLETION: "text_completion",
  GENERATE_CONTENT: "generate_content",
  EMBEDDINGS: "embeddings",
  EXECUTE_TOOL: "execute_tool",
  INVOKE_AGENT: "invoke_agent",
  CREATE_AGENT: "create_agent",
  RETRIEVAL: "retrieval",
} as const;
