import type { Context } from "@opentelemetry/api";
import { context } from "@opentelemetry/api";
import { BaseCallbackHandler } from "@langchain/core/callbacks/base";
import type { CoatCall } from "../../wrap/call.js";
import { LLM_SHAPE } from "../../wrap/coating.js";
import type { AdapterOptions } from "../../wrap/coating.js";
import { OpenCalls } from "../open-calls.js";
import { parsedJsonText } from "../json-text.js";
import { gateStartedCall } from "../../govern/gate.js";
import { checkPolicies, governance } from "../../govern/governance.js";
import type { Policy } from "../../govern/policy.js";
import { Op } from "../../dialects/ops.js";
import type { CoatOptions } from "../../wrap/options.js";
import { langchainChatShape } from "../../llm/shapes/langchain-chat.js";
import { field, list, str } from "../../llm/read.js";
import { reportOnce } from "../../runtime/report.js";

/** The serialized runnable's class name, LangChain's `["langchain", …, "ChatOpenAI"]`. */
function className(serialized: unknown): string | undefined {
  const id = list(serialized, "id");
  const last = id?.[id.length - 1];
  return typeof last === "string" ? last : undefined;
}

/** A LangChain message as plain data: what the record shows, without the class's serialization fields. */
function plainMessage(message: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = { type: str(message, "type") ?? "user", content: field(message, "content") };
  const toolCalls = list(message, "tool_calls");
  if (toolCalls !== undefined && toolCalls.length > 0) out.tool_calls = toolCalls;
  for (const key of ["tool_call_id", "name", "id"]) if (str(message, key) !== undefined) out[key] = str(message, key);
  return out;
}

/** An LLMResult as plain data: each generation's text and message (with usage and finish reason), and llmOutput. */
function plainResult(output: unknown): unknown {
  const generations = list(output, "generations");
  if (generations === undefined) return output;
  const plain = generations.map((batch) =>
    (Array.isArray(batch) ? batch : []).map((generation: unknown) => {
      const message = field(generation, "message");
      const out: Record<string, unknown> = { text: field(generation, "text") };
      if (message !== undefined && message !== null) {
        const metadata = field(message, "response_metadata") as Record<string, unknown> | undefined;
        out.message = {
          ...plainMessage(message),
          ...(field(message, "usage_metadata") !== undefined && { usage_metadata: field(message, "usage_metadata") }),
          ...(metadata !== undefined && { response_metadata: { finish_reason: metadata.finish_reason, model_name: metadata.model_name } }),
        };
      }
      if (field(generation, "generationInfo") !== undefined) out.generationInfo = field(generation, "generationInfo");
      return out;
    }),
  );
  const llmOutput = field(output, "llmOutput");
  return { generations: plain, ...(llmOutput !== undefined && { llmOutput }) };
}

/** The set parameters only (LangChain lists every one it knows, most undefined). */
function setOnly(params: unknown): Record<string, unknown> | undefined {
  if (params === null || typeof params !== "object") return undefined;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(params)) if (value !== undefined) out[key] = value;
  return out;
}

/** The model's provider and name as LangChain's metadata gives them. */
function modelMetadata(metadata: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (metadata === undefined) return undefined;
  return { ls_provider: metadata.ls_provider, ls_model_name: metadata.ls_model_name };
}

/** A ToolMessage (what a tool called with a tool call returns): its content; anything else as is. */
function toolOutput(output: unknown): unknown {
  return str(output, "type") === "tool" || str(output, "tool_call_id") !== undefined ? field(output, "content") : output;
}

/**
 * A LangChain callback handler that records runs as agent-coat calls: chains as CHAIN, chat models
 * and LLMs as LLM (messages, tools, tokens and cost through shape `langchain.chat`), tools as TOOL,
 * retrievers as RETRIEVER; errors fail the call with LangChain's error; the first streamed token is
 * the first-chunk event; agent actions and finishes are events of their run. The tree follows
 * LangChain's run ids; a root run nests under the coat call active when it starts. Pass it per
 * call (`{ callbacks: [handler] }`) or set it for every run with `coatLangChain()`. It never
 * throws into LangChain, with one deliberate exception: when policies are configured (register()'s,
 * or the handler's own `policies` option), a tool run they stop fails with PolicyViolationError
 * before the tool's function runs (`raiseError` is then true, and every other method stays guarded).
 */
function guarded(fn: () => void): void {
  try {
    fn();
  } catch (error) {
    reportOnce("recording a LangChain run", error);
  }
}

export class CoatCallbackHandler extends BaseCallbackHandler {
  name = "agent-coat";
  override awaitHandlers = true;
  private readonly runs: OpenCalls;

  private readonly policies: readonly Policy[];

  constructor(private readonly coatOptions: CoatOptions = {}) {
    super();
    this.runs = new OpenCalls(coatOptions, "recording a LangChain run");
    this.policies = checkPolicies(coatOptions.policies, "CoatCallbackHandler option policies");
    // LangChain rethrows a handler's error only when raiseError is true: only policies throw here.
    Object.defineProperty(this, "raiseError", { get: () => this.policies.length > 0 || governance.policies.length > 0, configurable: true });
  }

  private open(op: string, name: string, args: unknown[], runId: string, parentRunId: string | undefined, extra?: AdapterOptions): CoatCall | undefined {
    const parent: Context = (parentRunId === undefined ? undefined : this.runs.get(parentRunId)?.ctx) ?? context.active();
    return this.runs.open(runId, op, name, args, parent, extra);
  }

  private close(runId: string, settle: (call: CoatCall) => void): void {
    this.runs.close(runId, settle);
  }

  override handleChainStart(chain: unknown, inputs: unknown, runId: string, parentRunId?: string, _tags?: string[], _metadata?: unknown, _runType?: string, runName?: string): void {
    this.open(Op.CHAIN, runName ?? className(chain) ?? "chain", [inputs], runId, parentRunId);
  }

  override handleChainEnd(outputs: unknown, runId: string): void {
    this.close(runId, (call) => call.end(outputs));
  }

  override handleChainError(error: unknown, runId: string): void {
    this.close(runId, (call) => call.fail(error));
  }

  override handleChatModelStart(llm: unknown, messages: unknown[][], runId: string, parentRunId?: string, extraParams?: Record<string, unknown>, _tags?: string[], metadata?: Record<string, unknown>, runName?: string): void {
    guarded(() => this.chatModelStart(llm, messages, runId, parentRunId, extraParams, metadata, runName));
  }

  private chatModelStart(llm: unknown, messages: unknown[][], runId: string, parentRunId?: string, extraParams?: Record<string, unknown>, metadata?: Record<string, unknown>, runName?: string): void {
    const params = setOnly(extraParams?.invocation_params) ?? {};
    if (params.tools === undefined && list(extraParams?.options, "tools") !== undefined) params.tools = list(extraParams?.options, "tools");
    const start = { messages: (messages[0] ?? []).map(plainMessage), invocationParams: params, metadata: modelMetadata(metadata) };
    this.open(Op.LLM, runName ?? className(llm) ?? "chat_model", [start], runId, parentRunId, { [LLM_SHAPE]: langchainChatShape });
  }

  override handleLLMStart(llm: unknown, prompts: string[], runId: string, parentRunId?: string, extraParams?: Record<string, unknown>, _tags?: string[], metadata?: Record<string, unknown>, runName?: string): void {
    guarded(() => {
      const start = { prompts, invocationParams: setOnly(extraParams?.invocation_params), metadata: modelMetadata(metadata) };
      this.open(Op.LLM, runName ?? className(llm) ?? "llm", [start], runId, parentRunId, { [LLM_SHAPE]: langchainChatShape });
    });
  }

  override handleLLMNewToken(_token: string, _idx: unknown, runId: string): void {
    this.runs.get(runId)?.firstChunk();
  }

  override handleLLMEnd(output: unknown, runId: string): void {
    this.close(runId, (call) => call.end(plainResult(output)));
  }

  override handleLLMError(error: unknown, runId: string): void {
    this.close(runId, (call) => call.fail(error));
  }

  override async handleToolStart(tool: unknown, input: string, runId: string, parentRunId?: string, _tags?: string[], _metadata?: unknown, runName?: string, toolCallId?: string): Promise<void> {
    // LangChain passes a tool's input as a string, often JSON.
    const args = [parsedJsonText(input)];
    const call = this.open(Op.TOOL, runName ?? className(tool) ?? "tool", args, runId, parentRunId);
    if (call !== undefined && typeof toolCallId === "string") call.setAttribute("tool_call.id", toolCallId);
    if (call === undefined || (this.policies.length === 0 && governance.policies.length === 0)) return;
    const stopped = await gateStartedCall(call, this.policies, args, this.coatOptions.approver);
    if (stopped === undefined) return;
    this.runs.forget(runId);
    throw stopped;
  }

  override handleToolEnd(output: unknown, runId: string): void {
    this.close(runId, (call) => call.end(toolOutput(output)));
  }

  override handleToolError(error: unknown, runId: string): void {
    this.close(runId, (call) => call.fail(error));
  }

  override handleRetrieverStart(retriever: unknown, query: string, runId: string, parentRunId?: string, _tags?: string[], _metadata?: unknown, name?: string): void {
    this.open(Op.RETRIEVER, name ?? className(retriever) ?? "retriever", [query], runId, parentRunId);
  }

  override handleRetrieverEnd(documents: unknown, runId: string): void {
    this.close(runId, (call) => call.end(documents));
  }

  override handleRetrieverError(error: unknown, runId: string): void {
    this.close(runId, (call) => call.fail(error));
  }

  override handleAgentAction(action: unknown, runId: string): void {
    this.event(runId, "agent.action", { tool: field(action, "tool"), toolInput: field(action, "toolInput") });
  }

  override handleAgentEnd(action: unknown, runId: string): void {
    this.event(runId, "agent.finish", { returnValues: field(action, "returnValues") });
  }

  private event(runId: string, name: string, data: unknown): void {
    try {
      this.runs.get(runId)?.event(name, data);
    } catch (error) {
      reportOnce("recording a LangChain agent event", error);
    }
  }
}
