import { readFile } from "node:fs/promises";
import { backtest } from "../govern/backtest.js";
import { traceFromText } from "../testing/load.js";
import { loadPolicies } from "./policy-module.js";

export const BACKTEST_USAGE = `  coat backtest --policy FILE TRACES… [--json]
                      replay recorded runs through the policies an ES module exports: what they
                      would have blocked, paused, alerted or changed, per run`;

export async function runBacktest(args: string[], out: (text: string) => void, err: (text: string) => void): Promise<number> {
  const at = args.indexOf("--policy");
  const policyFile = at >= 0 ? args[at + 1] : undefined;
  const traces = args.filter((a, i) => !a.startsWith("--") && i !== at + 1);
  if (policyFile === undefined || traces.length === 0) {
    err(`usage:\n${BACKTEST_USAGE}\n`);
    return 2;
  }
  const policies = await loadPolicies(policyFile);
  const texts = await Promise.all(traces.map((f) => readFile(f, "utf8")));
  const runs = await backtest(policies, traceFromText(texts.join("\n")));
  if (args.includes("--json")) {
    out(`${JSON.stringify({ policies: policies.map((p) => p.name), runs }, null, 2)}\n`);
    return 0;
  }
  const lines = [`${runs.length} runs replayed through ${policies.map((p) => p.name).join(", ")}`];
  for (const run of runs) {
    const counts = Object.entries(run.counts).map(([k, n]) => `${n} ${k}`).join(", ");
    lines.push(`  run ${run.runId}: ${run.calls} calls${counts ? `; would have: ${counts}` : "; all allowed"}`);
    for (const hit of run.hits) lines.push(`    ${hit.name} (${hit.op}${hit.stage === "result" ? ", on its result" : ""}): ${hit.decision} by ${hit.policy}: ${hit.reason}`);
  }
  out(`${lines.join("\n")}\n`);
  return 0;
}
