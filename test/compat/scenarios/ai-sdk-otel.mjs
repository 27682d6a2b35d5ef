// Extra style "ai-sdk-otel": agent-coat's register() and the Vercel AI SDK 7 traced by
// @ai-sdk/otel (which pins @opentelemetry/api 1.9.1 exactly, so on the 3.x line it brings its own
// copy): its GenAI spans reach agent-coat's processors through the shared globals, get their
// OpenInference kinds, and the secret in the prompt is scrubbed. The model answers through the
// provider's `fetch` option in Chat Completions JSON (two steps: a tool call, then text).
import { createOpenAI } from "@ai-sdk/openai";
import { OpenTelemetry } from "@ai-sdk/otel";
import { generateText, jsonSchema, registerTelemetry, stepCountIs, tool } from "ai";
import { coat, register, Op } from "agent-coat";
import { SECRET, makeCalls, options, report } from "./common.mjs";

process.env.OTEL_EXPORTER_OTLP_ENDPOINT = options.endpoint;
const t = register({ serviceName: "compat", capture: "redacted" });
registerTelemetry(new OpenTelemetry());
const calls = await makeCalls(coat, Op)();

let turn = 0;
const answer = (message, finish) => ({ id: `chatcmpl-${turn}`, object: "chat.completion", created: 1765000000, model: "gpt-4o-mini", choices: [{ index: 0, message, finish_reason: finish }], usage: { prompt_tokens: 9, completion_tokens: 3, total_tokens: 12 } });
const fetch = async () => {
  const body = ++turn === 1
    ? answer({ role: "assistant", content: null, tool_calls: [{ id: "call_1", type: "function", function: { name: "lookup", arguments: '{"q":"x"}' } }] }, "tool_calls")
    : answer({ role: "assistant", content: "done" }, "stop");
  return new Response(JSON.stringify(body), { status: 200, headers: { "content-type": "application/json" } });
};
const openai = createOpenAI({ apiKey: "sk-compat", fetch });
const lookup = tool({ description: "looks up", inputSchema: jsonSchema({ type: "object" }), execute: async ({ q }) => ({ q }) });
await generateText({ model: openai.chat("gpt-4o-mini"), prompt: `find it, my key is ${SECRET}`, tools: { lookup }, stopWhen: stepCountIs(3) });
await t.shutdown();
report("ai-sdk-otel", {
  calls,
  foreignSpans: [
    { name: "invoke_agent gpt-4o-mini", count: 1 },
    { name: "step 1", count: 1 },
    { name: "step 2", count: 1 },
    { name: "chat gpt-4o-mini", count: 2 },
    { name: "execute_tool lookup", count: 1 },
  ],
  foreignKinds: { "invoke_agent gpt-4o-mini": "AGENT", "step 1": "CHAIN", "chat gpt-4o-mini": "LLM", "execute_tool lookup": "TOOL" },
  global: t.global,
});
