import { context } from "@opentelemetry/api";
import { Op } from "../../dialects/ops.js";
import type { CoatOptions } from "../../wrap/options.js";
import type { CoatCall } from "../../wrap/call.js";
import { LLM_SHAPE } from "../../wrap/coating.js";
import { isRecord } from "../../llm/read.js";
import { shapeNamed } from "../shape-named.js";
import { OpenCalls } from "../open-calls.js";
import { parsedJsonText } from "../json-text.js";
import { isFunctionTool, toolGuardrail } from "./tool-guardrail.js";
import type { ToolInputGuardrail } from "./tool-guardrail.js";
import { FunctionSpans } from "./function-spans.js";

/** The parts of the Agents SDK's traces and spans this processor reads (`@openai/agents-core`'s Trace and Span). */
interface AgentsTrace {
  readonly traceId: string;
  readonly name: string;
}
interface AgentsSpan {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentId: string | null;
  readonly spanData: { type: string; [key: string]: unknown };
  readonly error: { message: string; data?: Record<string, unknown> } | null;
}

/**
 * A tracing processor for the OpenAI Agents SDK (`@openai/agents`): give it to
 * `addTraceProcessor()` (beside the SDK's own exporter) or `setTraceProcessors([...])` (instead of
 * it). Each trace becomes a RUN call, and its spans calls under it in the same tree:
 * agent → AGENT, generation / response → LLM (model and token counts; a Responses API span's
 * messages, tool calls and tools too, read from the request and response it holds), function → TOOL (input
 * and output; the SDK fills a span's input as it goes, so inputs are on the span, not the request
 * record), handoff, task, turn, guardrail, custom and MCP listings → STEP. A span's error fails
 * its call. The records follow the capture mode like `coat()` calls. The processor only observes;
 * its toolGuardrail() is what lets policies stop a function tool.
 */
export class CoatAgentsProcessor {
  private readonly calls: OpenCalls;
  /** Function spans open and not yet gated: a tool guardrail runs inside its tool's span. */
  private readonly functions = new FunctionSpans();
  /** Traces open now: while one is, a guardrail's function span is coming (if this processor is registered). */
  private openTraces = 0;

  constructor(private readonly options: CoatOptions = {}) {
    this.calls = new OpenCalls(options, "recording an OpenAI Agents span");
  }

  /**
   * A tool input guardrail that puts the governance policies (register()'s and this processor's
   * `policies`) on function tools: add it to a tool's `inputGuardrails`, or give the tools to
   * guardTools(). A tool the policies stop does not run; the model gets the reason
   * (`rejectContent`), and the decision is recorded on the tool's call.
   */
  toolGuardrail(): ToolInputGuardrail {
    return toolGuardrail(this.options, (name, args) => this.functionCall(name, args), this.calls);
  }

  /** Adds toolGuardrail() to every function tool given (the same objects, returned). */
  guardTools<T extends readonly unknown[]>(tools: T): T {
    const guardrail = this.toolGuardrail();
    for (const t of tools) if (isFunctionTool(t)) t.inputGuardrails = [...(t.inputGuardrails ?? []), guardrail];
    return tools;
  }

  private async functionCall(name: string, args: string): Promise<{ key: string; call: CoatCall } | undefined> {
    const key = await this.functions.take(name, args, this.openTraces > 0);
    const call = key === undefined ? undefined : this.calls.get(key);
    return call === undefined ? undefined : { key: key!, call };
  }

  async onTraceStart(trace: AgentsTrace): Promise<void> {
    this.openTraces++;
    this.calls.open(`trace:${trace.traceId}`, Op.RUN, trace.name || "agent workflow", [], context.active());
  }

  async onTraceEnd(trace: AgentsTrace): Promise<void> {
    this.openTraces = Math.max(0, this.openTraces - 1);
    this.calls.close(`trace:${trace.traceId}`, (call) => call.end(undefined));
  }

  async onSpanStart(span: AgentsSpan): Promise<void> {
    const parent = this.calls.get(span.parentId ?? "") ?? this.calls.get(`trace:${span.traceId}`);
    const { op, name } = describeSpan(span.spanData);
    this.calls.open(span.spanId, op, name, [], parent?.ctx ?? context.active(), span.spanData.type === "response" ? { [LLM_SHAPE]: shapeNamed("openai.responses") } : undefined);
    if (span.spanData.type === "function") this.functions.started(name, span.spanId, span);
  }

  async onSpanEnd(span: AgentsSpan): Promise<void> {
    if (span.spanData.type === "function") this.functions.ended(describeSpan(span.spanData).name, span.spanId);
    this.calls.close(span.spanId, (call) => {
      const data = span.spanData;
      // The SDK fills a span's input as it goes: it is known here.
      if ((data.type === "function" || data.type === "generation") && data.input !== undefined && data.input !== "") call.lateInput([parsedJsonText(data.input)]);
      if (data.type === "response" && isRecord(data._response)) {
        // The Responses model's span holds the request's input and the API's own response object.
        const response = data._response as { model?: unknown; instructions?: unknown; tools?: unknown };
        call.lateLlmRequest([{ model: response.model, input: data._input ?? [], ...(typeof response.instructions === "string" && { instructions: response.instructions }), ...(Array.isArray(response.tools) && { tools: response.tools }) }]);
        if (span.error === null) return call.end(response);
      }
      if (data.type === "generation") {
        const usage = generationUsage(data);
        call.llm({ ...(typeof data.model === "string" && { model: data.model }), provider: "openai", ...(usage !== undefined && { usage }) });
      }
      if (span.error !== null) {
        const error = new Error(span.error.message);
        error.name = "AgentsSpanError";
        call.fail(error);
      } else call.end(outputOf(data));
    });
  }

  async shutdown(): Promise<void> {
    this.functions.clear();
    this.openTraces = 0;
    for (const key of this.calls.keys()) this.calls.close(key, (call) => call.end(undefined));
  }

  async forceFlush(): Promise<void> {}
}

function describeSpan(data: AgentsSpan["spanData"]): { op: string; name: string } {
  const name = typeof data.name === "string" && data.name !== "" ? data.name : undefined;
  switch (data.type) {
    case "agent":
      return { op: Op.AGENT, name: name ?? "agent" };
    case "function":
      return { op: Op.TOOL, name: name ?? "function" };
    case "generation":
      return { op: Op.LLM, name: typeof data.model === "string" ? data.model : "generation" };
    case "response":
      return { op: Op.LLM, name: "response" };
    case "handoff":
      return { op: Op.STEP, name: `handoff ${String(data.from_agent ?? "?")} → ${String(data.to_agent ?? "?")}` };
    case "turn":
      return { op: Op.STEP, name: `turn ${String(data.turn ?? "")}`.trim() };
    default:
      return { op: Op.STEP, name: name ?? data.type };
  }
}

/** The span's usage (set when a call failed), else the raw response's (`output[0].usage`, Chat Completions' names). */
function generationUsage(data: AgentsSpan["spanData"]): { input?: number; output?: number } | undefined {
  const own = data.usage as { input_tokens?: number; output_tokens?: number } | undefined;
  if (own !== undefined) return { input: own.input_tokens, output: own.output_tokens };
  const response = Array.isArray(data.output) ? (data.output[0] as { usage?: { prompt_tokens?: number; completion_tokens?: number; input_tokens?: number; output_tokens?: number } } | undefined) : undefined;
  const usage = response?.usage;
  if (usage === undefined) return undefined;
  return { input: usage.prompt_tokens ?? usage.input_tokens, output: usage.completion_tokens ?? usage.output_tokens };
}

function outputOf(data: AgentsSpan["spanData"]): unknown {
  if (data.type === "function") return parsedJsonText(data.output);
  if (data.type === "generation") return data.output;
  if (data.type === "guardrail") return { triggered: data.triggered };
  if (data.type === "custom") return data.data;
  return undefined;
}
