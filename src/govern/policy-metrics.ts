import type { Counter, Histogram, MeterProvider } from "@opentelemetry/api";
import { metrics } from "@opentelemetry/api";
import { PolicyKey } from "../dialects/keys.js";
import { VERSION } from "../runtime/version.js";
import type { Verdict } from "./verdict.js";

const CALL_STAGE = Object.freeze({ [PolicyKey.STAGE]: "call" });
const RESULT_STAGE = Object.freeze({ [PolicyKey.STAGE]: "result" });
const attributeSets = new Map<string, Map<string, Readonly<Record<string, string>>>>();

/** One frozen attribute set per policy, decision and stage: nothing allocated per call. */
function attributesOf(policy: string, decision: string, stage: string): Readonly<Record<string, string>> {
  let byDecision = attributeSets.get(policy);
  if (byDecision === undefined) {
    if (attributeSets.size > 10_000) attributeSets.clear();
    attributeSets.set(policy, (byDecision = new Map()));
  }
  const key = stage === "call" ? decision : `${decision}/${stage}`;
  let attributes = byDecision.get(key);
  if (attributes === undefined) byDecision.set(key, (attributes = Object.freeze({ [PolicyKey.POLICY]: policy, [PolicyKey.DECISION]: decision, [PolicyKey.STAGE]: stage })));
  return attributes;
}

let instruments: { decisions: Counter; latency: Histogram } | undefined;
let provider: MeterProvider | undefined;

/** Where the governance metrics go (register({ meterProvider })); default the global MeterProvider at first use. */
export function usePolicyMeterProvider(meterProvider: MeterProvider | undefined): void {
  provider = meterProvider;
  instruments = undefined;
}

/**
 * `envpod.policy.decisions` (by `envpod.policy.name` and `envpod.policy.decision`, one per policy
 * evaluated) and `envpod.policy.evaluation.duration` (ms, one per call's evaluation).
 */
export function countVerdict(verdict: Verdict, stage: "call" | "result"): void {
  try {
    if (instruments === undefined) {
      const meter = (provider ?? metrics.getMeterProvider()).getMeter("agent-coat", VERSION);
      instruments = {
        decisions: meter.createCounter("envpod.policy.decisions", { description: "Policy decisions, one per policy evaluated on a call" }),
        latency: meter.createHistogram("envpod.policy.evaluation.duration", { description: "Time to evaluate a call's policies", unit: "ms" }),
      };
    }
    for (const e of verdict.evaluated) instruments.decisions.add(1, attributesOf(e.policy, e.decision, stage));
    instruments.latency.record(verdict.ms, stage === "call" ? CALL_STAGE : RESULT_STAGE);
  } catch {
    // metrics must never reach the call
  }
}
