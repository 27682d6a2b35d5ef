// Extra style "phoenix-beside": @arizeai/phoenix-otel's register() first (it takes the globals and
// exports straight to the receiver), then agent-coat's register() beside it, which cannot take the
// globals (README: it warns, `global` is false, coat() records through agent-coat's own providers).
// openinference-core's traceTool records through Phoenix's provider, past agent-coat's processors.
import { register as registerPhoenix } from "@arizeai/phoenix-otel";
import { traceTool } from "@arizeai/openinference-core";
import { coat, register, Op } from "agent-coat";
import { SECRET, makeCalls, options, report } from "./common.mjs";

const provider = registerPhoenix({ projectName: "compat", url: options.endpoint, batch: true });
process.env.OTEL_EXPORTER_OTLP_ENDPOINT = options.endpoint;
const t = register({ serviceName: "compat", capture: "redacted" });
const calls = await makeCalls(coat, Op)();
const search = traceTool(function search(query) {
  return { query, hits: 1, token: SECRET };
}, { name: "oi-search" });
search(`find Bearer ${SECRET}`);
await t.shutdown();
await provider.shutdown();
// Phoenix's exporter has no capture processor in front of it: the secret in traceTool's input may
// reach the wire, as the README says for other libraries beside a foreign global provider.
report("phoenix-beside", { calls, foreignSpans: [{ name: "oi-search", count: 1 }], global: t.global, foreignUnscrubbed: true });
