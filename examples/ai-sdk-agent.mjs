// A weather agent on the Vercel AI SDK 7 (`ai`, `@ai-sdk/openai`), traced by the SDK's own
// OpenTelemetry package (`@ai-sdk/otel`) into agent-coat's provider: its GenAI-conventions spans
// (invoke_agent → step → chat / execute_tool) get their OpenInference kinds and messages from
// agent-coat's processors, and are scrubbed and sealed like coat's own. (Without @ai-sdk/otel, wrap
// generateText with coat(Op.LLM, …) and the tools with coatAiTools from agent-coat/ai instead; with
// it, that would record each tool twice.) The model is a stand-in inside the process (./fake-openai.mjs). Records go to a local OTLP JSON lines file;
// with OTEL_EXPORTER_OTLP_ENDPOINT set they are exported there too.
import { rmSync } from "node:fs";
import { createOpenAI } from "@ai-sdk/openai";
import { OpenTelemetry } from "@ai-sdk/otel";
import { generateText, jsonSchema, registerTelemetry, stepCountIs, tool } from "ai";
import { register } from "agent-coat";
import { fakeOpenAI } from "./fake-openai.mjs";

const file = process.env.ENVPOD_COAT_FILE || "coat-ai-sdk-agent.jsonl";
rmSync(file, { force: true });
const telemetry = register({ serviceName: "ai-sdk-agent", capture: "redacted", file, stderr: false });
registerTelemetry(new OpenTelemetry());

let turn = 0;
const model = fakeOpenAI(() =>
  ++turn === 1
    ? { toolCalls: [{ name: "getWeather", arguments: { city: "Lisbon" } }], promptTokens: 64, completionTokens: 12 }
    : { content: "It is 21°C and clear in Lisbon.", promptTokens: 90, completionTokens: 11 },
);
const openai = createOpenAI({ apiKey: "sk-demo-not-a-real-key", fetch: model });

const tools = {
  getWeather: tool({
    description: "Current weather for a city",
    inputSchema: jsonSchema({ type: "object", properties: { city: { type: "string" } } }),
    execute: async ({ city }) => ({ city, tempC: 21, sky: "clear" }),
  }),
};

const { text } = await generateText({
  model: openai.chat("gpt-4o-mini"),
  system: "You are a weather assistant. Use the tool, then answer in one sentence.",
  prompt: "What's the weather in Lisbon?",
  tools,
  stopWhen: stepCountIs(3),
});
console.log(text);
await telemetry.shutdown();
console.log(`records in ${file}; check them with: npx coat verify ${file}`);
