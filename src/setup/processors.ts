import type { LogRecordProcessor } from "@opentelemetry/sdk-logs";
import type { Environment } from "../runtime/environment.js";
import { CaptureLogProcessor, CaptureSpanProcessor } from "../processors/capture.js";
import { LogPipeline } from "../processors/log-pipeline.js";
import { LlmTransportStage } from "../processors/llm-transport.js";
import { GenAiTranslationStage } from "../processors/gen-ai-translation.js";
import { SpanPipeline } from "../processors/span-pipeline.js";
import { SealLogRecordProcessor } from "../processors/seal-logs.js";
import { SealSpanProcessor } from "../processors/seal-spans.js";
import type { SealOptions } from "../seal/options.js";
import { BatchLogRecordProcessor } from "@opentelemetry/sdk-logs";
import type { SpanProcessor } from "@opentelemetry/sdk-trace";
import { BatchSpanProcessor } from "@opentelemetry/sdk-trace";
import { batchLogSettings, batchSpanSettings } from "./env.js";
import type { CoatSetupOptions } from "./options.js";
import { resolveDestinations } from "./destinations.js";
import type { Destinations } from "./destinations.js";
import { applySettings } from "./settings.js";
import type { Runtime } from "../runtime/state.js";
import { state } from "../runtime/state.js";

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
  return [setupSpanPipeline(resolveDestinations(options, env, { spans: true, logs: false }), options, env)];
}

/** The log record processors agent-coat would install; see coatSpanProcessors(). */
export function coatLogProcessors(options: CoatSetupOptions = {}): LogRecordProcessor[] {
  const env = options.env ?? process.env;
  applySettings(options, env);
  return [setupLogPipeline(resolveDestinations(options, env, { spans: false, logs: true }), options, env)];
}

/** A setup's span pipeline behind capture and the seal: the durable OTLP paths, and one batch processor per other exporter (OTEL_BSP_*). */
export function setupSpanPipeline(destinations: Pick<Destinations, "spans" | "spanProcessors">, options: CoatSetupOptions, env: Environment): SpanProcessor {
  const batch = batchSpanSettings(env);
  return spanPipeline([...destinations.spanProcessors, ...destinations.spans.map((exporter) => new BatchSpanProcessor({ exporter, ...batch }))], sealOptions(options));
}

/** A setup's log pipeline behind capture and the seal: the durable OTLP paths, and one batch processor per other exporter (OTEL_BLRP_*). */
export function setupLogPipeline(destinations: Pick<Destinations, "logs" | "logProcessors">, options: CoatSetupOptions, env: Environment): LogRecordProcessor {
  const batch = batchLogSettings(env);
  return logPipeline([...destinations.logProcessors, ...destinations.logs.map((exporter) => new BatchLogRecordProcessor({ exporter, ...batch }))], sealOptions(options));
}

/** The seal options of a setup, or undefined when sealing is off. */
export function sealOptions(options: CoatSetupOptions): SealOptions | undefined {
  if (options.seal === false) return undefined;
  return { env: options.env, ...options.seal };
}

/** Capture enforcement, then the seal (which owns the exporting processors), then export. */
export function spanPipeline(exporting: SpanProcessor[], seal: SealOptions | undefined, runtime: Runtime = state): SpanProcessor {
  const next = seal === undefined || exporting.length === 0 ? exporting : [new SealSpanProcessor({ ...seal, next: exporting })];
  return new SpanPipeline([new LlmTransportStage(), new GenAiTranslationStage(runtime), new CaptureSpanProcessor(runtime)], next);
}

export function logPipeline(exporting: LogRecordProcessor[], seal: SealOptions | undefined, runtime: Runtime = state): LogRecordProcessor {
  const next = seal === undefined || exporting.length === 0 ? exporting : [new SealLogRecordProcessor({ ...seal, next: exporting })];
  return new LogPipeline([new CaptureLogProcessor(runtime)], next);
}
