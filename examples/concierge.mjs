// The concierge agent of ./openai-agent.mjs, as a module: a test can import it and record what it
// does (./openai-agent.test.mjs). It registers nothing itself.
import OpenAI from "openai";
import { Op, coat, tie } from "agent-coat";
import { coatOpenAI } from "agent-coat/openai";
import { fakeOpenAI } from "./fake-openai.mjs";

const model = fakeOpenAI((body) =>
  body.stream
    ? { content: "It is 21°C and clear in Lisbon; sadly no table is free at 20:00.", promptTokens: 180, completionTokens: 17 }
    : { toolCalls: [{ name: "getWeather", arguments: { city: "Lisbon" } }, { name: "bookTable", arguments: { city: "Lisbon", time: "20:00", people: 2 } }], promptTokens: 96, completionTokens: 31 },
);
const openai = coatOpenAI(new OpenAI({ apiKey: "sk-demo-not-a-real-key", maxRetries: 0, fetch: model }));

const tools = coat.tools({
  async getWeather({ city }) {
    return { city, tempC: 21, sky: "clear" };
  },
  async bookTable({ time }) {
    throw new Error(`No tables left at ${time}`);
  },
});
const schema = (name, description, properties) => ({ type: "function", function: { name, description, parameters: { type: "object", properties } } });
const toolSchemas = [
  schema("getWeather", "Current weather for a city", { city: { type: "string" } }),
  schema("bookTable", "Reserve a restaurant table", { city: { type: "string" }, time: { type: "string" }, people: { type: "integer" } }),
];

export const concierge = coat(Op.AGENT, async function concierge(question) {
  const messages = [
    { role: "system", content: "You are a concierge. Use the tools, then answer in one sentence." },
    { role: "user", content: question },
  ];
  const first = await openai.chat.completions.create({ model: "gpt-4o-mini", messages, tools: toolSchemas, temperature: 0.2 });
  const asked = first.choices[0].message;
  messages.push(asked);
  for (const call of asked.tool_calls ?? []) {
    let result;
    try {
      result = await tools[call.function.name](JSON.parse(call.function.arguments));
    } catch (error) {
      tie("tool.failed", { tool: call.function.name, reason: error.message });
      result = { error: error.message };
    }
    messages.push({ role: "tool", tool_call_id: call.id, content: JSON.stringify(result) });
  }
  const stream = await openai.chat.completions.create({ model: "gpt-4o-mini", messages, stream: true, stream_options: { include_usage: true } });
  let answer = "";
  for await (const chunk of stream) answer += chunk.choices[0]?.delta?.content ?? "";
  return answer;
});

export const run = coat(Op.RUN, function run(question) {
  return concierge(question);
});

