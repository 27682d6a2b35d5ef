import type { LogRecordProcessor } from "@opentelemetry/sdk-logs";
import { CaptureLogProcessor, CaptureSpanProcessor } from "../processors/capture.js";
import { LogPipeline } from "../processors/log-pipeline.js";
import { SpanPipeline } from "../processors/span-pipeline.js";
import { BatchLogRecordProcessor } from "@opentelemetry/sdk-logs";
import type { SpanProcessor } from "@opentelemetry/sdk-trace-base";
import { BatchSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { batchLogSettings } from "./env.js";
import type { CoatSetupOptions } from "./options.js";
import { resolveDestinations } from "./destinations.js";
import { applySettings } from "./settings.js";

/**
 * For apps that already build their own providers (NodeSDK, phoenix-otel): the span processors
 * agent-coat would install — capture enforcement, then one batch processor per destination, as
 * one pipeline. Put it first in the list: processors before it would see content the mode does
 * not allow. Applies the capture settings to coat(); touches no OpenTelemetry global.
 *
 * ```ts
 * new NodeSDK({ spanProcessors: coatSpanProcessors(opts), logRecordProcessors: coatLogProcessors(opts) })
 * ```
 */
export function coatSpanProcessors(options: CoatSetupOptions = {}): SpanProcessor[] {
  const env = options.env ?? process.env;
  applySettings(options, env);
  return [spanPipeline(resolveDestinations(options, env, { spans: true, logs: false }).spans.map((exporter) => new BatchSpanProcessor(exporter)))];
}

/** The log record processors agent-coat would install; see coatSpanProcessors(). */
export function coatLogProcessors(options: CoatSetupOptions = {}): LogRecordProcessor[] {
  const env = options.env ?? process.env;
  applySettings(options, env);
  const batch = batchLogSettings(env);
  return [logPipeline(resolveDestinations(options, env, { spans: false, logs: true }).logs.map((exporter) => new BatchLogRecordProcessor({ exporter, ...batch })))];
}

/** Capture enforcement ahead of the processors that export. */
export function spanPipeline(exporting: SpanProcessor[]): SpanProcessor {
  return new SpanPipeline([new CaptureSpanProcessor()], exporting);
}

export function logPipeline(exporting: LogRecordProcessor[]): LogRecordProcessor {
  return new LogPipeline([new CaptureLogProcessor()], exporting);
}
