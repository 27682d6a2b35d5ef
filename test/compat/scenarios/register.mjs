// Style "register": agent-coat builds and registers the providers itself.
import { register, coat, Op } from "agent-coat";
import { makeCalls, report } from "./common.mjs";

process.env.OTEL_EXPORTER_OTLP_ENDPOINT = process.env.COMPAT_ENDPOINT;
process.env.OTEL_RESOURCE_ATTRIBUTES = "deployment.environment=compat,team=agents";
const t = register({ serviceName: "compat", capture: "redacted" });
const calls = await makeCalls(coat, Op)();
await t.shutdown();
report("register", { calls, global: t.global, resource: { "service.name": "compat", "deployment.environment": "compat", team: "agents" } });
