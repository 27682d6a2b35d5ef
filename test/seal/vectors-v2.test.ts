/**
 * Form v2 vectors (docs/canonical-form.md, "Form v2"): an OTLP JSON log record with a long body
 * and a span carrying a signed final checkpoint → canonical text → SHA-256, written out here so a
 * second implementation can compare; the SDK objects give the same bytes, and the pair verifies.
 */
import { createHash, createPublicKey, verify } from "node:crypto";
import { describe, expect, it } from "vitest";
import { otlpLogCanonical, otlpResourceText, otlpScopeText, otlpSpanCanonical } from "../../src/seal/otlp-canonical.js";
import { loadSigningKey } from "../../src/seal/keys.js";
import { signCheckpoint } from "../../src/seal/checkpoint.js";
import { verifyDocuments } from "../../src/seal/verify.js";

const PRIVATE_KEY = "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIO0eK9zm0USozxYCkEgDNIF11boz2Xyn2WhAkl7IU799\n-----END PRIVATE KEY-----\n";
const sha = (text: string) => createHash("sha256").update(text, "utf8").digest("hex");
const LONG = "a".repeat(1024);
const resource = { attributes: [{ key: "service.name", value: { stringValue: "vector-agent" } }] };
const scope = { name: "agent-coat", version: "0.1.0" };
const CHAIN = "5eed0000000000000000000000000003";
const GENESIS = "0".repeat(64);

const seal = (seq: number, prev: string, checkpoints: number) => [
  { key: "envpod.seal.chain", value: { stringValue: CHAIN } },
  { key: "envpod.seal.seq", value: { intValue: String(seq) } },
  { key: "envpod.seal.prev", value: { stringValue: prev } },
  { key: "envpod.seal.v", value: { intValue: "2" } },
  { key: "envpod.seal.checkpoints", value: { intValue: String(checkpoints) } },
];

const SPAN_TEXT =
  '{"attributes":[{"key":"envpod.seal.chain","value":{"stringValue":"5eed0000000000000000000000000003"}},{"key":"envpod.seal.checkpoints","value":{"intValue":"0"}},{"key":"envpod.seal.prev","value":{"stringValue":"0000000000000000000000000000000000000000000000000000000000000000"}},{"key":"envpod.seal.seq","value":{"intValue":"0"}},{"key":"envpod.seal.v","value":{"intValue":"2"}},{"key":"input.value","value":{"stringSha256":"' +
  sha(LONG) +
  '"}},{"key":"short","value":{"stringValue":"sha256:not a digest"}}],"endTimeUnixNano":"1795000000200000000","events":[],"form":"span/2","kind":1,"links":[],"name":"getWeather","parentSpanId":"","resource":{"attributes":[{"key":"service.name","value":{"stringValue":"vector-agent"}}]},"scope":{"name":"agent-coat","version":"0.1.0"},"spanId":"c7ad6b7169203332","startTimeUnixNano":"1795000000100000000","status":{"code":0,"message":""},"traceId":"0af7651916cd43dd8448eb211c80319c"}';

describe("seal test vectors, form v2", () => {
  it("a span with a long string and a signed final checkpoint: canonical text, hash, signature message", () => {
    const key = loadSigningKey(PRIVATE_KEY);
    const span: Record<string, any> = {
      traceId: "0af7651916cd43dd8448eb211c80319c",
      spanId: "c7ad6b7169203332",
      name: "getWeather",
      kind: 1,
      startTimeUnixNano: "1795000000100000000",
      endTimeUnixNano: "1795000000200000000",
      attributes: [...seal(0, GENESIS, 0), { key: "input.value", value: { stringValue: LONG } }, { key: "short", value: { stringValue: "sha256:not a digest" } }],
      status: {},
    };
    const read = otlpSpanCanonical(span, otlpResourceText(resource), otlpScopeText(scope));
    expect(read.canonical).toBe(SPAN_TEXT);
    const hash = sha(SPAN_TEXT);
    const signature = signCheckpoint(key, { hash, final: true, ordinal: 0, version: 2 });
    const message = `envpod.seal.checkpoint/2:${hash}:true:0`;
    expect(verify(null, Buffer.from(message, "utf8"), createPublicKey(key.privateKey), Buffer.from(signature, "base64"))).toBe(true);
    span.attributes.push(
      { key: "envpod.seal.hash", value: { stringValue: hash } },
      { key: "envpod.seal.checkpoint.final", value: { boolValue: true } },
      { key: "envpod.seal.key_id", value: { stringValue: key.keyId } },
      { key: "envpod.seal.signature", value: { stringValue: signature } },
    );
    // The checkpoint attributes stay outside the span's hash.
    expect(otlpSpanCanonical(span, otlpResourceText(resource), otlpScopeText(scope)).canonical).toBe(SPAN_TEXT);
    const report = verifyDocuments([{ resourceSpans: [{ resource, scopeSpans: [{ scope, spans: [span] }] }] }], { publicKey: createPublicKey(key.privateKey) });
    expect(report.chains.map((c) => [c.valid, c.complete, c.signature, c.checkpoints])).toEqual([[true, true, "verified", 1]]);
  });

  it("a log body of 1024 code units is its digest; of 1023, itself", () => {
    const log = (body: string) => ({ timeUnixNano: "1", observedTimeUnixNano: "2", body: { stringValue: body }, attributes: seal(0, GENESIS, 0) });
    expect(otlpLogCanonical(log(LONG), otlpResourceText(resource), otlpScopeText(scope)).canonical).toContain(`"body":{"stringSha256":"${sha(LONG)}"}`);
    expect(otlpLogCanonical(log(LONG.slice(1)), otlpResourceText(resource), otlpScopeText(scope)).canonical).toContain(`"body":{"stringValue":"${LONG.slice(1)}"}`);
    // Without envpod.seal.v the same record reads as form v1: the string itself, form log/1.
    const v1 = { ...log(LONG), attributes: seal(0, GENESIS, 0).slice(0, 3) };
    expect(otlpLogCanonical(v1, otlpResourceText(resource), otlpScopeText(scope)).canonical).toMatch(/"body":\{"stringValue":"a{1024}"\}.*"form":"log\/1"/);
  });
});
