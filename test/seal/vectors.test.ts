/**
 * docs/vectors/seal-vectors.json, checked the way a second implementation would check itself:
 * canonical bytes from each input, SHA-256, the chain links, the checkpoint signatures with node's
 * own Ed25519, the key id — and the same canonical bytes from the SDK objects those records are.
 */
import { createHash, createPublicKey, verify } from "node:crypto";
import { readFileSync } from "node:fs";
import { resourceFromAttributes } from "@opentelemetry/resources";
import type { ReadableLogRecord } from "@opentelemetry/sdk-logs";
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { describe, expect, it } from "vitest";
import { canonicalLogRecord, canonicalSpan } from "../../src/seal/canonical-sdk.js";
import { canonicalizeJson } from "../../src/seal/jcs.js";
import { otlpLogCanonical, otlpResourceText, otlpScopeText, otlpSpanCanonical } from "../../src/seal/otlp-canonical.js";
import { verifyDocuments } from "../../src/seal/verify.js";

type Json = Record<string, any>;
const vectors = JSON.parse(readFileSync(new URL("../../docs/vectors/seal-vectors.json", import.meta.url), "utf8"));
const records: Json[] = vectors.records;

const only = (input: Json) => {
  const group = (input.resourceSpans ?? input.resourceLogs)[0];
  const scoped = (group.scopeSpans ?? group.scopeLogs)[0];
  return { resource: group.resource, scope: scoped.scope, record: (scoped.spans ?? scoped.logRecords)[0] };
};
const canonicalOf = (v: Json, input: Json = v.input) => {
  const { resource, scope, record } = only(input);
  return (v.signal === "spans" ? otlpSpanCanonical : otlpLogCanonical)(record, otlpResourceText(resource), otlpScopeText(scope)).canonical;
};
const attribute = (record: Json, key: string) => record.attributes.find((a: Json) => a.key === key)?.value;

describe("seal test vectors", () => {
  it("has span and log chains, each ending with a signed final checkpoint", () => {
    expect(records.map((r) => `${r.signal}/${r.seq}`)).toEqual(["spans/0", "spans/1", "spans/2", "logs/0", "logs/1"]);
    expect(records.filter((r) => r.signature).map((r) => `${r.signal}/${r.seq}`)).toEqual(["spans/2", "logs/1"]);
  });

  for (const v of records) {
    it(`${v.signal} seq ${v.seq}: canonical bytes, hash and link (${v.description})`, () => {
      const canonical = canonicalOf(v);
      expect(canonical).toBe(v.canonical);
      expect(Buffer.from(canonical, "utf8").toString("hex")).toBe(v.canonical_utf8_hex);
      expect(canonicalizeJson(JSON.parse(canonical))).toBe(canonical);
      expect(createHash("sha256").update(Buffer.from(v.canonical_utf8_hex, "hex")).digest("hex")).toBe(v.sha256);
      const { record } = only(v.input);
      expect(attribute(record, "envpod.seal.hash").stringValue).toBe(v.sha256);
      const before = records.find((r) => r.chain === v.chain && r.seq === v.seq - 1);
      expect(attribute(record, "envpod.seal.prev").stringValue).toBe(before?.sha256 ?? vectors.genesis);
    });
  }

  it("checkpoint signatures verify with the published public key; the key id is SHA-256 of its SPKI DER, first 16 bytes", () => {
    const publicKey = createPublicKey(vectors.test_key.public_spki_pem);
    expect(createHash("sha256").update(publicKey.export({ type: "spki", format: "der" })).digest("hex").slice(0, 32)).toBe(vectors.test_key.key_id);
    for (const v of records.filter((r) => r.signature)) {
      expect(v.signature.message).toBe(`${vectors.signature_context}${v.sha256}`);
      expect(verify(null, Buffer.from(v.signature.message, "utf8"), publicKey, Buffer.from(v.signature.base64, "base64"))).toBe(true);
      expect(attribute(only(v.input).record, "envpod.seal.key_id").stringValue).toBe(vectors.test_key.key_id);
    }
  });

  it("verify accepts the vectors as two complete, signed chains", () => {
    const report = verifyDocuments(records.map((r) => r.input), { publicKey: vectors.test_key.public_spki_pem });
    expect(report.chains.map((c) => [c.signal, c.valid, c.complete, c.signature, c.records_verified])).toEqual([
      ["spans", true, true, "verified", 3],
      ["logs", true, true, "verified", 2],
    ]);
  });

  it("other spellings of the same records give the same bytes: intValue numbers, base64 ids, enum names", () => {
    for (const v of records) {
      const respelled = JSON.parse(JSON.stringify(v.input), (key, value) => {
        if (key === "intValue" && Number.isSafeInteger(Number(value))) return Number(value);
        if ((key === "traceId" || key === "spanId" || key === "parentSpanId") && value) return Buffer.from(value, "hex").toString("base64");
        if (key === "kind") return ["SPAN_KIND_UNSPECIFIED", "SPAN_KIND_INTERNAL", "SPAN_KIND_SERVER", "SPAN_KIND_CLIENT"][value];
        if (key === "severityNumber") return "SEVERITY_NUMBER_INFO";
        return value;
      });
      expect(canonicalOf(v, respelled)).toBe(v.canonical);
    }
  });

  it("the SDK objects these records are give the same bytes at sealing time, but for the form's version (sealing writes v2)", () => {
    // These vectors are of form v1; a v1 checkpoint span (its flag and key id hashed) has no v2 counterpart.
    for (const v of records.filter((r) => !(r.signal === "spans" && r.signature))) {
      const { resource, scope, record } = only(v.input);
      const sdkResource = resourceFromAttributes(toAttributes(resource.attributes));
      const canonical =
        v.signal === "spans" ? canonicalSpan(toSpan(record, sdkResource, scope)) : canonicalLogRecord(toLogRecord(record, sdkResource, scope));
      expect(canonical).toBe(v.canonical.replace('"form":"span/1"', '"form":"span/2"').replace('"form":"log/1"', '"form":"log/2"'));
    }
  });
});

function toValue(value: Json): unknown {
  if ("stringValue" in value) return value.stringValue;
  if ("intValue" in value) return Number(value.intValue);
  if ("doubleValue" in value) return value.doubleValue;
  if ("boolValue" in value) return value.boolValue;
  if ("bytesValue" in value) return new Uint8Array(Buffer.from(value.bytesValue, "base64"));
  if ("arrayValue" in value) return (value.arrayValue.values ?? []).map(toValue);
  if ("kvlistValue" in value) return toAttributes(value.kvlistValue.values ?? []);
  return null;
}
const toAttributes = (list: Json[]): Record<string, any> => Object.fromEntries(list.map((kv) => [kv.key, toValue(kv.value)]));
const hrTime = (nanos: string | undefined): [number, number] => {
  const n = BigInt(nanos ?? 0);
  return [Number(n / 1_000_000_000n), Number(n % 1_000_000_000n)];
};

function toSpan(r: Json, resource: ReturnType<typeof resourceFromAttributes>, scope: Json): ReadableSpan {
  return {
    name: r.name,
    kind: (r.kind ?? 0) - 1,
    spanContext: () => ({ traceId: r.traceId, spanId: r.spanId, traceFlags: 1 }),
    parentSpanContext: r.parentSpanId ? { traceId: r.traceId, spanId: r.parentSpanId, traceFlags: 1 } : undefined,
    startTime: hrTime(r.startTimeUnixNano),
    endTime: hrTime(r.endTimeUnixNano),
    status: { code: r.status?.code ?? 0, ...(r.status?.message ? { message: r.status.message } : {}) },
    attributes: toAttributes(r.attributes),
    links: (r.links ?? []).map((l: Json) => ({ context: { traceId: l.traceId, spanId: l.spanId, traceFlags: 1 }, attributes: toAttributes(l.attributes ?? []) })),
    events: (r.events ?? []).map((e: Json) => ({ name: e.name, time: hrTime(e.timeUnixNano), attributes: toAttributes(e.attributes ?? []) })),
    duration: [0, 0],
    ended: true,
    resource,
    instrumentationScope: scope as ReadableSpan["instrumentationScope"],
    droppedAttributesCount: 0,
    droppedEventsCount: 0,
    droppedLinksCount: 0,
  };
}

function toLogRecord(r: Json, resource: ReturnType<typeof resourceFromAttributes>, scope: Json): ReadableLogRecord {
  return {
    hrTime: hrTime(r.timeUnixNano),
    hrTimeObserved: hrTime(r.observedTimeUnixNano),
    severityNumber: r.severityNumber,
    severityText: r.severityText,
    eventName: r.eventName,
    body: r.body === undefined ? undefined : (toValue(r.body) as ReadableLogRecord["body"]),
    attributes: toAttributes(r.attributes),
    spanContext: r.traceId ? { traceId: r.traceId, spanId: r.spanId, traceFlags: r.flags ?? 0 } : undefined,
    resource,
    instrumentationScope: scope as ReadableLogRecord["instrumentationScope"],
    droppedAttributesCount: 0,
  };
}
