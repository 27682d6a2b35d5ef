import type { Attributes } from "@opentelemetry/api";
import type { LlmRequest, LlmResponse, LlmShape, LlmStreamAccumulator, LlmUsage } from "./exchange.js";
import { LlmContentRules } from "./content-rules.js";
import { SHAPES, recognizeRequest, recognizeResponse } from "./shapes/registry.js";
import { openInferenceRequest, openInferenceResponse, openInferenceUsage } from "../dialects/openinference-llm.js";
import { genAiRequest, genAiResponse, genAiUsage } from "../dialects/gen-ai.js";
import type { DialectSet } from "./dialect-set.js";
import { EnvpodKey } from "../dialects/keys.js";
import { GenAiKey } from "../dialects/gen-ai-keys.js";
import { SemanticConventions as SC } from "@arizeai/openinference-semantic-conventions";

/** What a wrapper tells the recorder: its mode's rules, dialects, hooks and a known shape. */
export interface LlmWrapperFacts {
  readonly llmRules: LlmContentRules | undefined;
  readonly dialects: DialectSet;
  readonly attributeCountLimit: number;
  readonly shape: LlmShape | undefined;
  /** The user captures input / output through hooks: messages are then metadata only. */
  readonly inputHook: boolean;
  readonly outputHook: boolean;
}

/** What the end record and the cost estimate need from a settled LLM call. */
export interface LlmOutcome {
  readonly model: string | undefined;
  readonly provider: string | undefined;
  readonly usage: LlmUsage | undefined;
  readonly finishReasons: readonly string[] | undefined;
  readonly responseId: string | undefined;
}

const METADATA_ONLY = new LlmContentRules("none", 0, undefined, false);
// Room left on the span for the response, the seal and what other processors add.
const RESERVED_ATTRIBUTES = 48;

/**
 * The LLM semantics of one `Op.LLM` call: the request recognised from the arguments, the response
 * from the result (or the chunks of its stream), written in each dialect that is on.
 */
export class LlmRecorder {
  private accumulators: LlmStreamAccumulator[] | undefined;

  private constructor(
    private readonly facts: LlmWrapperFacts,
    private shape: LlmShape | undefined,
    private readonly request: LlmRequest | undefined,
  ) {}

  /** Whether a request was recognised from the arguments. */
  get hasRequest(): boolean {
    return this.request !== undefined;
  }

  /** Recognises the request and writes it into `into`, which already holds `used` attributes. */
  static start(facts: LlmWrapperFacts, args: ArrayLike<unknown>, used: number, into: Attributes): LlmRecorder {
    const known = facts.shape;
    const found = known === undefined ? recognizeRequest(args) : { shape: known, request: known.request(args) };
    const recorder = new LlmRecorder(facts, found?.shape, found?.request);
    const request = found?.request;
    if (request !== undefined) {
      const rules = facts.inputHook ? METADATA_ONLY : facts.llmRules ?? METADATA_ONLY;
      into[EnvpodKey.LLM_SHAPE] = found!.shape.name;
      if (facts.dialects.openinference) {
        const budget = facts.attributeCountLimit - used - RESERVED_ATTRIBUTES - (facts.dialects.genAi ? 16 : 0);
        const omitted = openInferenceRequest(request, rules, Math.max(0, budget), into);
        if (omitted > 0) into[EnvpodKey.LLM_INPUT_MESSAGES_OMITTED] = omitted;
      }
      if (facts.dialects.genAi) genAiRequest(request, rules, into);
    }
    return recorder;
  }

  /** One chunk of the call's stream. The shape's accumulator, or, with no known shape, every shape's until one recognises it. */
  chunk(value: unknown): void {
    if (this.accumulators === undefined) this.accumulators = (this.shape === undefined ? SHAPES : [this.shape]).map((s) => s.stream());
    for (const accumulator of this.accumulators) accumulator.add(value);
  }

  /** A result that completes later (the AI SDK's streamText): its response, when the shape knows how to wait for it. */
  settleLater(result: unknown): Promise<LlmResponse | undefined> | undefined {
    if (this.shape !== undefined) return this.shape.settle?.(result);
    for (const shape of SHAPES) {
      const later = shape.settle?.(result);
      if (later !== undefined) {
        this.shape = shape;
        return later;
      }
    }
    return undefined;
  }

  /** The call's response: `settled` (see settleLater), else what the stream's chunks made, else the result read as one. */
  responseFor(result: unknown, settled?: LlmResponse): LlmResponse | undefined {
    return settled ?? this.streamed() ?? this.responseOf(result);
  }

  /** Writes the response into `into` and returns the call's outcome. */
  finish(response: LlmResponse | undefined, into: Attributes): LlmOutcome {
    const request = this.request;
    if (response !== undefined) {
      const rules = this.facts.outputHook ? METADATA_ONLY : this.facts.llmRules ?? METADATA_ONLY;
      if (request === undefined) {
        // Arguments of the user's own: what the response says about the call stands in for the request's metadata.
        if (this.shape !== undefined) into[EnvpodKey.LLM_SHAPE] = this.shape.name;
        if (this.facts.dialects.openinference && response.provider !== undefined) into[SC.LLM_PROVIDER] = response.provider;
        if (this.facts.dialects.genAi) {
          into[GenAiKey.OPERATION_NAME] = "chat";
          if (response.provider !== undefined) into[GenAiKey.PROVIDER_NAME] = response.provider;
        }
      }
      if (this.facts.dialects.openinference) {
        openInferenceResponse(response, rules, into);
        if (response.usage !== undefined) openInferenceUsage(response.usage, into);
      }
      if (this.facts.dialects.genAi) {
        genAiResponse(response, rules, into);
        if (response.usage !== undefined) genAiUsage(response.usage, into);
      }
    }
    return {
      model: response?.model ?? request?.model,
      provider: request?.provider ?? request?.system ?? response?.provider,
      usage: response?.usage,
      finishReasons: response?.finishReasons,
      responseId: response?.id,
    };
  }

  private streamed(): LlmResponse | undefined {
    const accumulators = this.accumulators;
    if (accumulators === undefined) return undefined;
    for (let i = 0; i < accumulators.length; i++) {
      const response = accumulators[i]!.response();
      if (response !== undefined) {
        if (this.shape === undefined) this.shape = SHAPES[i];
        return response;
      }
    }
    return undefined;
  }

  private responseOf(result: unknown): LlmResponse | undefined {
    if (this.shape !== undefined) return this.shape.response(result);
    const found = recognizeResponse(result);
    if (found !== undefined) this.shape = found.shape;
    return found?.response;
  }
}

/** The text of a response's first message: what a streamed LLM call's `output.value` shows. */
export function responseText(response: LlmResponse): string {
  const first = response.messages[0];
  if (first === undefined) return "";
  let text = "";
  for (const part of first.parts) if (part.type === "text") text += part.text;
  return text;
}
