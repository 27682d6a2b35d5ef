/**
 * The seal processors in real SDK pipelines, exporting through the real OTLP exporters into the
 * in-process receiver: what crossed the wire verifies, the final checkpoint is exported before the
 * exporters stop, checkpoints come every N records, every T ms and on flush, sampling and limits
 * leave no gap, and nothing the processors do reaches user code as an exception.
 */
import { diag, DiagLogLevel, SpanKind } from "@opentelemetry/api";
import type { Attributes, Context } from "@opentelemetry/api";
import { OTLPLogExporter as GrpcLogExporter } from "@opentelemetry/exporter-logs-otlp-grpc";
import { OTLPLogExporter as JsonLogExporter } from "@opentelemetry/exporter-logs-otlp-http";
import { OTLPLogExporter as ProtoLogExporter } from "@opentelemetry/exporter-logs-otlp-proto";
import { OTLPTraceExporter as GrpcTraceExporter } from "@opentelemetry/exporter-trace-otlp-grpc";
import { OTLPTraceExporter as JsonTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { OTLPTraceExporter as ProtoTraceExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import { BatchLogRecordProcessor } from "@opentelemetry/sdk-logs";
import type { SpanProcessor, Span, ReadableSpan, Sampler, SamplingResult } from "@opentelemetry/sdk-trace-base";
import { BasicTracerProvider, BatchSpanProcessor, SamplingDecision } from "@opentelemetry/sdk-trace-base";
import { generateKeyPairSync } from "node:crypto";
import { rmSync } from "node:fs";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { SEAL_CHECKPOINT_NAME, SealKey } from "../../src/dialects/keys.js";
import { SealSpanProcessor } from "../../src/processors/seal-spans.js";
import { SealKeyError } from "../../src/seal/keys.js";
import { verifyDocuments } from "../../src/seal/verify.js";
import { verifyFiles } from "../../src/seal/verify-files.js";
import { startOtlpReceiver } from "../support/otlp-receiver.js";
import type { OtlpReceiver } from "../support/otlp-receiver.js";
import { KeepLogs, KeepSpans, sealedProviders } from "./support/pipeline.js";
import { acceptedAsJsonLines, tempDir, writeTemp } from "./support/wire.js";
import { JsonLogsSerializer, JsonTraceSerializer } from "@opentelemetry/otlp-transformer";

let receiver: OtlpReceiver;
const dir = tempDir("coat-seal-proc-");
const warnings: string[] = [];
diag.setLogger({ error: (m) => void warnings.push(m), warn: (m) => void warnings.push(m), info: () => {}, debug: () => {}, verbose: () => {} }, DiagLogLevel.WARN);

beforeAll(async () => {
  receiver = await startOtlpReceiver();
});
afterAll(async () => {
  await receiver.close();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  receiver.reset();
  warnings.length = 0;
});

/** The in-memory records as OTLP JSON documents (the JS SDK's JSON). */
function documents(spans: readonly ReadableSpan[], logs: KeepLogs["records"] = []): unknown[] {
  const docs: unknown[] = [];
  if (spans.length > 0) docs.push(JSON.parse(Buffer.from(JsonTraceSerializer.serializeRequest([...spans])!).toString("utf8")));
  if (logs.length > 0) docs.push(JSON.parse(Buffer.from(JsonLogsSerializer.serializeRequest([...logs])!).toString("utf8")));
  return docs;
}

const checkpointsOf = (spans: readonly ReadableSpan[]) => spans.filter((s) => s.attributes[SealKey.CHECKPOINT_FINAL] !== undefined);

describe("through the real OTLP exporters", () => {
  const transports = {
    "http/json": () => ({ spans: new JsonTraceExporter({ url: `${receiver.httpUrl}/v1/traces` }), logs: new JsonLogExporter({ url: `${receiver.httpUrl}/v1/logs` }) }),
    "http/protobuf": () => ({ spans: new ProtoTraceExporter({ url: `${receiver.httpUrl}/v1/traces` }), logs: new ProtoLogExporter({ url: `${receiver.httpUrl}/v1/logs` }) }),
    grpc: () => ({ spans: new GrpcTraceExporter({ url: receiver.grpcUrl }), logs: new GrpcLogExporter({ url: receiver.grpcUrl }) }),
  };
  for (const [transport, exporters] of Object.entries(transports)) {
    it(`${transport}: what crossed the wire verifies, ending with the final checkpoint`, async () => {
      const { spans, logs } = exporters();
      const p = sealedProviders({ spans: [new BatchSpanProcessor(spans)], logs: [new BatchLogRecordProcessor({ exporter: logs })] });
      for (let i = 0; i < 20; i++) {
        p.tracer.startActiveSpan(`work-${i}`, (span) => {
          p.logger.emit({ eventName: "agent.tool.request", body: { i, text: `call ${i}` } });
          span.setAttribute("i", i);
          span.end();
        });
      }
      await p.shutdown(); // no forceFlush first: shutdown alone must deliver the final checkpoints
      // No checkpoint is a span of its own: the span chain's ride on the agent's spans.
      expect(receiver.spans.map((s) => s.name)).not.toContain(SEAL_CHECKPOINT_NAME);
      expect(receiver.spans.map((s) => s.name).sort()).toEqual(Array.from({ length: 20 }, (_, i) => `work-${i}`).sort());
      expect(receiver.checkpoints.spans.map((s) => [s.name, s.attributes[SealKey.CHECKPOINT_FINAL]])).toEqual([["work-19", true]]);
      expect(receiver.checkpoints.logs.map((l) => l.eventName)).toContain(SEAL_CHECKPOINT_NAME);
      const file = writeTemp(dir, `${transport.replace("/", "-")}.jsonl`, acceptedAsJsonLines(receiver.requests));
      const report = await verifyFiles([file]);
      expect(report.chains.map((c) => [c.signal, c.valid, c.complete, c.records, c.records_verified, c.error])).toEqual([
        ["spans", true, true, 20, 20, null],
        ["logs", true, true, 21, 21, null],
      ]);
      expect(report.chains.map((c) => c.chain)).toEqual([p.spanSeal.chainId, p.logSeal.chainId]);
      expect(report.ok).toBe(true);
    });
  }
});

describe("checkpoints", () => {
  it("come every N records, and the final one last", async () => {
    const kept = new KeepSpans();
    const p = sealedProviders({ spans: [kept], seal: { checkpointEvery: 10 } });
    for (let i = 0; i < 35; i++) p.tracer.startSpan(`s${i}`).end();
    await p.shutdown();
    const checkpoints = checkpointsOf(kept.spans);
    expect(checkpoints.map((c) => [c.attributes[SealKey.SEQ], c.attributes[SealKey.CHECKPOINT_FINAL]])).toEqual([
      [9, false],
      [19, false],
      [29, false],
      [34, true],
    ]);
    expect(kept.spans).toHaveLength(35);
    expect(kept.spans.at(-1)).toBe(checkpoints.at(-1));
    // Each record counts, inside its hash, the checkpoints before it.
    expect(kept.spans.map((s) => s.attributes[SealKey.CHECKPOINTS])).toEqual(kept.spans.map((_, i) => Math.floor(i / 10)));
    const report = verifyDocuments(documents(kept.spans));
    expect([report.ok, report.chains[0]!.checkpoints]).toEqual([true, 4]);
  });

  it("come every T milliseconds while records arrive, none while idle", async () => {
    const kept = new KeepLogs();
    const p = sealedProviders({ logs: [kept], seal: { checkpointIntervalMs: 20 } });
    p.logger.emit({ body: "one" });
    await waitFor(() => kept.records.some((r) => r.attributes[SealKey.CHECKPOINT_FINAL] === false), "a timed checkpoint");
    const afterFirst = kept.records.length;
    await new Promise((resolve) => setTimeout(resolve, 100)); // idle: nothing new to checkpoint
    expect(kept.records.length).toBe(afterFirst);
    await p.shutdown();
    expect(kept.records.map((r) => r.eventName ?? r.body)).toEqual(["one", SEAL_CHECKPOINT_NAME, SEAL_CHECKPOINT_NAME]);
    expect(verifyDocuments(documents([], kept.records)).ok).toBe(true);
  });

  it("come on forceFlush, before the wrapped processors flush", async () => {
    const order: string[] = [];
    const next: SpanProcessor = {
      onStart: () => {},
      onEnd: (span) => void order.push(`end ${span.name}`),
      forceFlush: async () => void order.push("flush"),
      shutdown: async () => void order.push("shutdown"),
    };
    const p = sealedProviders({ spans: [next] });
    p.tracer.startSpan("a").end();
    await p.tracerProvider.forceFlush();
    await p.tracerProvider.forceFlush(); // nothing new: no second checkpoint
    await p.shutdown();
    expect(order).toEqual(["end a", "flush", "flush", "shutdown"]);
  });

  it("forceFlush then shutdown, with no span in between, ends complete; spans after a flush continue the chain", async () => {
    const kept = new KeepSpans();
    const p = sealedProviders({ spans: [kept] });
    p.tracer.startSpan("a").end();
    p.tracer.startSpan("b").end();
    await p.tracerProvider.forceFlush();
    expect(kept.spans.map((s) => [s.name, s.attributes[SealKey.CHECKPOINT_FINAL]])).toEqual([["a", undefined], ["b", true]]);
    await p.shutdown();
    expect(kept.spans).toHaveLength(2);
    const flushed = verifyDocuments(documents(kept.spans)).chains[0]!;
    expect([flushed.valid, flushed.complete, flushed.checkpoints, flushed.error]).toEqual([true, true, 1, null]);

    const more = new KeepSpans();
    const q = sealedProviders({ spans: [more] });
    q.tracer.startSpan("a").end();
    await q.tracerProvider.forceFlush();
    q.tracer.startSpan("c").end();
    q.tracer.startSpan("d").end();
    await q.shutdown();
    expect(more.spans.map((s) => [s.name, s.attributes[SealKey.CHECKPOINT_FINAL], s.attributes[SealKey.CHECKPOINTS]])).toEqual([["a", true, 0], ["c", undefined, 1], ["d", true, 1]]);
    const report = verifyDocuments(documents(more.spans)).chains[0]!;
    expect([report.valid, report.complete, report.checkpoints]).toEqual([true, true, 2]);
    // Cut after the flush: the chain then ends at the flush's final checkpoint, which is all it can say.
    expect(verifyDocuments(documents(more.spans.slice(0, 2))).chains[0]!.complete).toBe(false);
  });

  it("a checkpoint rides on a real sealed span, outside its hash; the ended SDK span is not changed", async () => {
    const kept = new KeepSpans();
    const { privateKey } = generateKeyPairSync("ed25519");
    const sdkSpans: ReadableSpan[] = [];
    const spy: SpanProcessor = { onStart: () => {}, onEnd: (s) => void sdkSpans.push(s), forceFlush: async () => {}, shutdown: async () => {} };
    const provider = new BasicTracerProvider({ spanProcessors: [new SealSpanProcessor({ key: privateKey, next: [kept] }), spy] });
    provider.getTracer("t").startSpan("tool", { kind: SpanKind.CLIENT, attributes: { "tool.name": "lookup" } }).end();
    await provider.shutdown();
    const [carrier] = kept.spans;
    expect(carrier!.name).toBe("tool");
    expect(carrier!.kind).toBe(SpanKind.CLIENT);
    expect(carrier!.attributes).toMatchObject({ "tool.name": "lookup", [SealKey.CHECKPOINT_FINAL]: true, [SealKey.VERSION]: 2, [SealKey.CHECKPOINTS]: 0 });
    expect(typeof carrier!.attributes[SealKey.SIGNATURE]).toBe("string");
    expect(typeof carrier!.attributes[SealKey.KEY_ID]).toBe("string");
    const [sdkSpan] = sdkSpans;
    expect(carrier).not.toBe(sdkSpan);
    expect(sdkSpan!.attributes[SealKey.CHECKPOINT_FINAL]).toBeUndefined(); // never mutated after it ended
    expect(sdkSpan!.attributes[SealKey.HASH]).toBe(carrier!.attributes[SealKey.HASH]);
    expect(carrier!.resource).toBe(sdkSpan!.resource); // serializers group by identity
    expect(carrier!.instrumentationScope).toBe(sdkSpan!.instrumentationScope);
    expect(carrier!.spanContext()).toEqual(sdkSpan!.spanContext());
    expect([carrier!.duration, carrier!.ended, carrier!.events, carrier!.links, carrier!.status, carrier!.parentSpanContext]).toEqual([sdkSpan!.duration, sdkSpan!.ended, sdkSpan!.events, sdkSpan!.links, sdkSpan!.status, sdkSpan!.parentSpanContext]);
    expect(verifyDocuments(documents(kept.spans)).ok).toBe(true);
  });

  it("the hold limit releases a lone span, with a final checkpoint, without a flush", async () => {
    const kept = new KeepSpans();
    const p = sealedProviders({ spans: [kept], seal: { holdMs: 5 } });
    p.tracer.startSpan("lone").end();
    expect(kept.spans).toHaveLength(0); // held back, waiting for the next span
    await waitFor(() => kept.spans.length === 1, "the held span");
    expect(kept.spans[0]!.attributes[SealKey.CHECKPOINT_FINAL]).toBe(true);
    expect(verifyDocuments(documents(kept.spans)).chains[0]!.complete).toBe(true);
    p.tracer.startSpan("next").end();
    await p.shutdown();
    expect(kept.spans.map((s) => [s.name, s.attributes[SealKey.CHECKPOINTS], s.attributes[SealKey.CHECKPOINT_FINAL]])).toEqual([["lone", 0, true], ["next", 1, true]]);
    expect(verifyDocuments(documents(kept.spans)).ok).toBe(true);
  });

  it("span chains: a checkpoint every T milliseconds rides on the span held when the next one is sealed", async () => {
    const kept = new KeepSpans();
    const p = sealedProviders({ spans: [kept], seal: { checkpointIntervalMs: 5, holdMs: 60_000 } });
    p.tracer.startSpan("a").end();
    await new Promise((resolve) => setTimeout(resolve, 15));
    p.tracer.startSpan("b").end();
    p.tracer.startSpan("c").end();
    await p.shutdown();
    expect(kept.spans.map((s) => [s.name, s.attributes[SealKey.CHECKPOINT_FINAL]])).toEqual([["a", false], ["b", undefined], ["c", true]]);
    expect(verifyDocuments(documents(kept.spans)).ok).toBe(true);
  });

  it("are signed with the configured key, which verify checks", async () => {
    const { privateKey, publicKey } = generateKeyPairSync("ed25519");
    const pem = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    const publicPem = publicKey.export({ type: "spki", format: "pem" }).toString();
    const oneLine = pem.trim().replace(/\n/g, "\\n"); // as environment variables often carry PEM
    const keyFile = writeTemp(dir, "seal-key.pem", pem);
    for (const env of [{ ENVPOD_COAT_SEAL_KEY: oneLine }, { ENVPOD_COAT_SEAL_KEY: keyFile }]) {
      const kept = new KeepSpans();
      const p = sealedProviders({ spans: [kept], seal: { env, checkpointEvery: 3 } });
      for (let i = 0; i < 7; i++) p.tracer.startSpan(`s${i}`).end();
      await p.shutdown();
      expect(checkpointsOf(kept.spans).every((c) => typeof c.attributes[SealKey.SIGNATURE] === "string")).toBe(true);
      const signed = verifyDocuments(documents(kept.spans), { publicKey: publicPem }).chains[0]!;
      expect([signed.valid, signed.complete, signed.signature, signed.checkpoints]).toEqual([true, true, "verified", 3]);
      const unchecked = verifyDocuments(documents(kept.spans)).chains[0]!;
      expect([unchecked.valid, unchecked.signature, unchecked.key_id]).toEqual([true, "unverified", signed.key_id]);
    }
  });

  it("stay unsigned without a key, and verify says so", async () => {
    const kept = new KeepSpans();
    const p = sealedProviders({ spans: [kept], seal: { env: {} } });
    p.tracer.startSpan("a").end();
    await p.shutdown();
    const chain = verifyDocuments(documents(kept.spans)).chains[0]!;
    expect([chain.valid, chain.complete, chain.signature, chain.key_id]).toEqual([true, true, "unsigned", null]);
    const { publicKey } = generateKeyPairSync("ed25519");
    const demanded = verifyDocuments(documents(kept.spans), { publicKey }).chains[0]!;
    expect([demanded.valid, demanded.problem]).toEqual([false, "unsigned"]);
  });
});

describe("keys", () => {
  it("a key that cannot sign is a clear configuration error when the processor is built", () => {
    const rsa = generateKeyPairSync("rsa", { modulusLength: 1024 }).privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    const publicOnly = generateKeyPairSync("ed25519").publicKey.export({ type: "spki", format: "pem" }).toString();
    const cases: [Record<string, string>, RegExp][] = [
      [{ ENVPOD_COAT_SEAL_KEY: "-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----" }, /ENVPOD_COAT_SEAL_KEY is not an Ed25519 private key/],
      [{ ENVPOD_COAT_SEAL_KEY: "/no/such/key.pem" }, /neither PEM text nor a readable file \(ENOENT/],
      [{ ENVPOD_COAT_SEAL_KEY: rsa }, /must be an Ed25519 key, got rsa/],
      [{ ENVPOD_COAT_SEAL_KEY: publicOnly }, /ENVPOD_COAT_SEAL_KEY is not an Ed25519 private key/],
    ];
    for (const [env, message] of cases) {
      let error: unknown;
      try {
        sealedProviders({ seal: { env } });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(SealKeyError);
      expect((error as Error).message).toMatch(message);
      expect((error as Error).message).not.toContain("not a key"); // never echoes key material
    }
  });
});

describe("nothing is lost, nothing leaks into user code", () => {
  it("unsampled spans are not sealed (exporters drop them): the chain has no gap", async () => {
    const sampler: Sampler = {
      shouldSample: (_c: Context, _t: string, name: string): SamplingResult => ({ decision: name.startsWith("drop") ? SamplingDecision.RECORD : SamplingDecision.RECORD_AND_SAMPLED }),
      toString: () => "by name",
    };
    const kept = new KeepSpans();
    const p = sealedProviders({ spans: [kept], sampler });
    for (let i = 0; i < 6; i++) p.tracer.startSpan(i % 2 ? `drop${i}` : `keep${i}`).end();
    await p.shutdown();
    const exported = kept.spans.filter((s) => s.spanContext().traceFlags & 1);
    expect(exported.map((s) => s.name)).toEqual(["keep0", "keep2", "keep4"]);
    expect(kept.spans.filter((s) => s.name.startsWith("drop")).every((s) => s.attributes[SealKey.HASH] === undefined)).toBe(true);
    const report = verifyDocuments(documents(exported));
    expect([report.ok, report.chains[0]!.missing]).toEqual([true, 0]);
  });

  it("attribute count and length limits never drop or truncate a seal", async () => {
    const keptSpans = new KeepSpans();
    const keptLogs = new KeepLogs();
    const p = sealedProviders({
      spans: [keptSpans],
      logs: [keptLogs],
      spanLimits: { attributeCountLimit: 3, attributeValueLengthLimit: 8 },
      logRecordLimits: { attributeCountLimit: 3, attributeValueLengthLimit: 8 },
    });
    const attributes: Attributes = {};
    for (let i = 0; i < 10; i++) attributes[`a${i}`] = `value number ${i}`;
    p.tracer.startSpan("full", { attributes }).end();
    p.logger.emit({ attributes, body: "full" });
    await p.shutdown();
    expect(keptSpans.spans[0]!.droppedAttributesCount).toBe(7);
    expect((keptSpans.spans[0]!.attributes[SealKey.HASH] as string).length).toBe(64);
    expect(verifyDocuments(documents(keptSpans.spans, keptLogs.records)).ok).toBe(true);
  });

  it("under concurrency, with spans ending out of start order, the export still verifies", async () => {
    const keptSpans = new KeepSpans();
    const keptLogs = new KeepLogs();
    const p = sealedProviders({ spans: [keptSpans], logs: [keptLogs], seal: { checkpointEvery: 16 } });
    const delays = Array.from({ length: 60 }, (_, i) => (i * 7919) % 13);
    await Promise.all(
      delays.map((delay, i) =>
        p.tracer.startActiveSpan(`task-${i}`, async (span) => {
          p.logger.emit({ eventName: "start", body: { i } });
          await new Promise((resolve) => setTimeout(resolve, delay));
          await Promise.all([1, 2].map((j) => p.tracer.startActiveSpan(`sub-${i}-${j}`, async (sub) => {
            await new Promise((resolve) => setTimeout(resolve, (delay * j) % 5));
            p.logger.emit({ eventName: "sub", body: { i, j } });
            sub.end();
          })));
          span.end();
        }),
      ),
    );
    await p.shutdown();
    const userSpans = keptSpans.spans;
    expect(userSpans).toHaveLength(180);
    const startOrder = [...userSpans].sort((a, b) => a.startTime[0] - b.startTime[0] || a.startTime[1] - b.startTime[1]);
    expect(startOrder.map((s) => s.name)).not.toEqual(userSpans.map((s) => s.name)); // ended out of start order
    // Shuffled, as batches from concurrent exports may land.
    const docs = documents(keptSpans.spans, keptLogs.records);
    const shuffled = [...keptSpans.spans].reverse();
    const report = verifyDocuments([...docs, ...documents(shuffled)]);
    expect(report.chains.map((c) => [c.valid, c.complete, c.duplicates])).toEqual([
      [true, true, keptSpans.spans.length],
      [true, true, 0],
    ]);
  });

  it("a failing wrapped processor never throws into the code that ends a span or emits a log", async () => {
    const throwing: SpanProcessor = {
      onStart: () => {
        throw new Error("onStart broke");
      },
      onEnding: () => {
        throw new Error("onEnding broke");
      },
      onEnd: () => {
        throw new Error("onEnd broke");
      },
      forceFlush: async () => {},
      shutdown: async () => {},
    };
    const kept = new KeepSpans();
    const p = sealedProviders({ spans: [throwing, kept], logs: [{ onEmit: () => { throw new Error("onEmit broke"); }, forceFlush: async () => {}, shutdown: async () => {} }] });
    expect(() => {
      const span = p.tracer.startSpan("survives", { kind: SpanKind.CLIENT });
      span.end();
      p.logger.emit({ body: "survives" });
    }).not.toThrow();
    await p.shutdown();
    expect(kept.spans.map((s) => s.name)).toEqual(["survives"]);
    expect(warnings.filter((w) => w.includes("wrapped"))).toHaveLength(4);
  });

  it("after shutdown nothing more is sealed into the closed chain", async () => {
    const kept = new KeepSpans();
    const p = sealedProviders({ spans: [kept] });
    const late = p.tracer.startSpan("late");
    p.tracer.startSpan("early").end();
    await p.shutdown();
    expect(() => late.end()).not.toThrow();
    expect(late.isRecording()).toBe(false);
    expect(kept.spans.map((s) => s.name)).toEqual(["early"]);
    expect(verifyDocuments(documents(kept.spans)).ok).toBe(true);
  });
});

describe("order in the processor list", () => {
  /** Rewrites an attribute in onEnding, as a redaction processor does. */
  const redactor = (): SpanProcessor => ({
    onStart: () => {},
    onEnding: (span: Span) => void span.setAttribute("secret", "[redacted]"),
    onEnd: () => {},
    forceFlush: async () => {},
    shutdown: async () => {},
  });

  it("a rewrite before the seal is sealed; the same rewrite after it reads as tampering", async () => {
    const keptGood = new KeepSpans();
    const keptBad = new KeepSpans();
    const good = new BasicTracerProvider({ spanProcessors: [redactor(), new SealSpanProcessor({ next: [keptGood] })] });
    const badSeal = new SealSpanProcessor({ next: [redactor(), keptBad] });
    const bad = new BasicTracerProvider({ spanProcessors: [badSeal] });
    for (const provider of [good, bad]) provider.getTracer("t").startSpan("call", { attributes: { secret: "hunter2" } }).end();
    await Promise.all([good.shutdown(), bad.shutdown()]);
    expect(keptGood.spans[0]!.attributes.secret).toBe("[redacted]");
    expect(verifyDocuments(documents(keptGood.spans)).ok).toBe(true);
    const tampered = verifyDocuments(documents(keptBad.spans)).chains[0]!;
    expect([tampered.chain, tampered.valid, tampered.problem, tampered.broken_at?.seq]).toEqual([badSeal.chainId, false, "modified", 0]);
  });
});

async function waitFor(predicate: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (predicate()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

