// Style "nodesdk": the README's "Already running NodeSDK?" path, agent-coat's processors in the
// user's NodeSDK; plus one span and one log record of the user's own.
import { coat, coatLogProcessors, coatSpanProcessors, Op } from "agent-coat";
import { trace } from "@opentelemetry/api";
import { NodeSDK } from "@opentelemetry/sdk-node";
import { logsApiOfLine, makeCalls, options, report, userLog, userSpan } from "./common.mjs";

process.env.OTEL_RESOURCE_ATTRIBUTES = "team=agents";
const sdk = new NodeSDK({ serviceName: "compat", spanProcessors: coatSpanProcessors(options), logRecordProcessors: coatLogProcessors(options) });
sdk.start();
const calls = await makeCalls(coat, Op)();
const span = userSpan(trace);
const log = userLog(await logsApiOfLine());
await sdk.shutdown();
report("nodesdk", { calls, userSpans: [span], userLogs: [log], resource: { "service.name": "compat", team: "agents" } });
