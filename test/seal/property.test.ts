/**
 * Property: random record streams, sealed by the real processors and serialized in a random one of
 * the three JSON shapes, split into random batches in random order, always verify; and any single
 * random mutation of a covered field is detected, every time.
 */
import type { AttributeValue, Attributes, Link } from "@opentelemetry/api";
import { SpanKind, SpanStatusCode, context, trace } from "@opentelemetry/api";
import type { AnyValue, AnyValueMap } from "@opentelemetry/api-logs";
import { JsonLogsSerializer, JsonTraceSerializer, ProtobufLogsSerializer, ProtobufTraceSerializer } from "@opentelemetry/otlp-transformer";
import type { ReadableLogRecord } from "@opentelemetry/sdk-logs";
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { generateKeyPairSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { SealKey } from "../../src/dialects/keys.js";
import { verifyDocuments } from "../../src/seal/verify.js";
import { KeepLogs, KeepSpans, sealedProviders } from "./support/pipeline.js";
import { collectorJson, jaegerJson } from "./support/shapes.js";

type Json = Record<string, any>;

/** mulberry32: a small seeded PRNG, so that a failing trial can be replayed from its seed. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)]!;
  return { next, int, pick };
}
type Rng = ReturnType<typeof prng>;

const ALPHABET = ["a", "b", "Z", "0", " ", "é", "😂", "\n", '"', "\\", "\u0001", "ß", "中"];
const text = (rng: Rng, max = 8) => Array.from({ length: rng.int(max) }, () => rng.pick(ALPHABET)).join("");
const key = (rng: Rng) => rng.pick(["a", "b", "c", "llm.model_name", "input.value", "n", "x.y", "Ü", "k"]) + (rng.int(3) === 0 ? text(rng, 3) : "");

function primitive(rng: Rng): string | number | boolean {
  switch (rng.int(5)) {
    case 0:
      return text(rng);
    case 1:
      return rng.int(2000) - 1000;
    case 2:
      return (rng.int(2000) - 1000) / 8 + 0.1;
    case 3:
      return rng.int(2) === 0;
    default:
      return rng.pick([2 ** 53 + 2, -(2 ** 40), 0, 1e-9]);
  }
}

function attributeValue(rng: Rng): AttributeValue {
  if (rng.int(4) > 0) return primitive(rng);
  const length = rng.int(4);
  switch (rng.int(3)) {
    case 0:
      return Array.from({ length }, () => text(rng));
    case 1:
      return Array.from({ length }, () => rng.int(100));
    default:
      return Array.from({ length }, () => rng.int(2) === 0);
  }
}

function anyValue(rng: Rng, depth = 0): AnyValue {
  switch (depth > 2 ? 0 : rng.int(5)) {
    case 0:
      return primitive(rng);
    case 1:
      return Array.from({ length: rng.int(4) }, () => anyValue(rng, depth + 1));
    case 2:
      return new Uint8Array(Array.from({ length: rng.int(5) }, () => rng.int(256)));
    default: {
      const map: AnyValueMap = {};
      for (let i = rng.int(4); i > 0; i--) map[key(rng)] = anyValue(rng, depth + 1);
      return map;
    }
  }
}

function attributes(rng: Rng, n: number): Attributes {
  const out: Attributes = {};
  for (let i = 0; i < n; i++) out[key(rng)] = attributeValue(rng);
  return out;
}

interface Stream {
  spans: ReadableSpan[];
  logs: ReadableLogRecord[];
}

async function randomStream(rng: Rng, privateKey: string | undefined): Promise<Stream> {
  const spans = new KeepSpans();
  const logs = new KeepLogs();
  const p = sealedProviders({ spans: [spans], logs: [logs], seal: { key: privateKey ?? false, checkpointEvery: 1 + rng.int(6) } });
  const open: ReturnType<typeof p.tracer.startSpan>[] = [];
  for (let step = 2 + rng.int(14); step > 0; step--) {
    const action = rng.int(4);
    if (action === 0 || open.length === 0) {
      const parent = open.length > 0 && rng.int(2) === 0 ? trace.setSpan(context.active(), rng.pick(open)) : context.active();
      const links: Link[] = rng.int(4) === 0 && open.length > 0 ? [{ context: rng.pick(open).spanContext(), attributes: attributes(rng, rng.int(3)) }] : [];
      open.push(p.tracer.startSpan(text(rng, 6) || "span", { kind: rng.pick([SpanKind.INTERNAL, SpanKind.CLIENT, SpanKind.SERVER]), attributes: attributes(rng, rng.int(6)), links }, parent));
    } else if (action === 1) {
      const span = rng.pick(open);
      span.addEvent(rng.pick(["tick", "tock", text(rng, 4)]), attributes(rng, rng.int(3)));
    } else if (action === 2) {
      const span = open.splice(rng.int(open.length), 1)[0]!;
      if (rng.int(3) === 0) span.setStatus(rng.int(2) === 0 ? { code: SpanStatusCode.ERROR, message: text(rng) } : { code: SpanStatusCode.OK });
      span.end();
    } else {
      const within = open.length > 0 && rng.int(2) === 0 ? trace.setSpan(context.active(), rng.pick(open)) : context.active();
      p.logger.emit({
        eventName: rng.int(2) === 0 ? text(rng, 5) : undefined,
        severityNumber: rng.int(25),
        severityText: rng.int(2) === 0 ? "INFO" : undefined,
        body: rng.int(5) === 0 ? undefined : anyValue(rng),
        attributes: Object.fromEntries(Array.from({ length: rng.int(4) }, () => [key(rng), anyValue(rng)])),
        context: within,
      });
    }
  }
  for (const span of open) span.end();
  await p.shutdown();
  return { spans: spans.spans, logs: logs.records };
}

/** The stream as OTLP JSON documents: one shape, random batches, random order. */
function serialize(rng: Rng, stream: Stream): Json[] {
  const shape = rng.pick(["sdk", "collector", "jaeger"] as const);
  const batches = <T>(items: T[]): T[][] => {
    const out: T[][] = [];
    for (let i = 0; i < items.length; ) {
      const size = 1 + rng.int(5);
      out.push(items.slice(i, i + size));
      i += size;
    }
    return out;
  };
  const docs: Json[] = [];
  for (const batch of batches(stream.spans)) {
    if (shape === "sdk") docs.push(JSON.parse(Buffer.from(JsonTraceSerializer.serializeRequest(batch)!).toString("utf8")));
    else {
      const collector = JSON.parse(JSON.stringify(collectorJson("traces", ProtobufTraceSerializer.serializeRequest(batch)!)));
      docs.push(shape === "jaeger" ? JSON.parse(jaegerJson(collector, { legacy: rng.int(2) === 0 })) : collector);
    }
  }
  for (const batch of batches(stream.logs)) {
    docs.push(shape === "sdk" ? JSON.parse(Buffer.from(JsonLogsSerializer.serializeRequest(batch)!).toString("utf8")) : JSON.parse(JSON.stringify(collectorJson("logs", ProtobufLogsSerializer.serializeRequest(batch)!))));
  }
  for (let i = docs.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [docs[i], docs[j]] = [docs[j]!, docs[i]!];
  }
  return docs;
}

interface Place {
  record: Json;
  list: Json[];
  group: Json;
  resource: Json;
  signal: "spans" | "logs";
}

function places(docs: Json[]): Place[] {
  const out: Place[] = [];
  for (const doc of docs) {
    const body = doc.result ?? doc;
    for (const rs of body.resourceSpans ?? []) for (const ss of rs.scopeSpans ?? []) for (const record of ss.spans ?? []) out.push({ record, list: ss.spans, group: ss, resource: rs.resource, signal: "spans" });
    for (const rl of body.resourceLogs ?? []) for (const sl of rl.scopeLogs ?? []) for (const record of sl.logRecords ?? []) out.push({ record, list: sl.logRecords, group: sl, resource: rl.resource, signal: "logs" });
  }
  return out;
}

/** A changed AnyValue, of the same type where possible: never equal to the original. */
function changed(rng: Rng, value: Json | undefined): Json {
  if (value === undefined || Object.keys(value).length === 0) return { stringValue: "was empty" };
  if ("stringValue" in value) return rng.int(3) === 0 && /^-?\d+$/.test(value.stringValue) ? { intValue: value.stringValue } : { stringValue: `${value.stringValue}x` };
  if ("intValue" in value) {
    const n = BigInt(value.intValue);
    return rng.pick([{ intValue: typeof value.intValue === "number" ? Number(n + 1n) : String(n + 1n) }, { stringValue: String(n) }, { doubleValue: Number(n) + 0.5 }]);
  }
  if ("doubleValue" in value) return rng.int(2) === 0 ? { doubleValue: (value.doubleValue ?? 0) + 1 } : { intValue: String(Math.trunc(value.doubleValue ?? 0) + 7) };
  if ("boolValue" in value) return { boolValue: !value.boolValue };
  if ("bytesValue" in value) return { bytesValue: Buffer.concat([Buffer.from(value.bytesValue, "base64"), Buffer.from([7])]).toString("base64") };
  if ("arrayValue" in value) {
    const values = [...(value.arrayValue.values ?? [])];
    if (values.length > 0 && rng.int(2) === 0) values[rng.int(values.length)] = changed(rng, values[0]);
    else values.push({ stringValue: "extra" });
    return { arrayValue: { values } };
  }
  const values = [...(value.kvlistValue.values ?? [])];
  if (values.length > 0 && rng.int(2) === 0) {
    const i = rng.int(values.length);
    values[i] = { key: values[i].key, value: changed(rng, values[i].value) };
  } else values.push({ key: "extra", value: { boolValue: true } });
  return { kvlistValue: { values } };
}

const chainOf = (record: Json) => (record.attributes as Json[] | undefined)?.find((a) => a.key === SealKey.CHAIN)?.value?.stringValue;
const flipHex = (id: string) => (/^[0-9a-f]+$/i.test(id) && id.length > 0 ? (id[0] === "0" ? "1" : "0") + id.slice(1) : `${id}AA`);
const plusOne = (time: string | number | undefined) => String(BigInt(time ?? 0) + 1n);

/** One random mutation of a covered field; returns its description. */
function mutate(rng: Rng, docs: Json[], signed: boolean): string {
  const all = places(docs);
  const target = rng.pick(all);
  const r = target.record;
  const attrs: Json[] = (r.attributes ??= []);
  const sealKeys = new Set<string>(Object.values(SealKey));
  const span = target.signal === "spans";
  const mutations: [string, () => void][] = [
    ["attribute value", () => {
      // A v2 span's checkpoint flag and key id are outside its hash by design: what they claim is
      // checked by the signature, the checkpoint counts of later records and the chain's end (other mutations).
      const a = rng.pick(span ? attrs.filter((x) => x.key !== SealKey.CHECKPOINT_FINAL && x.key !== SealKey.KEY_ID) : attrs) ?? rng.pick(attrs);
      a.value = changed(rng, a.value);
    }],
    ["attribute removed", () => attrs.splice(rng.int(attrs.length), 1)],
    ["attribute added", () => attrs.push({ key: `added.${rng.int(1e6)}`, value: { stringValue: "" } })],
    ["attribute key renamed", () => {
      const a = rng.pick(attrs);
      a.key = `${a.key}_`;
    }],
    // A chain of one record removed whole leaves nothing to verify in its signal: not a seal's to tell.
    ["record removed", () => target.list.splice(target.list.indexOf(r), 1)],
    ["rival record inserted", () => {
      const copy = structuredClone(r);
      (copy.attributes as Json[]).push({ key: "rival", value: { boolValue: true } });
      target.list.push(copy);
    }],
    ["seal attributes of two records swapped", () => {
      // Two records identical but for their seals (two checkpoint records of one millisecond) swap to the same data.
      const content = (x: Json) => JSON.stringify({ ...x, attributes: (x.attributes ?? []).filter((a: Json) => !sealKeys.has(a.key)) });
      const other = rng.pick(all.filter((p) => p.record !== r && p.signal === target.signal && content(p.record) !== content(r)));
      if (other === undefined) return void attrs.splice(0, attrs.length);
      const mine = attrs.filter((a) => sealKeys.has(a.key) && a.key !== SealKey.SIGNATURE);
      const theirs = (other.record.attributes as Json[]).filter((a) => sealKeys.has(a.key) && a.key !== SealKey.SIGNATURE);
      r.attributes = attrs.filter((a) => !mine.includes(a)).concat(theirs);
      other.record.attributes = (other.record.attributes as Json[]).filter((a) => !theirs.includes(a)).concat(mine);
    }],
    ["resource service.name", () => {
      const service = (target.resource.attributes ??= []).find((a: Json) => a.key === "service.name");
      if (service) service.value = changed(rng, service.value);
      else target.resource.attributes.push({ key: "service.name", value: { stringValue: "new" } });
    }],
    ["scope name", () => {
      target.group.scope = { ...(target.group.scope ?? {}), name: `${target.group.scope?.name ?? ""}~` };
    }],
    ["scope version", () => {
      target.group.scope = { ...(target.group.scope ?? {}), version: `${target.group.scope?.version ?? ""}.1` };
    }],
    ["trace id", () => {
      r.traceId = flipHex(r.traceId ?? "");
    }],
    ["span id", () => {
      r.spanId = flipHex(r.spanId ?? "");
    }],
  ];
  if (span) {
    mutations.push(
      ["name", () => (r.name = `${r.name ?? ""}!`)],
      ["start time", () => (r.startTimeUnixNano = plusOne(r.startTimeUnixNano))],
      ["end time", () => (r.endTimeUnixNano = plusOne(r.endTimeUnixNano))],
      ["kind", () => (r.kind = typeof r.kind === "string" ? "SPAN_KIND_PRODUCER" : ((r.kind ?? 0) % 5) + 1)],
      ["status code", () => (r.status = { ...(r.status ?? {}), code: (Number.isInteger(r.status?.code) ? r.status.code + 1 : 1) % 3 })],
      ["status message", () => (r.status = { ...(r.status ?? {}), message: `${r.status?.message ?? ""}?` })],
      ["parent span id", () => (r.parentSpanId = r.parentSpanId ? flipHex(r.parentSpanId) : "0102030405060708")],
      ["event added", () => (r.events ??= []).push({ name: "added", timeUnixNano: "1" })],
      ["event changed", () => {
        if (!r.events?.length) return void (r.events = [{ name: "e", timeUnixNano: "5" }]);
        const event = rng.pick(r.events as Json[]);
        const which = rng.int(3);
        if (which === 0) event.name = `${event.name ?? ""}*`;
        else if (which === 1) event.timeUnixNano = plusOne(event.timeUnixNano);
        else (event.attributes ??= []).push({ key: "added", value: { intValue: "1" } });
      }],
      ["event removed", () => (r.events?.length ? r.events.splice(rng.int(r.events.length), 1) : (r.events = [{ name: "e" }]))],
      ["link", () => (r.links?.length ? (r.links[0].spanId = flipHex(r.links[0].spanId)) : (r.links = [{ traceId: r.traceId, spanId: r.spanId }]))],
    );
  } else {
    mutations.push(
      ["body", () => (r.body = changed(rng, r.body))],
      ["event name", () => (r.eventName = `${r.eventName ?? ""}!`)],
      ["time", () => (r.timeUnixNano = plusOne(r.timeUnixNano))],
      ["observed time", () => (r.observedTimeUnixNano = plusOne(r.observedTimeUnixNano))],
      ["severity number", () => (r.severityNumber = typeof r.severityNumber === "string" ? "SEVERITY_NUMBER_FATAL4" : ((r.severityNumber ?? 0) + 1) % 25)],
      ["severity text", () => (r.severityText = `${r.severityText ?? ""}X`)],
    );
  }
  const signature = attrs.find((a) => a.key === SealKey.SIGNATURE);
  if (signed && signature) mutations.push(["signature", () => (signature.value = { stringValue: Buffer.alloc(64, 1).toString("base64") })]);
  const alone = all.filter((p) => p.signal === target.signal && chainOf(p.record) === chainOf(r)).length === 1;
  const [name, apply] = rng.pick(alone ? mutations.filter(([n]) => n !== "record removed") : mutations);
  apply();
  return `${name} of a ${target.signal === "spans" ? "span" : "log record"}`;
}

describe("random streams, random single mutations", () => {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  const privatePem = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
  const TRIALS = 300;

  it(`untouched: ${TRIALS} of ${TRIALS} verify; mutated: ${TRIALS} of ${TRIALS} detected`, async () => {
    const missed: string[] = [];
    const falseAlarms: string[] = [];
    const kinds = new Set<string>();
    for (let seed = 1; seed <= TRIALS; seed++) {
      const rng = prng(seed);
      const signed = seed % 2 === 0;
      const stream = await randomStream(rng, signed ? privatePem : undefined);
      const options = signed ? { publicKey } : {};
      const docs = serialize(rng, stream);
      const clean = verifyDocuments(docs, options);
      if (!clean.ok) falseAlarms.push(`seed ${seed}: ${clean.chains.map((c) => c.error).join("; ")}`);
      const what = mutate(rng, docs, signed);
      kinds.add(what.split(" of ")[0]!);
      const report = verifyDocuments(docs, options);
      if (report.ok) missed.push(`seed ${seed}: ${what}`);
    }
    expect(falseAlarms).toEqual([]);
    expect(missed).toEqual([]);
    expect(kinds.size).toBeGreaterThan(25); // the mutations drawn cover (nearly) every kind
  });
});

