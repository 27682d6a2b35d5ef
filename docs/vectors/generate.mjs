// Writes docs/vectors/seal-vectors.json (canonical form v1; the v2 vectors are in test/seal/vectors-v2.test.ts): sealed OTLP JSON records with their canonical bytes,
// SHA-256 hashes and Ed25519 checkpoint signatures, for a second implementation to check itself
// against. Everything is fixed (ids, times, chain id, a published test key), so the output is the
// same on every run. Run from the repository root: npm run build && node docs/vectors/generate.mjs
import { createPublicKey } from "node:crypto";
import { writeFileSync } from "node:fs";
import { GENESIS, sha256Hex } from "../../dist/esm/seal/chain.js";
import { CHECKPOINT_SIGNATURE_CONTEXT_V1, signCheckpoint } from "../../dist/esm/seal/checkpoint.js";
import { loadSigningKey } from "../../dist/esm/seal/keys.js";
import { otlpLogCanonical, otlpResourceText, otlpScopeText, otlpSpanCanonical } from "../../dist/esm/seal/otlp-canonical.js";

// A test key, published here on purpose: never sign anything real with it.
const PRIVATE_KEY = `-----BEGIN PRIVATE KEY-----
MC4CAQAwBQYDK2VwBCIEIO0eK9zm0USozxYCkEgDNIF11boz2Xyn2WhAkl7IU799
-----END PRIVATE KEY-----
`;
const key = loadSigningKey(PRIVATE_KEY);
const PUBLIC_KEY = createPublicKey(key.privateKey).export({ type: "spki", format: "pem" }).toString();

const SPAN_CHAIN = "5eed0000000000000000000000000001";
const LOG_CHAIN = "5eed0000000000000000000000000002";
const resource = { attributes: [{ key: "service.name", value: { stringValue: "vector-agent" } }, { key: "host.name", value: { stringValue: "not covered" } }], droppedAttributesCount: 0 };
const scope = { name: "agent-coat", version: "0.1.0" };
const sealScope = { name: "agent-coat.seal", version: "0.1.0" };

const s = (stringValue) => ({ stringValue });
const i = (intValue) => ({ intValue: String(intValue) });

const spans = [
  {
    description: "an LLM span: every AnyValue type, an event, a link, an error status",
    scope,
    record: {
      traceId: "0af7651916cd43dd8448eb211c80319c",
      spanId: "b7ad6b7169203331",
      parentSpanId: "00f067aa0ba902b7",
      name: "askClaude",
      kind: 3,
      startTimeUnixNano: "1795000000000000001",
      endTimeUnixNano: "1795000000250000000",
      attributes: [
        { key: "openinference.span.kind", value: s("LLM") },
        { key: "llm.model_name", value: s("claude-sonnet-4-6") },
        { key: "llm.token_count.prompt", value: i(1200) },
        { key: "llm.temperature", value: { doubleValue: 0.7 } },
        { key: "text.digits", value: s("17") },
        { key: "int.big", value: i("1152921504606846976") },
        { key: "streamed", value: { boolValue: true } },
        { key: "tags", value: { arrayValue: { values: [s("a"), i(2), { doubleValue: 2.5 }, {}] } } },
        { key: "unicode", value: s('é😂 "quoted" \n\u0001') },
        { key: "Zeta", value: s("upper case sorts first") },
      ],
      droppedAttributesCount: 0,
      events: [
        { timeUnixNano: "1795000000100000000", name: "coat.stream.first_chunk", attributes: [] },
        { timeUnixNano: "1795000000050000000", name: "batch", attributes: [{ key: "envpod.tie.data", value: s('{"i":0}') }] },
      ],
      links: [{ traceId: "4bf92f3577b34da6a3ce929d0e0e4736", spanId: "00f067aa0ba902b7", attributes: [{ key: "why", value: s("follows") }] }],
      status: { code: 2, message: "rate limited" },
      flags: 257,
    },
  },
  {
    description: "a tool span: defaults left out (no parent, status unset, no events)",
    scope,
    record: { traceId: "0af7651916cd43dd8448eb211c80319c", spanId: "c7ad6b7169203332", name: "getWeather", kind: 1, startTimeUnixNano: "1795000000300000000", endTimeUnixNano: "1795000000300000500", attributes: [{ key: "tool.name", value: s("getWeather") }], status: {} },
  },
  {
    description: "the final checkpoint of the span chain, signed",
    scope: sealScope,
    checkpoint: true,
    record: { traceId: SPAN_CHAIN, spanId: "d7ad6b7169203333", name: "envpod.seal.checkpoint", kind: 1, startTimeUnixNano: "1795000001000000000", endTimeUnixNano: "1795000001000000000", attributes: [{ key: "envpod.seal.checkpoint.final", value: { boolValue: true } }], status: {} },
  },
];

const logs = [
  {
    description: "an AOT log record: a kvlist body with bytes, nested lists and an empty map",
    scope,
    record: {
      timeUnixNano: "1795000000300000000",
      observedTimeUnixNano: "1795000000300000100",
      severityNumber: 9,
      severityText: "INFO",
      eventName: "agent.tool.request",
      body: {
        kvlistValue: {
          values: [
            { key: "spec", value: s("aotp/0.1") },
            { key: "kind", value: s("agent.tool.request") },
            { key: "payload", value: { kvlistValue: { values: [{ key: "bytes", value: { bytesValue: "AP8Q" } }, { key: "list", value: { arrayValue: { values: [i(1), s("two")] } } }, { key: "empty", value: { kvlistValue: {} } }] } } },
          ],
        },
      },
      attributes: [{ key: "aotp.kind", value: s("agent.tool.request") }],
      droppedAttributesCount: 0,
      flags: 1,
      traceId: "0af7651916cd43dd8448eb211c80319c",
      spanId: "c7ad6b7169203332",
    },
  },
  {
    description: "the final checkpoint of the log chain, signed",
    scope: sealScope,
    checkpoint: true,
    record: { timeUnixNano: "1795000001000000000", observedTimeUnixNano: "1795000001000000000", severityNumber: 9, severityText: "INFO", eventName: "envpod.seal.checkpoint", attributes: [{ key: "envpod.seal.checkpoint.final", value: { boolValue: true } }] },
  },
];

function seal(items, chain, signal) {
  let prev = GENESIS;
  return items.map(({ description, scope: itemScope, record, checkpoint }, seq) => {
    record.attributes.push({ key: "envpod.seal.chain", value: s(chain) }, { key: "envpod.seal.seq", value: i(seq) }, { key: "envpod.seal.prev", value: s(prev) });
    if (checkpoint) record.attributes.push({ key: "envpod.seal.key_id", value: s(key.keyId) });
    const read = (signal === "spans" ? otlpSpanCanonical : otlpLogCanonical)(record, otlpResourceText(resource), otlpScopeText(itemScope));
    const hash = sha256Hex(read.canonical);
    record.attributes.push({ key: "envpod.seal.hash", value: s(hash) });
    let signature;
    if (checkpoint) {
      signature = { message: CHECKPOINT_SIGNATURE_CONTEXT_V1 + hash, base64: signCheckpoint(key, { hash, version: 1 }) };
      record.attributes.push({ key: "envpod.seal.signature", value: s(signature.base64) });
    }
    prev = hash;
    const input = signal === "spans"
      ? { resourceSpans: [{ resource, scopeSpans: [{ scope: itemScope, spans: [record] }] }] }
      : { resourceLogs: [{ resource, scopeLogs: [{ scope: itemScope, logRecords: [record] }] }] };
    return { description, signal, chain, seq, input, canonical: read.canonical, canonical_utf8_hex: Buffer.from(read.canonical, "utf8").toString("hex"), sha256: hash, ...(signature ? { signature } : {}) };
  });
}

const vectors = {
  description: "Test vectors of agent-coat's hash-chain seal: docs/canonical-form.md defines the form. For each record: hash = SHA-256(UTF-8(canonical)); canonical is computed from `input` (an OTLP JSON export request, Collector spelling) leaving out the record's envpod.seal.hash and envpod.seal.signature; checkpoints carry an Ed25519 signature over `signature.message`. Each chain starts from `genesis` and links by envpod.seal.prev.",
  genesis: GENESIS,
  signature_context: CHECKPOINT_SIGNATURE_CONTEXT_V1,
  test_key: { warning: "published test key: never sign anything real with it", private_pkcs8_pem: PRIVATE_KEY, public_spki_pem: PUBLIC_KEY, key_id: key.keyId },
  records: [...seal(spans, SPAN_CHAIN, "spans"), ...seal(logs, LOG_CHAIN, "logs")],
};
writeFileSync(new URL("./seal-vectors.json", import.meta.url), `${JSON.stringify(vectors, null, 2)}\n`);
console.log(`wrote ${vectors.records.length} records`);
