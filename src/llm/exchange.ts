/**
 * One LLM call as agent-coat understands it, whatever SDK made it: the request (model, messages,
 * tools, parameters) and the response (messages, finish reasons, usage). Shapes (./shapes/) build
 * it from an SDK's own objects; the dialects (OpenInference `llm.*`, GenAI `gen_ai.*`) and the
 * envelope are written from it. Content is kept as the SDK had it: capture modes apply when the
 * dialects write it, never here.
 */

/** One piece of a message. Text and tool traffic are content; their kinds and names are metadata. */
export type LlmPart =
  | { readonly type: "text"; readonly text: string }
  | { readonly type: "reasoning"; readonly text: string }
  /** An image, by URL; a `data:` URL is kept as its media type only (never its bytes). */
  | { readonly type: "image"; readonly url?: string; readonly mediaType?: string }
  /** Audio, a file or anything else the SDK sent that is not text: its kind only. */
  | { readonly type: "other"; readonly kind: string };

export interface LlmToolCall {
  readonly id?: string;
  readonly name: string;
  /** The arguments as the model sent them: JSON text. */
  readonly arguments?: string;
}

export interface LlmMessage {
  /** `system`, `user`, `assistant`, `tool` (OpenAI), or the SDK's own role name. */
  readonly role: string;
  /** The message's parts in order; a plain string message is one text part. */
  readonly parts: readonly LlmPart[];
  readonly toolCalls?: readonly LlmToolCall[];
  /** A tool result message: the call it answers. */
  readonly toolCallId?: string;
  /** A participant or tool name, where the SDK has one. */
  readonly name?: string;
  /** Output messages: why the model stopped (per choice). */
  readonly finishReason?: string;
}

export interface LlmTool {
  readonly name: string;
  readonly description?: string;
  /** The JSON schema of the parameters, as given. */
  readonly parameters?: unknown;
}

export interface LlmUsage {
  readonly input?: number;
  readonly output?: number;
  readonly total?: number;
  /** Prompt tokens read from the provider's cache (already counted in `input`, as OpenAI reports). */
  readonly cacheRead?: number;
  /** Prompt tokens written to the provider's cache. */
  readonly cacheWrite?: number;
  /** Completion tokens spent on reasoning (already counted in `output`). */
  readonly reasoning?: number;
}

/** The GenAI conventions' operation names that LLM calls use. */
export type LlmOperation = "chat" | "text_completion" | "generate_content" | "embeddings";

export interface LlmRequest {
  readonly operation: LlmOperation;
  /** The API family, OpenInference `llm.system`: `openai`, `anthropic`, `vercel`, … */
  readonly system?: string;
  /** Who serves the model, OpenInference `llm.provider` and `gen_ai.provider.name`: `openai`, `anthropic`, `azure`, … */
  readonly provider?: string;
  readonly model?: string;
  /** Instructions given apart from the messages (Anthropic `system`, Responses `instructions`). */
  readonly instructions?: string;
  readonly messages: readonly LlmMessage[];
  readonly tools?: readonly LlmTool[];
  /** Everything else the request set (temperature, max_tokens, …): `llm.invocation_parameters`. */
  readonly parameters?: Readonly<Record<string, unknown>>;
  readonly stream?: boolean;
}

export interface LlmResponse {
  readonly id?: string;
  readonly model?: string;
  /** Who served it, where the response says so (the AI SDK's steps name their model's provider). */
  readonly provider?: string;
  /** One message per choice (OpenAI `n`), or the one message of the reply. */
  readonly messages: readonly LlmMessage[];
  readonly finishReasons?: readonly string[];
  readonly usage?: LlmUsage;
}

/** Folds the chunks or events of a streamed response into one response. */
export interface LlmStreamAccumulator {
  /** One chunk as the SDK's stream yields it; anything unrecognised is ignored. */
  add(chunk: unknown): void;
  /** What the chunks so far make up; undefined if none was recognised. */
  response(): LlmResponse | undefined;
}

/**
 * An SDK's request and response shapes. Every method is a pure reading of the SDK's objects: it
 * never throws (undefined when the value is not of this shape), never runs a getter or a Proxy
 * trap (see ./read.ts), never changes what it reads.
 */
export interface LlmShape {
  /** e.g. `openai.chat`, `anthropic.messages`, `ai.generateText`. */
  readonly name: string;
  /** The call's arguments (as passed to the wrapped function) as a request, if they are one. */
  request(args: ArrayLike<unknown>): LlmRequest | undefined;
  /** The call's result (resolved) as a response, if it is one. */
  response(result: unknown): LlmResponse | undefined;
  /** A new accumulator for a streamed result of this shape. */
  stream(): LlmStreamAccumulator;
  /**
   * A result that completes later without being a promise or a stream itself (the AI SDK's
   * `streamText` result): a promise of its response, which the call waits for before it ends.
   * Undefined when `result` is not such a value. The promise must never reject.
   */
  settle?(result: unknown): Promise<LlmResponse | undefined> | undefined;
}
