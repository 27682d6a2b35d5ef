// A small support agent with a fake LLM (a planner and a streamed reply) and two tools, one of
// which fails. It records to a local OTLP JSON lines file and prints what was recorded; with
// OTEL_EXPORTER_OTLP_ENDPOINT set it exports there too.
import { execFileSync } from "node:child_process";
import { rmSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Op, coat, current, register, tie, withSession } from "agent-coat";

const file = process.env.ENVPOD_COAT_FILE || "coat-demo.jsonl";
rmSync(file, { force: true });
const telemetry = register({ serviceName: "demo-agent", capture: "raw", file, stderr: false });

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const plan = coat(Op.LLM, { model: "fake-llm-1", provider: "demo" }, async function plan(question) {
  await sleep(20);
  current()?.usage({ input: 42, output: 12 });
  return { tools: ["getWeather", "bookTable"], city: "Lisbon" };
});

const getWeather = coat(
  Op.TOOL,
  { description: "Current weather for a city", parameters: { type: "object", properties: { city: { type: "string" } } } },
  async function getWeather(city) {
    tie("cache.miss", { city });
    await sleep(8);
    return { city, tempC: 21, sky: "clear" };
  },
);

const bookTable = coat(
  Op.TOOL,
  { description: "Reserve a restaurant table", intent: "Reserve a table for the user", action: "restaurants.booking.create" },
  async function bookTable(request) {
    await sleep(5);
    throw new Error(`No tables left at ${request.time}`);
  },
);

const streamReply = coat(Op.LLM, { model: "fake-llm-1", provider: "demo" }, async function* streamReply(prompt) {
  const words = `It is ${prompt.weather.tempC}°C and ${prompt.weather.sky} in ${prompt.weather.city}; sadly no table is free tonight.`.split(" ");
  for (const word of words) {
    await sleep(3);
    yield `${word} `;
  }
  current()?.usage({ input: 64, output: words.length });
});

const supportAgent = coat(Op.AGENT, async function supportAgent(question) {
  const steps = await plan(question);
  const weather = await getWeather(steps.city);
  try {
    await bookTable({ city: steps.city, time: "20:00", people: 2 });
  } catch (error) {
    tie("booking.failed", { reason: error.message });
  }
  let answer = "";
  for await (const chunk of streamReply({ question, weather })) answer += chunk;
  return answer.trim();
});

const answer = await withSession(() => supportAgent("What's the weather in Lisbon, and can you book dinner for two at 8?"));
await telemetry.shutdown();

console.log(`agent answered: ${answer}\n`);
console.log(`recorded to ${file} (OTLP JSON lines); \`coat show ${file}\` prints:\n`);
const cli = fileURLToPath(new URL("../dist/esm/cli/coat.js", import.meta.url));
execFileSync(process.execPath, [cli, "show", file], { stdio: "inherit" });
