// npm run bench [-- --quick] [-- --json]
// The whole benchmark in one run: per-call cost side by side (calls.mjs), sustained export
// over OTLP/http-protobuf (throughput.mjs) and a collector outage (memory.mjs).
// --quick finishes within about a minute; --json prints one machine-readable object.
import { execFileSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const argv = process.argv.slice(2);
const quick = argv.includes("--quick");
const json = argv.includes("--json");
const skip = (part) => argv.includes(`--no-${part}`);
const log = json ? (...a) => console.error(...a) : (...a) => console.log(...a);

/** Rebuilds dist/ when a source file is newer than it: the benchmark imports the built package. */
function buildIfStale() {
  const newest = (dir) => readdirSync(dir, { withFileTypes: true }).reduce((m, e) => Math.max(m, e.isDirectory() ? newest(join(dir, e.name)) : statSync(join(dir, e.name)).mtimeMs), 0);
  let built = 0;
  try {
    built = statSync(join(root, "dist/esm/index.js")).mtimeMs;
  } catch {}
  if (newest(join(root, "src")) > built) {
    log("building dist/ …");
    execFileSync(process.execPath, [join(root, "scripts/build.mjs")], { cwd: root, stdio: ["ignore", "ignore", "inherit"] });
  }
}

buildIfStale();
const { runCalls, printCalls } = await import("./calls.mjs");
const { runThroughput } = await import("./throughput.mjs");
const { runMemory } = await import("./memory.mjs");
const { runVerify } = await import("./verify.mjs");
const { runSpool } = await import("./spool.mjs");
const { runGates } = await import("./gates.mjs");
const { runLlm, runLangChain } = await import("./llm.mjs");

const started = Date.now();
const result = {
  machine: { node: process.version, cpu: cpus()[0]?.model ?? "unknown", cores: cpus().length, memory_gb: Math.round(totalmem() / 2 ** 30), platform: `${process.platform} ${process.arch}` },
  quick,
};
log(`agent-coat benchmark — Node ${process.version}, ${result.machine.cores} × ${result.machine.cpu}${quick ? " (quick)" : ""}\n`);

if (!skip("calls")) {
  result.calls = await runCalls({ quick });
  result.ratios = result.calls.ratios;
  printCalls(result.calls, log);
}
if (!skip("llm")) {
  log("\nllm: an OpenAI chat call (4 messages, 2 KB) answered in process, coat's client wrapper vs the OpenInference instrumentation, one process each …");
  result.llm = await runLlm({ quick });
  (result.ratios ??= {}).coat_llm_vs_openinference_openai = result.llm.ratio;
  result.ratios.coat_llm_gen_ai_dialect_on_vs_off = result.llm.gen_ai_dialect_ratio;
  result.ratios.coat_llm_span_only_vs_openinference_openai = result.llm.span_only_ratio;
  log(`  per call: bare SDK ${result.llm.per_call_us.bare} µs, OpenInference ${result.llm.per_call_us.openinference} µs, coat ${result.llm.per_call_us.coat} µs: ×${result.llm.ratio} (overhead only ×${result.llm.overhead_ratio}); with gen_ai ${result.llm.per_call_us["coat-with-gen-ai"]} µs (gen_ai on/off ×${result.llm.gen_ai_dialect_ratio}); span only (logs and seal off) ${result.llm.per_call_us["coat-span-only"]} µs: ×${result.llm.span_only_ratio}; over the span: logs +${result.llm.added_us.logs} µs, the span's seal +${result.llm.added_us.span_seal} µs, logs and seal +${result.llm.added_us.logs_and_seal} µs`);
}
if (!skip("langchain")) {
  log("\nlangchain: a chain with two ChatOpenAI calls (answered in process) and a tool, coat's callback handler vs the OpenInference LangChain instrumentation, one process each …");
  result.langchain = await runLangChain({ quick });
  (result.ratios ??= {}).coat_langchain_vs_openinference = result.langchain.ratio;
  result.ratios.coat_langchain_span_only_vs_openinference = result.langchain.span_only_ratio;
  log(`  per chain: bare ${result.langchain.per_call_us.bare} µs, OpenInference ${result.langchain.per_call_us.openinference} µs, coat ${result.langchain.per_call_us.coat} µs: ×${result.langchain.ratio} (overhead only ×${result.langchain.overhead_ratio}); span only (logs and seal off) ${result.langchain.per_call_us["coat-span-only"]} µs: ×${result.langchain.span_only_ratio}`);
}
if (!skip("throughput")) {
  log("\nthroughput: coat() redacted + logs + seal over OTLP/http-protobuf to a loopback receiver …");
  result.throughput = await runThroughput({ quick });
  log(`  max rate with zero drops: ${result.throughput.max_rate_zero_drops} calls/s (confirmed for ${result.throughput.confirm_seconds} s), CPU ${result.throughput.cpu_us_per_call?.toFixed(1)} µs/call, RSS peak ${result.throughput.rss_peak_mb?.toFixed(0)} MB`);
}
if (!skip("memory")) {
  log("\nmemory: the receiver goes away while calls continue …");
  result.memory = await runMemory({ quick });
  log(`  RSS bounded: ${result.memory.rss_bounded}; per-call time during the outage ×${result.memory.overhead_growth?.toFixed(2)} of before`);
}
if (!skip("spool")) {
  log("\nspool: the same load against a receiver refusing every 5th request, spool on and off …");
  result.spool = await runSpool({ quick });
  (result.ratios ??= {}).spool_on_vs_off = result.spool.ratio;
  const lost = (mode) => result.spool.runs[mode].reduce((n, x) => n + x.lost, 0);
  log(`  CPU per call: on ${result.spool.cpu_us_per_call.on.toFixed(1)} µs, off ${result.spool.cpu_us_per_call.off.toFixed(1)} µs: ×${result.spool.ratio}; lost: on ${lost("on")}, off ${lost("off")}`);
}
if (!skip("gates")) {
  log("\ngates: a tool call behind five allowing policies beside the same call ungated …");
  result.gates = await runGates({ quick });
  (result.ratios ??= {}).gated_vs_ungated = result.gates.ratio;
  result.ratios.gated_vs_ungated_redacted = result.gates.redacted.ratio;
  log(`  defaults: ${result.gates.median_us.ungated.toFixed(1)} → ${result.gates.median_us.gated.toFixed(1)} µs: ×${result.gates.ratio}; capture redacted: ×${result.gates.redacted.ratio}`);
}
if (!skip("verify")) {
  log("\nverify: coat verify on the file sink's output of fully-featured calls …");
  result.verify = await runVerify({ quick });
  log(`  ${result.verify.records} records (${result.verify.mb} MB) in ${result.verify.seconds} s: ${result.verify.records_per_s} records/s, ok ${result.verify.ok}`);
}
const r = result.ratios ?? {};
const atMost = (value, limit) => (value === undefined ? undefined : value <= limit);
const atLeast = (value, limit) => (value === undefined ? undefined : value >= limit);
result.targets = {
  coat_full_vs_openinference_at_most_1: atMost(r.coat_full_vs_openinference, 1),
  coat_defaults_vs_openinference_at_most_1: atMost(r.coat_defaults_vs_openinference, 1),
  coat_none_vs_raw_at_most_1_2: atMost(r.coat_none_vs_raw, 1.2),
  coat_llm_vs_openinference_openai_at_most_1: atMost(r.coat_llm_vs_openinference_openai, 1),
  coat_langchain_vs_openinference_at_most_1: atMost(r.coat_langchain_vs_openinference, 1),
  throughput_at_least_15k: atLeast(result.throughput?.max_rate_zero_drops, 15_000),
  verify_at_least_50k_records_per_s: atLeast(result.verify?.records_per_s, 50_000),
  spool_on_vs_off_at_most_1_1: atMost(r.spool_on_vs_off, 1.1),
  gated_vs_ungated_at_most_1_1: atMost(r.gated_vs_ungated, 1.1),
};
result.seconds = Math.round((Date.now() - started) / 1000);
if (json) console.log(JSON.stringify(result));
else {
  console.log("\ntargets:");
  for (const [k, v] of Object.entries(result.targets)) console.log(`  ${k.padEnd(40)} ${v === undefined ? "not run" : v ? "met" : "MISSED"}`);
  console.log(`\n${result.seconds} s`);
}
