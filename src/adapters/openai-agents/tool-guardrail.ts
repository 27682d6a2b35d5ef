import { context } from "@opentelemetry/api";
import { Op } from "../../dialects/ops.js";
import { gateStartedCall } from "../../govern/gate.js";
import { checkPolicies, governance } from "../../govern/governance.js";
import { reportOnce } from "../../runtime/report.js";
import type { CoatCall } from "../../wrap/call.js";
import type { CoatOptions } from "../../wrap/options.js";
import type { OpenCalls } from "../open-calls.js";
import { parsedJsonText } from "../json-text.js";

/** `@openai/agents`' ToolInputGuardrailDefinition, as far as it is written here. */
export interface ToolInputGuardrail {
  type: "tool_input";
  name: string;
  run: (data: { toolCall: { name: string; callId?: string; arguments: string } }) => Promise<{ behavior: { type: "allow" } | { type: "rejectContent"; message: string }; outputInfo?: unknown }>;
}

const ALLOW = Object.freeze({ behavior: Object.freeze({ type: "allow" as const }) });

export function isFunctionTool(value: unknown): value is { type: "function"; inputGuardrails?: unknown[] } {
  return typeof value === "object" && value !== null && (value as { type?: unknown }).type === "function";
}

/**
 * The guardrail behind CoatAgentsProcessor.toolGuardrail(): it gates the tool's call the processor
 * opened for the function span it runs in (`take`), or, with no such span (tracing off, the
 * processor not registered), a TOOL call of its own that holds just the decision.
 */
export function toolGuardrail(options: CoatOptions, take: (name: string, args: string) => Promise<{ key: string; call: CoatCall } | undefined>, calls: OpenCalls): ToolInputGuardrail {
  const own = checkPolicies(options.policies, "CoatAgentsProcessor option policies");
  let standalone = 0;
  return {
    type: "tool_input",
    name: "agent-coat policies",
    run: async ({ toolCall }) => {
      try {
        if (own.length === 0 && governance.policies.length === 0) return ALLOW;
        const args = [parsedJsonText(toolCall.arguments)];
        const open = await take(toolCall.name, toolCall.arguments);
        const key = open?.key ?? `guardrail:${++standalone}`;
        const call = open?.call ?? calls.open(key, Op.TOOL, toolCall.name, args, context.active());
        if (call === undefined) return ALLOW;
        if (open !== undefined) call.lateInput(args);
        const stopped = await gateStartedCall(call, own, args, options.approver);
        if (stopped !== undefined) {
          calls.forget(key);
          return { behavior: { type: "rejectContent", message: stopped.message }, outputInfo: { policy: stopped.policy, decision: stopped.kind } };
        }
        if (open === undefined) calls.close(key, (c) => c.end(undefined));
        return ALLOW;
      } catch (error) {
        reportOnce("gating an OpenAI Agents tool call", error);
        return ALLOW;
      }
    },
  };
}
