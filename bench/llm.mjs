// Side-by-side runs of one workload in one process per side, so two instrumentations never patch
// the same class: the LLM benchmark (an OpenAI chat call, 4 messages, 2 KB, answered in process:
// coat's client wrapper vs the OpenInference OpenAI instrumentation, with and without the GenAI
// dialect) and the LangChain benchmark (a chain with two ChatOpenAI calls and a tool: coat's
// callback handler vs the OpenInference LangChain instrumentation). The processes take turns
// round by round; ratios are of the medians of per-call time.
import { fork } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const SIDES = ["bare", "openinference", "coat", "coat-with-gen-ai", "coat-span-only", "coat-logs-no-seal", "coat-seal-no-logs"];

function start(side, worker = "llm-worker.mjs") {
  const child = fork(join(here, worker), [side], { stdio: ["ignore", "ignore", "inherit", "ipc"] });
  const ready = new Promise((resolve, reject) => {
    child.once("message", resolve);
    child.once("exit", (code) => reject(new Error(`bench worker ${side} exited with ${code}`)));
  });
  const run = (calls) =>
    new Promise((resolve, reject) => {
      child.once("message", (m) => (m.ok ? resolve(m) : reject(new Error(m.error))));
      child.send({ calls });
    });
  return { side, ready, run, stop: () => child.kill() };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

export async function runLlm({ quick = false } = {}) {
  return runSides(SIDES, "llm-worker.mjs", quick ? 5 : 15, quick ? 1000 : 4000);
}

export async function runLangChain({ quick = false } = {}) {
  const out = await runSides(["bare", "openinference", "coat", "coat-span-only"], "langchain-worker.mjs", quick ? 5 : 11, quick ? 300 : 1000);
  delete out.gen_ai_dialect_ratio;
  return out;
}

async function runSides(SIDES, worker, rounds, calls) {
  const workers = SIDES.map((side) => start(side, worker));
  try {
    await Promise.all(workers.map((w) => w.ready));
    const samples = Object.fromEntries(SIDES.map((s) => [s, { us: [], cpu: [], last: undefined }]));
    for (let r = 0; r <= rounds; r++) {
      for (const w of r % 2 ? [...workers].reverse() : workers) {
        const result = await w.run(calls);
        if (r === 0) continue; // warm-up
        samples[w.side].us.push((result.ms * 1000) / calls);
        samples[w.side].cpu.push(result.cpu_us / calls);
        samples[w.side].last = result;
      }
    }
    const out = { rounds, calls_per_round: calls, per_call_us: {}, cpu_us_per_call: {}, records: {} };
    for (const side of SIDES) {
      out.per_call_us[side] = +median(samples[side].us).toFixed(2);
      out.cpu_us_per_call[side] = +median(samples[side].cpu).toFixed(2);
      out.records[side] = { spans: samples[side].last.spans, logs: samples[side].last.logs };
    }
    out.ratio = +(out.per_call_us.coat / out.per_call_us.openinference).toFixed(3);
    // What the span alone costs beside the instrumentation's span: the rest of coat's time is its two log records and the seal.
    out.span_only_ratio = +(out.per_call_us["coat-span-only"] / out.per_call_us.openinference).toFixed(3);
    // The parts of coat's time beyond its span, each measured alone: the two log records (unsealed), the span's seal, and all three sealed.
    if (out.per_call_us["coat-logs-no-seal"] !== undefined) {
      const over = (side) => +(out.per_call_us[side] - out.per_call_us["coat-span-only"]).toFixed(2);
      out.added_us = { logs: over("coat-logs-no-seal"), span_seal: over("coat-seal-no-logs"), logs_and_seal: over("coat") };
    }
    if (out.per_call_us["coat-with-gen-ai"] !== undefined) out.gen_ai_dialect_ratio = +(out.per_call_us["coat-with-gen-ai"] / out.per_call_us.coat).toFixed(3);
    out.overhead_ratio = +((out.per_call_us.coat - out.per_call_us.bare) / (out.per_call_us.openinference - out.per_call_us.bare)).toFixed(3);
    return out;
  } finally {
    for (const w of workers) w.stop();
  }
}
