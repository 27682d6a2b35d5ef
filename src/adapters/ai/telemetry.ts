/**
 * `coatAiTelemetry()`: an integration for the Vercel AI SDK 7's `registerTelemetry()` that records
 * each generation (`generateText`, `streamText`, …) as an AGENT call, each model call in it as an
 * LLM call (messages, tools, tokens, cost, from the SDK's own events) and each tool execution as a
 * TOOL call — agent-coat records, no `@ai-sdk/otel` needed. The SDK's `executeLanguageModelCall`
 * and `executeTool` hooks run the work inside those calls, so a provider's own spans and a
 * `generateText` inside a tool nest where they belong. Telemetry never throws into the SDK.
 */
import type { Context } from "@opentelemetry/api";
import { context } from "@opentelemetry/api";
import type { CoatCall } from "../../wrap/call.js";
import type { AdapterOptions } from "../../wrap/coating.js";
import { Coating, LLM_SHAPE } from "../../wrap/coating.js";
import { startCall } from "../../wrap/start-call.js";
import { Op } from "../../dialects/ops.js";
import type { CoatOptions } from "../../wrap/options.js";
import { aiModelCallShape } from "../../llm/shapes/ai-model-call.js";
import { field, record, str } from "../../llm/read.js";
import { reportOnce } from "../../runtime/report.js";

type Event = Record<string, unknown>;
type Run = <T>(options: { callId?: string; toolCall?: unknown; execute: () => PromiseLike<T> }) => PromiseLike<T>;

/** The callbacks `registerTelemetry()` takes (a structural subset of `ai`'s `Telemetry`). */
export interface CoatAiTelemetry {
  onStart(event: unknown): void;
  onLanguageModelCallStart(event: unknown): void;
  onLanguageModelCallEnd(event: unknown): void;
  onToolExecutionStart(event: unknown): void;
  onToolExecutionEnd(event: unknown): void;
  onEnd(event: unknown): void;
  onAbort(event: unknown): void;
  onError(event: unknown): void;
  executeLanguageModelCall: Run;
  executeTool: Run;
}

/** What a generation's record shows as its input: the prompt, never the tools' code, headers or context. */
const PROMPT_KEYS = ["instructions", "system", "prompt", "messages"];

export function coatAiTelemetry(options: CoatOptions = {}): CoatAiTelemetry {
  const generations = new Map<string, CoatCall>();
  const models = new Map<string, CoatCall>();
  const tools = new Map<string, CoatCall>();
  const coatings = new Map<string, Coating>();
  const coating = (op: string, name: string, extra: AdapterOptions = {}) => {
    const key = `${op}\u0000${name}`;
    let found = coatings.get(key);
    if (found === undefined) coatings.set(key, (found = new Coating(op, name, { ...options, ...extra, name })));
    return found;
  };
  const open = (c: Coating, args: unknown[], parent: Context | undefined) => context.with(parent ?? context.active(), () => startCall(c, args));
  const guarded = <A extends unknown[]>(what: string, fn: (...args: A) => void) => (...args: A): void => {
    try {
      fn(...args);
    } catch (error) {
      reportOnce(what, error);
    }
  };
  const id = (event: unknown) => str(event, "callId") ?? "";
  const toolCallId = (event: unknown) => str(record(event, "toolCall"), "toolCallId") ?? "";
  const parentOf = (event: unknown) => generations.get(id(event))?.ctx;
  const inside = (call: CoatCall | undefined, execute: () => PromiseLike<unknown>) => (call === undefined ? execute() : context.with(call.ctx, execute));

  return {
    onStart: guarded("recording an AI SDK generation", (event) => {
      const name = str(event, "operationId") ?? "ai.generate";
      const input: Event = {};
      for (const key of PROMPT_KEYS) if (field(event, key) !== undefined) input[key] = field(event, key);
      const call = open(coating(Op.AGENT, name), [input], undefined);
      if (call !== undefined) generations.set(id(event), call);
    }),
    onLanguageModelCallStart: guarded("recording an AI SDK model call", (event) => {
      const call = open(coating(Op.LLM, `${str(event, "provider") ?? "ai"}.${str(event, "modelId") ?? "model"}`, { [LLM_SHAPE]: aiModelCallShape }), [event], parentOf(event));
      if (call !== undefined) models.set(id(event), call);
    }),
    onLanguageModelCallEnd: guarded("recording an AI SDK model call", (event) => {
      const call = models.get(id(event));
      models.delete(id(event));
      call?.end(event);
    }),
    onToolExecutionStart: guarded("recording an AI SDK tool", (event) => {
      const toolCall = record(event, "toolCall");
      const call = open(coating(Op.TOOL, str(toolCall, "toolName") ?? "tool"), [field(toolCall, "input")], parentOf(event));
      if (call === undefined) return;
      const callId = toolCallId(event);
      if (callId !== "") call.setAttribute("tool_call.id", callId);
      tools.set(callId, call);
    }),
    onToolExecutionEnd: guarded("recording an AI SDK tool", (event) => {
      const call = tools.get(toolCallId(event));
      tools.delete(toolCallId(event));
      if (field(event, "success") === false) call?.fail(field(event, "error"));
      else call?.end(field(event, "output"));
    }),
    onEnd: guarded("recording an AI SDK generation", (event) => {
      const call = generations.get(id(event));
      generations.delete(id(event));
      const text = field(event, "text");
      call?.end(typeof text === "string" ? text : field(event, "object"));
    }),
    onAbort: guarded("recording an AI SDK generation", (event) => {
      const call = generations.get(id(event));
      generations.delete(id(event));
      call?.abandon();
    }),
    onError: guarded("recording an AI SDK error", (event) => {
      // The error event names its generation when the SDK knows it; otherwise every open one failed.
      const error = field(event, "error") ?? event;
      const which = str(event, "callId");
      for (const [key, call] of which === undefined ? [...generations] : [[which, generations.get(which)] as const]) {
        models.get(key)?.fail(error);
        models.delete(key);
        call?.fail(error);
        generations.delete(key);
      }
    }),
    executeLanguageModelCall: (run) => inside(models.get(run.callId ?? "") ?? generations.get(run.callId ?? ""), run.execute) as never,
    executeTool: (run) => inside(tools.get(toolCallId(run)) ?? generations.get(run.callId ?? ""), run.execute) as never,
  };
}
