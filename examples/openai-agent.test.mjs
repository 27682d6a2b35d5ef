// What the concierge agent does, tested by its behaviour: `node --test examples/openai-agent.test.mjs`.
// Copy it next to your agent: record() runs the agent with agent-coat recording into memory (no
// collector, no register() needed) and the assertions read the calls it made.
import { test } from "node:test";
import assert from "node:assert/strict";
import { assertCallOrder, assertCostAtMost, assertErrored, assertNotCalled, assertSealed, assertTokensAtMost, assertToolCalled, record, renderTrace } from "agent-coat/testing";
import { run } from "./concierge.mjs";

const question = "What's the weather in Lisbon, and can you book dinner for two at 8?";

test("checks the weather once, for the city asked about, before trying to book", async () => {
  const trace = await record(() => run(question));
  assertToolCalled(trace, "getWeather", { times: 1, args: [{ city: "Lisbon" }] });
  assertToolCalled(trace, "bookTable", { times: 1, args: [{ time: "20:00", people: 2 }] });
  assertCallOrder(trace, ["getWeather", "bookTable"], { strict: true });
  assertNotCalled(trace, "cancelBooking");
});

test("a booking that fails is reported to the user, not hidden", async () => {
  const trace = await record(() => run(question));
  assertErrored(trace, "bookTable", { message: "No tables left at 20:00" });
  const [answer] = trace.runs[0].calls;
  assert.match(answer.output, /no table is free/);
});

test("stays within its token and cost budget, and every record is sealed", async () => {
  const trace = await record(() => run(question));
  assert.equal(trace.calls.filter((c) => c.kind === "LLM").length, 2);
  assertTokensAtMost(trace, 400);
  assertCostAtMost(trace, 0.001);
  assertSealed(trace);
});

test("the run's shape: the tree, ids and times masked, stays the same from run to run", async () => {
  const trace = await record(() => run(question));
  assert.equal(
    renderTrace(trace, { preview: 20 }),
    `run 1
  run  AGENT  ok  in "What's the weather…  out "It is 21°C and cle…
  └─ concierge  AGENT  ok  in "What's the weather…  out "It is 21°C and cle…
     ├─ openai.chat.completions.create  LLM  gpt-4o-mini-fake  ok  tokens 96→31  in {"model":"gpt-4o-mi…  out {"id":"chatcmpl-fak…
     ├─ getWeather  TOOL  ok  in {"city":"Lisbon"}  out {"city":"Lisbon","t…
     ├─ bookTable  TOOL  ERROR Error: No tables left at 20:00  in {"city":"Lisbon","t…
     └─ openai.chat.completions.create  LLM  gpt-4o-mini-fake  ok  tokens 180→17  in {"model":"gpt-4o-mi…  out "It is 21°C and cle…`,
  );
});
