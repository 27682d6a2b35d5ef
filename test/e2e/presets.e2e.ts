// The destination presets against the real programs: phoenix() and jaeger() straight from the
// process (the collector() preset is in collector.e2e.ts, beside its Collector).
import { SEMRESATTRS_PROJECT_NAME } from "@arizeai/openinference-semantic-conventions";
import { ATTR_SERVICE_NAME } from "@opentelemetry/semantic-conventions";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Op, coat, current, jaeger as jaegerDestination, phoenix as phoenixDestination, register } from "../../src/index.js";
import type { CoatTelemetry } from "../../src/index.js";
import { e2e } from "./context.js";
import { jaegerSpans } from "./support/jaeger.js";
import { phoenixSpans } from "./support/phoenix.js";
import { eventually } from "./support/wait.js";

const { jaeger, phoenixUrl } = e2e();
const SERVICE = `preset-agent-${process.pid}`;
const PROJECT = `preset-project-${process.pid}`;
let telemetry: CoatTelemetry;
let started: Date;

/** An AGENT turn with a CHAIN step (and a custom op, also CHAIN) around an LLM call and a TOOL call. */
async function agentTurn(): Promise<void> {
  const answer = coat(Op.LLM, { model: "fake-llm-1", provider: "demo" }, async function answer(question: string) {
    current()?.usage({ input: 10, output: 5 });
    return `an answer to ${question}`;
  });
  const search = coat(Op.TOOL, async function search(query: string) {
    return [`result for ${query}`];
  });
  const plan = coat("planner", async function plan(question: string) {
    return search(question);
  });
  const step = coat(Op.STEP, async function step(question: string) {
    await plan(question);
    return answer(question);
  });
  await coat(Op.AGENT, async function agent(question: string) {
    return step(question);
  })("where?");
}

const storedInJaeger = () =>
  eventually(
    `5 spans of ${SERVICE} in Jaeger`,
    () => jaegerSpans(jaeger.queryUrl, SERVICE, new Date(started.getTime() - 60_000), new Date(Date.now() + 60_000)),
    (found) => found.length >= 5,
  );

beforeAll(async () => {
  started = new Date();
  telemetry = register({
    serviceName: SERVICE,
    capture: "raw",
    destinations: [phoenixDestination({ endpoint: phoenixUrl, projectName: PROJECT }), jaegerDestination({ endpoint: jaeger.otlpHttpUrl })],
    file: false,
    env: {},
  });
  await agentTurn();
  await telemetry.shutdown();
});
afterAll(() => telemetry?.shutdown());

describe("destination presets against the real programs", () => {
  it("phoenix({ endpoint, projectName }): the spans land in that project, kinds AGENT, CHAIN, LLM, TOOL and none UNKNOWN, tokens on the LLM span", async () => {
    const spans = await eventually(`5 spans in Phoenix project ${PROJECT}`, () => phoenixSpans(phoenixUrl, PROJECT), (found) => found.length >= 5);
    expect(Object.fromEntries(spans.map((s) => [s.name, s.span_kind]))).toEqual({ agent: "AGENT", step: "CHAIN", plan: "CHAIN", search: "TOOL", answer: "LLM" });
    const llm = spans.find((s) => s.name === "answer")!;
    expect([llm.attributes["llm.token_count.prompt"], llm.attributes["llm.token_count.completion"], llm.attributes["input.value"], llm.attributes["output.value"]]).toEqual([10, 5, "where?", "an answer to where?"]);
    // The project came from the x-project-name header alone: the resource (as Jaeger got it) carries none.
    const [copy] = await storedInJaeger();
    expect(copy!.resource[ATTR_SERVICE_NAME]).toBe(SERVICE);
    expect(copy!.resource[SEMRESATTRS_PROJECT_NAME]).toBeUndefined();
  });

  it("jaeger({ endpoint }): /api/v3/traces returns the same five spans under the service name", async () => {
    const spans = await storedInJaeger();
    const byName = Object.fromEntries(spans.map((s) => [s.name, s]));
    expect(Object.keys(byName).sort()).toEqual(["agent", "answer", "plan", "search", "step"]);
    expect(byName.step!.parentSpanId).toBe(byName.agent!.spanId);
    expect(byName.plan!.parentSpanId).toBe(byName.step!.spanId);
    expect(byName.search!.parentSpanId).toBe(byName.plan!.spanId);
    expect(byName.answer!.parentSpanId).toBe(byName.step!.spanId);
  });
});
