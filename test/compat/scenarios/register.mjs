// Style "register": agent-coat builds and registers the providers itself. A recording of
// agent-coat/testing runs beside it: its calls and the user's own span stay in the recording.
import { register, coat, Op } from "agent-coat";
import { assertSealed, assertToolCalled, record } from "agent-coat/testing";
import { trace } from "@opentelemetry/api";
import { makeCalls, report, userSpan } from "./common.mjs";

process.env.OTEL_EXPORTER_OTLP_ENDPOINT = process.env.COMPAT_ENDPOINT;
process.env.OTEL_RESOURCE_ATTRIBUTES = "deployment.environment=compat,team=agents";
const t = register({ serviceName: "compat", capture: "redacted" });
const recorded = await record(async () => {
  await makeCalls(coat, Op)();
  userSpan(trace);
});
assertToolCalled(recorded, "lookup", { times: 1, args: ["q4"] });
assertSealed(recorded);
if (!recorded.calls.some((c) => c.name === "user-work")) throw new Error(`the recording lacks the user's span: ${recorded.calls.map((c) => c.name)}`);
const calls = await makeCalls(coat, Op)();
await t.shutdown();
report("register", { calls, global: t.global, resource: { "service.name": "compat", "deployment.environment": "compat", team: "agents" } });
