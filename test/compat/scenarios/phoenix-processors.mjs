// Extra style "phoenix-processors": @arizeai/phoenix-otel's register() with agent-coat's span
// processors as its spanProcessors (which replace Phoenix's own exporter), so coat() and
// openinference-core's traceTool both record through Phoenix's provider and agent-coat's pipeline.
// phoenix-otel builds no logger provider: coat()'s log records have nowhere to go here.
import { register } from "@arizeai/phoenix-otel";
import { traceTool } from "@arizeai/openinference-core";
import { coat, coatSpanProcessors, Op } from "agent-coat";
import { SECRET, makeCalls, options, report } from "./common.mjs";

const provider = register({ projectName: "compat", url: options.endpoint, batch: true, spanProcessors: coatSpanProcessors(options) });
const calls = await makeCalls(coat, Op)();
const search = traceTool(function search(query) {
  return { query, hits: 1, token: SECRET };
}, { name: "oi-search" });
search(`find Bearer ${SECRET}`);
await provider.shutdown();
report("phoenix-processors", { calls, foreignSpans: [{ name: "oi-search", count: 1 }], expectLogs: false });
