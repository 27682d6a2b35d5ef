import type { Sampler, SpanLimits } from "@opentelemetry/sdk-trace";
import { AlwaysOffSampler, AlwaysOnSampler, ParentBasedSampler, TraceIdRatioBasedSampler } from "@opentelemetry/sdk-trace";
import type { Environment } from "../runtime/environment.js";
import { warnOnce } from "../runtime/report.js";
import { dropUndefined, envInt } from "./env.js";

/**
 * OTEL_TRACES_SAMPLER(_ARG) and the span limits, which sdk-trace's TracerProvider does not read
 * (only the sdk-trace-base shim of the 2.x line and sdk-node do): register() reads them here so
 * that both lines behave the same.
 */
export function tracerSettingsFromEnv(env: Environment): { sampler?: Sampler; spanLimits?: SpanLimits } {
  const out: { sampler?: Sampler; spanLimits?: SpanLimits } = {};
  const sampler = samplerFromEnv(env);
  if (sampler !== undefined) out.sampler = sampler;
  const spanLimits = dropUndefined({
    attributeCountLimit: envInt(env, "OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT") ?? envInt(env, "OTEL_ATTRIBUTE_COUNT_LIMIT"),
    attributeValueLengthLimit: envInt(env, "OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT") ?? envInt(env, "OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT"),
    linkCountLimit: envInt(env, "OTEL_SPAN_LINK_COUNT_LIMIT"),
    eventCountLimit: envInt(env, "OTEL_SPAN_EVENT_COUNT_LIMIT"),
    attributePerEventCountLimit: envInt(env, "OTEL_SPAN_ATTRIBUTE_PER_EVENT_COUNT_LIMIT"),
    attributePerLinkCountLimit: envInt(env, "OTEL_SPAN_ATTRIBUTE_PER_LINK_COUNT_LIMIT"),
  });
  if (Object.keys(spanLimits).length > 0) out.spanLimits = spanLimits;
  return out;
}

function samplerFromEnv(env: Environment): Sampler | undefined {
  const name = env.OTEL_TRACES_SAMPLER?.trim().toLowerCase();
  if (!name) return undefined;
  switch (name) {
    case "always_on":
      return new AlwaysOnSampler();
    case "always_off":
      return new AlwaysOffSampler();
    case "traceidratio":
      return new TraceIdRatioBasedSampler(ratioFromEnv(env));
    case "parentbased_always_on":
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
    case "parentbased_always_off":
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case "parentbased_traceidratio":
      return new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(ratioFromEnv(env)) });
    default:
      warnOnce(`OTEL_TRACES_SAMPLER=${name}`, `OTEL_TRACES_SAMPLER="${env.OTEL_TRACES_SAMPLER}" is not one of always_on, always_off, traceidratio, parentbased_always_on, parentbased_always_off, parentbased_traceidratio; using parentbased_always_on`);
      return undefined;
  }
}

function ratioFromEnv(env: Environment): number {
  const raw = env.OTEL_TRACES_SAMPLER_ARG?.trim();
  if (!raw) return 1;
  const ratio = Number(raw);
  if (Number.isFinite(ratio) && ratio >= 0 && ratio <= 1) return ratio;
  warnOnce(`OTEL_TRACES_SAMPLER_ARG=${raw}`, `OTEL_TRACES_SAMPLER_ARG="${raw}" is not a number from 0 to 1; using 1`);
  return 1;
}
