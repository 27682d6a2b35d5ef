// Style "providers": the user's own TracerProvider and LoggerProvider with agent-coat's
// processors first and the user's own OTLP exporters after them, registered as the globals.
// The line's module names come from cells.json ("modules"): 2.x BasicTracerProvider from
// @opentelemetry/sdk-trace-base and the logs global of @opentelemetry/api-logs; 3.x TracerProvider
// from @opentelemetry/sdk-trace and `logs` of @opentelemetry/api.
import { coat, coatLogProcessors, coatSpanProcessors, Op } from "agent-coat";
import { context, trace } from "@opentelemetry/api";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import { OTLPLogExporter } from "@opentelemetry/exporter-logs-otlp-proto";
import { logsApiOfLine, makeCalls, modules, options, report, userLog, userSpan } from "./common.mjs";

const traceSdk = await import(modules.traceSdk);
const logsSdk = await import(modules.logsSdk);
const { AsyncLocalStorageContextManager } = await import(modules.contextManager);
const TracerProvider = traceSdk[modules.tracerProvider];
if (typeof TracerProvider !== "function") throw new Error(`${modules.traceSdk} exports no ${modules.tracerProvider}`);

const userEndpoint = process.env.COMPAT_USER_ENDPOINT;
const spanExporter = new OTLPTraceExporter({ url: `${userEndpoint}/v1/traces` });
// 2.x: new BatchSpanProcessor(exporter); 3.x: new BatchSpanProcessor({ exporter }).
const userSpanProcessor = new traceSdk.BatchSpanProcessor(modules.batchSpanProcessorArgument === "options" ? { exporter: spanExporter } : spanExporter);
const tracerProvider = new TracerProvider({ spanProcessors: [...coatSpanProcessors(options), userSpanProcessor] });
const loggerProvider = new logsSdk.LoggerProvider({
  processors: [...coatLogProcessors(options), new logsSdk.BatchLogRecordProcessor({ exporter: new OTLPLogExporter({ url: `${userEndpoint}/v1/logs` }) })],
});
const logs = await logsApiOfLine();
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
trace.setGlobalTracerProvider(tracerProvider);
logs.setGlobalLoggerProvider(loggerProvider);

const calls = await makeCalls(coat, Op)();
const span = userSpan(trace);
const log = userLog(logs);
await tracerProvider.shutdown();
await loggerProvider.shutdown();
report("providers", { calls, userSpans: [span], userLogs: [log], userExporters: true });
