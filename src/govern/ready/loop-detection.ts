import { createHash } from "node:crypto";
import { Op } from "../../dialects/ops.js";
import { allow, block } from "../decision.js";
import type { Policy, PolicyOptions } from "../policy.js";
import { policy } from "../policy.js";
import { PerRun } from "./per-run.js";
import { argsJson } from "../args-json.js";

/**
 * Blocks the `times`-th call (default 3) of the same tool with the same arguments in one run: an
 * agent repeating itself. Arguments are compared by their JSON; each run remembers its last 1,024
 * distinct calls.
 */
export function loopDetection(options: Pick<PolicyOptions, "priority" | "ops" | "match"> & { times?: number } = {}, name = "loop-detection"): Policy {
  const times = options.times ?? 3;
  if (!Number.isInteger(times) || times < 2) throw new TypeError(`agent-coat: loopDetection() times must be an integer of at least 2, got ${String(times)}`);
  const seen = new PerRun(() => new Map<string, number>());
  return policy(name, { priority: options.priority ?? 30, ops: options.ops ?? [Op.TOOL], ...(options.match !== undefined && { match: options.match }) }, (ctx) => {
    const key = `${ctx.name}\u0000${signature(ctx.args)}`;
    const counts = seen.of(ctx.runId);
    const count = (counts.get(key) ?? 0) + 1;
    if (count >= times) return block(`${ctx.name} was called ${count} times with the same arguments in this run`);
    // A run's distinct calls are bounded: the oldest signature goes first.
    if (count === 1 && counts.size >= MAX_SIGNATURES) counts.delete(counts.keys().next().value!);
    counts.set(key, count);
    return allow();
  });
}

const MAX_KEY = 4096;
const MAX_SIGNATURES = 1024;

function signature(args: readonly unknown[]): string {
  const json = argsJson(args);
  if (json === null) return "unserialisable";
  // The text itself is the key (a digest per call costs more than the map's own hashing); very
  // long texts are kept as a digest.
  return json.length <= MAX_KEY ? json : createHash("sha256").update(json).digest("base64");
}
