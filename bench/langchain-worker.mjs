// One side of the LangChain benchmark, in its own process: a chain (RunnableLambda) that calls
// ChatOpenAI (answered in process through its `fetch`) and one tool, recorded either by
// agent-coat's callback handler (capture redacted, logs and seal on; or `coat-span-only`, logs and
// seal off) or by the OpenInference
// LangChain instrumentation, or bare. The parent sends { calls } and gets back { ms, cpu_us,
// spans, logs } for one round: the chains, then a flush.
import { ChatOpenAI } from "@langchain/openai";
import { HumanMessage, SystemMessage } from "@langchain/core/messages";
import { RunnableLambda } from "@langchain/core/runnables";
import { tool } from "@langchain/core/tools";
import { context, diag, DiagLogLevel, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { CountingExporter } from "./counting-exporter.mjs";
import { BasicTracerProvider, BatchSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { fakeOpenAI } from "../examples/fake-openai.mjs";

const side = process.argv[2];
const SLICE = 50;


diag.setLogger({ error: () => {}, warn: () => {}, info: () => {}, debug: () => {}, verbose: () => {} }, DiagLogLevel.ERROR);
context.setGlobalContextManager(new AsyncLocalStorageContextManager());
const spans = new CountingExporter();
const logs = new CountingExporter();
let flush = () => Promise.resolve();
let callbacks = [];
if (side === "coat" || side === "coat-span-only") {
  const { register } = await import("agent-coat");
  const { CoatCallbackHandler } = await import("agent-coat/langchain");
  // coat-span-only: the same handler with logs and sealing off, one span per run as the instrumentation writes.
  const lean = side === "coat-span-only" ? { logs: false, seal: false } : {};
  const telemetry = register({ capture: "redacted", ...lean, spanExporters: [spans], logExporters: [logs], stderr: false, file: false, env: {} });
  flush = () => telemetry.forceFlush();
  callbacks = [new CoatCallbackHandler()];
} else if (side === "openinference") {
  const { LangChainInstrumentation } = await import("@arizeai/openinference-instrumentation-langchain");
  const CallbackManager = await import("@langchain/core/callbacks/manager");
  const provider = new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor(spans)] });
  trace.setGlobalTracerProvider(provider);
  const instrumentation = new LangChainInstrumentation();
  instrumentation.setTracerProvider(provider);
  instrumentation.manuallyInstrument(CallbackManager);
  flush = () => provider.forceFlush();
}

const filler = (n, word) => Array.from({ length: n }, (_, i) => `${word}${i}`).join(" ");
let turn = 0;
const answer = fakeOpenAI(() => (++turn % 2 === 1 ? { toolCalls: [{ name: "lookup", arguments: { q: "flights" } }], promptTokens: 300, completionTokens: 20 } : { content: `Flight TP1942 at 08:15. ${filler(20, "note")}`, promptTokens: 400, completionTokens: 40 }));
const lookup = tool(async ({ q }) => `results for ${q}: ${filler(30, "hit")}`, { name: "lookup", description: "Searches flights", schema: { type: "object", properties: { q: { type: "string" } }, required: ["q"] } });
const model = new ChatOpenAI({ model: "gpt-4o-mini", apiKey: "sk-bench", configuration: { fetch: answer, baseURL: "http://127.0.0.1:1/v1" }, maxRetries: 0 }).bindTools([lookup]);
const chain = RunnableLambda.from(async (question, config) => {
  const messages = [new SystemMessage(`You are a travel agent. ${filler(40, "rule")}`), new HumanMessage(question)];
  const first = await model.invoke(messages, config);
  const results = [];
  for (const call of first.tool_calls ?? []) results.push(await lookup.invoke(call, config));
  return (await model.invoke([...messages, first, ...results], config)).content;
}).withConfig({ runName: "travel" });

async function round(calls) {
  const cpu = process.cpuUsage();
  const start = process.hrtime.bigint();
  for (let done = 0; done < calls; done += SLICE) {
    const batch = [];
    for (let i = 0; i < SLICE && done + i < calls; i++) batch.push(chain.invoke(`Lisbon to Porto, Friday. ${filler(30, "detail")}`, { callbacks }));
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
