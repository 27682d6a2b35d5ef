import { readFile } from "node:fs/promises";
import { recordedContexts } from "../govern/backtest.js";
import { evaluateOneAsync } from "../govern/evaluate-one.js";
import type { PolicyContext } from "../govern/policy-context.js";
import { traceFromText } from "../testing/load.js";
import { loadPolicies } from "./policy-module.js";

export const POLICY_CHECK_USAGE = `  coat policy check FILE [--trace TRACES…] [--slow-ms N] [--json]
                      validate the policies an ES module exports: each is asked twice about
                      every call of the traces (else a few sample calls); reports a policy that
                      throws, is slow (default over 5 ms) or decides differently the second time`;

interface Problem {
  policy: string;
  kind: "throws" | "slow" | "non-deterministic";
  call: string;
  detail: string;
}

export async function runPolicyCheck(args: string[], out: (text: string) => void, err: (text: string) => void): Promise<number> {
  const file = args[0];
  const traceAt = args.indexOf("--trace");
  const slowAt = args.indexOf("--slow-ms");
  const slowMs = slowAt >= 0 ? Number(args[slowAt + 1]) : 5;
  if (file === undefined || file.startsWith("--") || !(slowMs > 0)) {
    err(`usage:\n${POLICY_CHECK_USAGE}\n`);
    return 2;
  }
  const traces = traceAt < 0 ? [] : args.slice(traceAt + 1).filter((a, i, all) => !a.startsWith("--") && all[i - 1] !== "--slow-ms");
  const contexts = traces.length > 0 ? await fromTraces(traces) : samples();
  // Two instances of the module: a policy's own state (a rate limit's window) starts fresh in each.
  const [first, second] = [await loadPolicies(file, "1"), await loadPolicies(file, "2")];
  const problems: Problem[] = [];
  for (let i = 0; i < first.length; i++) {
    const a = first[i]!;
    const b = second[i]!;
    for (const { label, ctx } of contexts) {
      const [x, y] = [await evaluateOneAsync(a, ctx, false), await evaluateOneAsync(b, ctx, false)];
      if (x === undefined && y === undefined) continue;
      const error = x?.evaluation.error ?? y?.evaluation.error;
      if (error !== undefined) problems.push({ policy: a.name, kind: "throws", call: label, detail: error });
      else if ((x?.evaluation.ms ?? 0) > slowMs && (y?.evaluation.ms ?? 0) > slowMs) problems.push({ policy: a.name, kind: "slow", call: label, detail: `${x!.evaluation.ms} ms and ${y!.evaluation.ms} ms (limit ${slowMs} ms)` });
      const [dx, dy] = [x === undefined ? "not applied" : `${x.decision.kind}: ${x.decision.reason}`, y === undefined ? "not applied" : `${y.decision.kind}: ${y.decision.reason}`];
      if (error === undefined && dx !== dy) problems.push({ policy: a.name, kind: "non-deterministic", call: label, detail: `${dx} | then ${dy}` });
    }
  }
  if (args.includes("--json")) out(`${JSON.stringify({ policies: first.map((p) => p.name), contexts: contexts.length, problems }, null, 2)}\n`);
  else {
    const lines = [`${first.length} policies checked against ${contexts.length} calls: ${problems.length === 0 ? "no problems" : `${problems.length} problems`}`];
    for (const p of problems) lines.push(`  ${p.policy}: ${p.kind} on ${p.call}: ${p.detail}`);
    out(`${lines.join("\n")}\n`);
  }
  return problems.length === 0 ? 0 : 1;
}

async function fromTraces(files: string[]): Promise<{ label: string; ctx: PolicyContext }[]> {
  const texts = await Promise.all(files.map((f) => readFile(f, "utf8")));
  const trace = traceFromText(texts.join("\n"));
  return trace.runs.flatMap((run) => [...recordedContexts(run)].map(({ call, ctx }) => ({ label: `${call.name} (${call.op}, span ${call.span.spanId})`, ctx })));
}

function samples(): { label: string; ctx: PolicyContext }[] {
  const base = { intent: undefined, action: undefined, sessionId: "sess_sample", runId: "run_sample", stepId: "step_sample", traceId: "", agent: { id: "", role: "" }, metadata: {}, totals: { calls: {}, callCount: 0, tokens: 0, cost: 0, elapsedMs: 0 } };
  return [
    { label: "sample tool call", ctx: { ...base, op: "tool", name: "search", args: ["Lisbon"] } },
    { label: "sample tool call with an object", ctx: { ...base, op: "tool", name: "sendEmail", args: [{ to: "ada@example.com", body: "hello" }] } },
    { label: "sample LLM call", ctx: { ...base, op: "llm", name: "chat", args: [{ model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }] }] } },
  ];
}
