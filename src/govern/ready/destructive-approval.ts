import { Op } from "../../dialects/ops.js";
import { allow, pause } from "../decision.js";
import type { Policy, PolicyOptions } from "../policy.js";
import { policy } from "../policy.js";

/** Destructive tools (by name, or a pattern) wait for a person's approval. An async policy: it gates async tools. */
export function destructiveApproval(options: Pick<PolicyOptions, "priority" | "ops"> & { tools: readonly string[] | RegExp; timeoutMs?: number }, name = "destructive-approval"): Policy {
  const { tools, timeoutMs } = options;
  if (!(tools instanceof RegExp) && !(Array.isArray(tools) && tools.every((t) => typeof t === "string"))) throw new TypeError("agent-coat: destructiveApproval() tools must be a list of tool names or a RegExp");
  const destructive = (tool: string) => (tools instanceof RegExp ? ((tools.lastIndex = 0), tools.test(tool)) : (tools as readonly string[]).includes(tool));
  return policy(name, { priority: options.priority ?? 20, ops: options.ops ?? [Op.TOOL], async: true }, (ctx) =>
    destructive(ctx.name) ? pause(`${ctx.name} is destructive and needs approval`, timeoutMs === undefined ? {} : { timeoutMs }) : allow(),
  );
}
