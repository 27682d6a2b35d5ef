/**
 * `agent-coat/ai`: the Vercel AI SDK's tools as agent-coat TOOL calls. `coatAiTools(tools)` returns
 * a copy of a tool set whose `execute` functions are wrapped with `coat(Op.TOOL)`, named by their
 * key, with the tool's description and (where it is plain data) its input schema; the input is
 * what the model passed (not the execution options, which hold the whole conversation), and the
 * call id the SDK gives becomes `tool_call.id`. Tools without `execute` are copied as they are.
 * `generateText` / `streamText` calls themselves are recorded by wrapping them with
 * `coat(Op.LLM, generateText)` (see docs/llm-records.md).
 */
import { SemanticConventions as SC } from "@arizeai/openinference-semantic-conventions";
import { coat } from "../../wrap/coat.js";
import { current } from "../../context/current.js";
import { Op } from "../../dialects/ops.js";
import type { CoatOptions } from "../../wrap/options.js";
import { field, record, str } from "../../llm/read.js";
import { isAsyncFunction } from "../../govern/policy.js";

type Execute = (this: unknown, input: unknown, options?: unknown) => unknown;

export function coatAiTools<Tools extends Record<string, unknown>>(tools: Tools, options: CoatOptions | ((name: string) => CoatOptions) = {}): Tools {
  if (tools === null || typeof tools !== "object") throw new TypeError("agent-coat: coatAiTools(tools) needs an AI SDK tool set (an object of tools)");
  const out: Record<string, unknown> = {};
  for (const [name, tool] of Object.entries(tools)) {
    const execute = field(tool, "execute");
    if (tool === null || typeof tool !== "object" || typeof execute !== "function") {
      out[name] = tool;
      continue;
    }
    const own = typeof options === "function" ? options(name) : options;
    const description = str(tool, "description");
    const schema = record(record(tool, "inputSchema"), "jsonSchema");
    const run = function (this: unknown, input: unknown, executionOptions?: unknown) {
      const id = str(executionOptions, "toolCallId");
      if (id !== undefined) current()?.setAttribute(SC.TOOL_CALL_ID, id);
      return Reflect.apply(execute as Execute, this, [input, executionOptions]);
    };
    Object.defineProperty(run, "name", { value: name });
    const wrapped = coat(Op.TOOL, {
      ...(description !== undefined && { description }),
      ...(schema !== undefined && { parameters: schema }),
      captureInput: (args: unknown[]) => args[0],
      // An async execute is gated as an async call (async policies, pause); a plain one stays as it is.
      async: isAsyncFunction(execute),
      ...own,
      name: own.name ?? name,
    }, run);
    out[name] = { ...tool, execute: wrapped };
  }
  return out as Tools;
}

export { coatAiTelemetry } from "./telemetry.js";
export type { CoatAiTelemetry } from "./telemetry.js";
