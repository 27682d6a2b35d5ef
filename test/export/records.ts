/**
 * Hand-built ReadableSpan / ReadableLogRecord shapes, for what the SDK will not produce:
 * nested attribute values, unsupported types, dropped counts, scope attributes, odd flags.
 */
import type { HrTime, Link, SpanContext } from "@opentelemetry/api";
import { TraceState } from "@opentelemetry/core";
import type { Resource } from "@opentelemetry/resources";
import type { ReadableLogRecord } from "@opentelemetry/sdk-logs";
import type { ReadableSpan, TimedEvent } from "@opentelemetry/sdk-trace-base";
import type { Random } from "./random.js";
import { chance, int, pick, randomHex, randomHrTime, randomKey, randomNumber, randomObject, randomString, randomValue } from "./random.js";

export interface Scope {
  name: string;
  version?: string;
  schemaUrl?: string;
  attributes?: Record<string, unknown>;
  droppedAttributesCount?: number;
}

export function handResource(r: Random): Resource {
  const resource: Record<string, unknown> = { attributes: chance(r, 0.1) ? undefined : randomObject(r) };
  if (chance(r, 0.5)) resource.schemaUrl = pick(r, ["", "https://opentelemetry.io/schemas/1.26.0", randomString(r)]);
  if (chance(r, 0.3)) resource.droppedAttributesCount = int(r, 5);
  return resource as unknown as Resource;
}

export function handScope(r: Random): Scope {
  const scope: Scope = { name: pick(r, ["agent-coat", "", "@opentelemetry/instrumentation-http", randomString(r)]) };
  if (chance(r, 0.6)) scope.version = pick(r, ["", "0.1.0", randomString(r)]);
  if (chance(r, 0.4)) scope.schemaUrl = pick(r, ["", "https://opentelemetry.io/schemas/1.26.0"]);
  if (chance(r, 0.4)) scope.attributes = randomObject(r);
  if (chance(r, 0.3)) scope.droppedAttributesCount = pick(r, [0, 1, 300, 2 ** 32 + 5]);
  return scope;
}

function traceState(r: Random): TraceState | undefined {
  if (chance(r, 0.6)) return undefined;
  return new TraceState(pick(r, ["", "vendor=value", "a=1,b=2", `k=${"v".repeat(200)}`]));
}

function context(r: Random): SpanContext {
  const c: SpanContext = { traceId: randomHex(r, pick(r, [16, 16, 16, 0, 3])), spanId: randomHex(r, pick(r, [8, 8, 8, 0])), traceFlags: pick(r, [0, 1, 255, 256 + 1, -1]) };
  const state = traceState(r);
  if (state) c.traceState = state;
  if (chance(r, 0.5)) c.isRemote = chance(r, 0.5);
  return c;
}

function attributes(r: Random): Record<string, unknown> | undefined {
  return chance(r, 0.1) ? undefined : randomObject(r);
}

function counts(r: Random): number {
  return pick(r, [0, 0, 1, 127, 128, 70000, 2 ** 32 + 1]);
}

export function handSpan(r: Random, resource: Resource, scope: Scope): ReadableSpan {
  const ctx = context(r);
  const events: TimedEvent[] = Array.from({ length: pick(r, [0, 0, 1, 3]) }, () => {
    const e: TimedEvent & { droppedAttributesCount?: number } = { name: randomString(r), time: randomHrTime(r) as HrTime };
    const a = attributes(r);
    if (a) e.attributes = a as TimedEvent["attributes"];
    if (chance(r, 0.4)) e.droppedAttributesCount = counts(r);
    return e;
  });
  const links: Link[] = Array.from({ length: pick(r, [0, 0, 1, 2]) }, () => {
    const l: Link = { context: context(r) };
    const a = attributes(r);
    if (a) l.attributes = a as Link["attributes"];
    if (chance(r, 0.4)) l.droppedAttributesCount = counts(r);
    return l;
  });
  const span = {
    name: randomString(r),
    kind: pick(r, [0, 1, 2, 3, 4, undefined, null]),
    spanContext: () => ctx,
    parentSpanContext: chance(r, 0.5) ? undefined : { ...context(r), spanId: pick(r, [randomHex(r, 8), ""]) },
    startTime: randomHrTime(r),
    endTime: randomHrTime(r),
    status: { code: pick(r, [0, 1, 2]), ...(chance(r, 0.5) ? { message: pick(r, ["", "boom", randomString(r)]) } : {}) },
    attributes: attributes(r),
    links,
    events,
    duration: [0, 0],
    ended: true,
    resource,
    instrumentationScope: scope,
    droppedAttributesCount: counts(r),
    droppedEventsCount: counts(r),
    droppedLinksCount: counts(r),
  };
  return span as unknown as ReadableSpan;
}

export function handLog(r: Random, resource: Resource, scope: Scope): ReadableLogRecord {
  const record: Record<string, unknown> = {
    hrTime: randomHrTime(r),
    hrTimeObserved: randomHrTime(r),
    attributes: attributes(r) ?? {},
    droppedAttributesCount: counts(r),
    resource,
    instrumentationScope: scope,
  };
  if (chance(r, 0.7)) record.severityNumber = pick(r, [0, 1, 9, 17, 24]);
  if (chance(r, 0.5)) record.severityText = pick(r, ["", "INFO", "ERROR", randomString(r)]);
  if (chance(r, 0.9)) record.body = chance(r, 0.3) ? randomObject(r) : randomValue(r);
  if (chance(r, 0.4)) record.eventName = pick(r, ["", "aot.step", randomString(r)]);
  if (chance(r, 0.6)) record.spanContext = context(r);
  if (chance(r, 0.1)) record.attributes = { [randomKey(r)]: randomNumber(r) };
  return record as unknown as ReadableLogRecord;
}
