import { Op } from "../../dialects/ops.js";
import { allow, block } from "../decision.js";
import type { Policy, PolicyOptions } from "../policy.js";
import { policy } from "../policy.js";

/** Tool names by agent role (`ENVPOD_AGENT_ROLE`); `*` stands for any role, and as a name for any tool. */
export type ToolsByRole = Readonly<Record<string, readonly string[]>>;

export interface ToolAccessOptions extends Pick<PolicyOptions, "priority" | "ops"> {
  /** Only these tools, per role. A role with no entry (and no `*` entry) may call none. */
  allow?: ToolsByRole;
  /** Never these tools, per role. Wins over allow. */
  deny?: ToolsByRole;
}

/** Tool allow and deny lists by role. */
export function toolAccess(options: ToolAccessOptions, name = "tool-access"): Policy {
  const { allow: allowed, deny } = options;
  if (allowed === undefined && deny === undefined) throw new TypeError("agent-coat: toolAccess() needs allow or deny lists by role");
  for (const [what, lists] of [["allow", allowed], ["deny", deny]] as const) {
    if (lists === undefined) continue;
    if (typeof lists !== "object" || lists === null || Object.values(lists).some((l) => !Array.isArray(l) || l.some((t) => typeof t !== "string"))) {
      throw new TypeError(`agent-coat: toolAccess() ${what} must map roles to lists of tool names`);
    }
  }
  const has = (lists: ToolsByRole | undefined, role: string, tool: string) => {
    const list = lists?.[role] ?? lists?.["*"];
    return list !== undefined && (list.includes(tool) || list.includes("*"));
  };
  return policy(name, { priority: options.priority ?? 100, ops: options.ops ?? [Op.TOOL] }, (ctx) => {
    const role = ctx.agent.role || "*";
    if (has(deny, role, ctx.name) || has(deny, "*", ctx.name)) return block(`role ${JSON.stringify(role)} may not call ${ctx.name}`);
    if (allowed !== undefined && !has(allowed, role, ctx.name)) return block(`${ctx.name} is not on the tool list of role ${JSON.stringify(role)}`);
    return allow();
  });
}
