// One side of the LLM benchmark, in its own process: an OpenAI chat call answered in process
// (the SDK's `fetch` option), recorded either by agent-coat's client wrapper (capture redacted,
// logs and seal on) or by the OpenInference OpenAI instrumentation. The parent sends
// { calls } and gets back { ms, cpu_us, spans, logs } for one round: the calls, then a flush.
import OpenAI from "openai";
import { context, diag, DiagLogLevel, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { CountingExporter } from "./counting-exporter.mjs";
import { BasicTracerProvider, BatchSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { fakeOpenAI } from "../examples/fake-openai.mjs";

const side = process.argv[2];
const SLICE = 100;


/** A 4-message conversation of about 2 KB, as an agent sends it. */
const filler = (n, word) => Array.from({ length: n }, (_, i) => `${word}${i}`).join(" ");
const request = {
  model: "gpt-4o-mini",
  temperature: 0.2,
  messages: [
    { role: "system", content: `You are a travel agent. ${filler(40, "rule")}` },
    { role: "user", content: `Find me a flight from Lisbon to Porto next Friday. ${filler(50, "detail")}` },
    { role: "assistant", content: `Sure, a few questions first. ${filler(45, "question")}` },
    { role: "user", content: `Morning, one adult, aisle seat. ${filler(50, "answer")}` },
  ],
};
const answer = fakeOpenAI(() => ({ content: `Flight TP1942 leaves at 08:15. ${filler(25, "note")}`, promptTokens: 512, completionTokens: 64 }));

diag.setLogger({ error: () => {}, warn: () => {}, info: () => {}, debug: () => {}, verbose: () => {} }, DiagLogLevel.ERROR);
context.setGlobalContextManager(new AsyncLocalStorageContextManager());
const spans = new CountingExporter();
const logs = new CountingExporter();
let flush;
let client;
if (side.startsWith("coat")) {
  const { register } = await import("agent-coat");
  const { coatOpenAI } = await import("agent-coat/openai");
  // The second coat side adds the GenAI dialect to the defaults: what writing gen_ai.* beside OpenInference costs.
  const dialects = side === "coat-with-gen-ai" ? "envpod,openinference,gen_ai" : undefined;
  // coat-span-only: logs and sealing off, one span per call as the instrumentation writes; the two
  // sides between it and coat show what the log records and the seal each add.
  const lean = { "coat-span-only": { logs: false, seal: false }, "coat-logs-no-seal": { seal: false }, "coat-seal-no-logs": { logs: false } }[side] ?? {};
  const telemetry = register({ capture: "redacted", dialects, ...lean, spanExporters: [spans], logExporters: [logs], stderr: false, file: false, env: {} });
  flush = () => telemetry.forceFlush();
  client = coatOpenAI(new OpenAI({ apiKey: "sk-bench", baseURL: "http://127.0.0.1:1/v1", maxRetries: 0, fetch: answer }));
} else if (side === "openinference") {
  const { OpenAIInstrumentation } = await import("@arizeai/openinference-instrumentation-openai");
  const provider = new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor(spans)] });
  trace.setGlobalTracerProvider(provider);
  const instrumentation = new OpenAIInstrumentation();
  instrumentation.setTracerProvider(provider);
  instrumentation.manuallyInstrument(OpenAI);
  flush = () => provider.forceFlush();
  client = new OpenAI({ apiKey: "sk-bench", baseURL: "http://127.0.0.1:1/v1", maxRetries: 0, fetch: answer });
} else {
  flush = () => Promise.resolve();
  client = new OpenAI({ apiKey: "sk-bench", baseURL: "http://127.0.0.1:1/v1", maxRetries: 0, fetch: answer });
}

async function round(calls) {
  const cpu = process.cpuUsage();
  const start = process.hrtime.bigint();
  for (let done = 0; done < calls; done += SLICE) {
    const batch = [];
    for (let i = 0; i < SLICE && done + i < calls; i++) batch.push(client.chat.completions.create(request));
    await Promise.all(batch);
    await new Promise((resolve) => setImmediate(resolve));
  }
  await flush();
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  const used = process.cpuUsage(cpu);
  return { ms, cpu_us: used.user + used.system, spans: spans.records, logs: logs.records };
}

process.on("message", async ({ calls }) => {
  try {
    process.send({ ok: true, ...(await round(calls)) });
  } catch (error) {
    process.send({ ok: false, error: String(error?.stack ?? error) });
  }
});
process.send({ ready: true });
