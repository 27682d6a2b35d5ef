import type { LogRecordProcessor } from "@opentelemetry/sdk-logs";
import { BatchLogRecordProcessor } from "@opentelemetry/sdk-logs";
import type { SpanProcessor } from "@opentelemetry/sdk-trace-base";
import { BatchSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { batchLogSettings } from "./env.js";
import type { CoatSetupOptions } from "./options.js";
import { resolveDestinations } from "./destinations.js";
import { applySettings } from "./settings.js";

/**
 * For apps that already build their own providers (NodeSDK, phoenix-otel): the span processors
 * agent-coat would install, in order, ending in one batch processor per destination. Applies the
 * capture settings to coat(); touches no OpenTelemetry global.
 *
 * ```ts
 * new NodeSDK({ spanProcessors: coatSpanProcessors(opts), logRecordProcessors: coatLogProcessors(opts) })
 * ```
 */
export function coatSpanProcessors(options: CoatSetupOptions = {}): SpanProcessor[] {
  const env = options.env ?? process.env;
  applySettings(options, env);
  return resolveDestinations(options, env, { spans: true, logs: false }).spans.map((exporter) => new BatchSpanProcessor(exporter));
}

/** The log record processors agent-coat would install; see coatSpanProcessors(). */
export function coatLogProcessors(options: CoatSetupOptions = {}): LogRecordProcessor[] {
  const env = options.env ?? process.env;
  applySettings(options, env);
  const batch = batchLogSettings(env);
  return resolveDestinations(options, env, { spans: false, logs: true }).logs.map((exporter) => new BatchLogRecordProcessor({ exporter, ...batch }));
}
