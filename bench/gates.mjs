// The cost of governance: the same tool call (bench/workload.mjs, a 1 KB argument) ungated and
// behind five typical policies that all allow it (tool allow-list, rate limit, token budget,
// secrets in arguments, loop detection), in alternating rounds in one process, with
// register()'s defaults (capture none, logs, seal) and with capture redacted.
// Reports µs per call (wall, final flush included) and `ratios.gated_vs_ungated` (defaults).
// Run: npm run build && node bench/gates.mjs [--quick] [--json]
import { diag, DiagLogLevel } from "@opentelemetry/api";
import { CountingExporter } from "./counting-exporter.mjs";
import { Op, allow, coat, policy, loopDetection, rateLimit, register, secretsInArguments, tokenBudget, toolAccess, withRun } from "agent-coat";
import { pathToFileURL } from "node:url";
import { args, searchFlights } from "./workload.mjs";

const SLICE = 100;


const policySet = process.env.GATES_POLICIES;
export const TYPICAL_POLICIES = () => policySet === "trivial" ? [policy("trivial", () => allow())] : [
  toolAccess({ allow: { "*": ["searchFlights", "bookFlight"] } }),
  rateLimit({ max: 1_000_000, perMs: 60_000 }),
  tokenBudget({ max: 1_000_000 }),
  secretsInArguments(),
  loopDetection({ times: 1_000_000 }),
];

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

export async function runGates({ quick = false } = {}) {
  const defaults = await runMode(quick, "none");
  const redacted = await runMode(quick, "redacted");
  return { ...defaults, ratio: defaults.ratio, redacted };
}

async function runMode(quick, capture) {
  diag.setLogger({ error: () => {}, warn: () => {}, info: () => {}, debug: () => {}, verbose: () => {} }, DiagLogLevel.ERROR);
  const rounds = quick ? 5 : 15;
  const calls = quick ? 2_000 : 10_000;
  const tool = coat(Op.TOOL, searchFlights);
  const samples = { ungated: [], gated: [] };
  for (let r = 0; r < rounds; r++) {
    for (const variant of r % 2 === 0 ? ["ungated", "gated"] : ["gated", "ungated"]) {
      const spans = new CountingExporter();
      const logs = new CountingExporter();
      const telemetry = register({ capture, spanExporters: [spans], logExporters: [logs], stderr: false, file: false, env: {}, ...(variant === "gated" && { policies: TYPICAL_POLICIES() }) });
      const start = process.hrtime.bigint();
      // One run per round: the policies' per-run state (rate window, loop counts) starts empty.
      await withRun(async () => {
        for (let done = 0; done < calls; done += SLICE) {
          for (let i = 0; i < SLICE; i++) tool(args);
          await nextTurn();
        }
      });
      await telemetry.forceFlush();
      const us = Number(process.hrtime.bigint() - start) / calls / 1000;
      await telemetry.shutdown();
      // Every call must have been allowed: a decision record would be a third log record per call.
      if (logs.records >= 3 * calls) throw new Error(`${variant}: the policies did not all allow the call (${logs.records} log records for ${calls} calls)`);
      if (spans.records < calls) throw new Error(`${variant}: ${spans.records} of ${calls} spans exported`);
      if (r > 0) samples[variant].push(us);
    }
  }
  const ungated = median(samples.ungated);
  const gated = median(samples.gated);
  return { capture, calls_per_round: calls, rounds_counted: rounds - 1, median_us: { ungated, gated }, ratio: Number((gated / ungated).toFixed(3)), policies: TYPICAL_POLICIES().map((p) => p.name) };
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const r = await runGates({ quick: process.argv.includes("--quick") });
  if (process.argv.includes("--json")) console.log(JSON.stringify(r));
  else {
    console.log(`${r.calls_per_round} calls × ${r.rounds_counted} rounds; policies: ${r.policies.join(", ")}`);
    for (const m of [r, r.redacted]) console.log(`  capture ${m.capture}: ungated ${m.median_us.ungated.toFixed(2)} µs/call, gated ${m.median_us.gated.toFixed(2)} µs/call, ×${m.ratio}`);
    console.log(`ratios.gated_vs_ungated: ×${r.ratio} (capture redacted ×${r.redacted.ratio})`);
  }
}
