/**
 * An agent run recorded by the real file sink under the seal processors (signed), then its stored
 * bytes tampered with in every way the issue lists: `verify` must name the right chain, the right
 * kind of problem and the right record — and an untouched file, or one rewritten only in ways the
 * OTLP JSON mapping allows, must verify.
 */
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { BatchSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { generateKeyPairSync } from "node:crypto";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SEAL_CHECKPOINT_NAME, SealKey } from "../../src/dialects/keys.js";
import { signCheckpoint } from "../../src/seal/checkpoint.js";
import { loadSigningKey } from "../../src/seal/keys.js";
import type { ChainReport, VerifyReport } from "../../src/seal/verify-report.js";
import { verifyFiles } from "../../src/seal/verify-files.js";
import { startOtlpReceiver } from "../support/otlp-receiver.js";
import { recordAgentRun } from "./support/agent.js";
import type { RecordedRun } from "./support/agent.js";
import { sealedProviders } from "./support/pipeline.js";
import { StoredLines, attr, reseal, seqOf, setAttr } from "./support/tamper.js";
import { acceptedAsJsonLines, tempDir, writeTemp } from "./support/wire.js";

const dir = tempDir("coat-seal-tamper-");
const genuine = generateKeyPairSync("ed25519");
const attacker = generateKeyPairSync("ed25519");
const pem = (key: typeof genuine.privateKey) => key.export({ type: "pkcs8", format: "pem" }).toString();
const publicKey = genuine.publicKey.export({ type: "spki", format: "pem" }).toString();

let run: RecordedRun;
let original: string;
let tamperCount = 0;

beforeAll(async () => {
  const file = join(dir, "agent.jsonl");
  run = await recordAgentRun(file, { key: pem(genuine.privateKey), checkpointEvery: 8 });
  original = readFileSync(file, "utf8");
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function verifyText(text: string): Promise<VerifyReport> {
  return verifyFiles([writeTemp(dir, `tampered-${++tamperCount}.jsonl`, text)], { publicKey });
}

async function tamper(edit: (stored: StoredLines) => void): Promise<VerifyReport> {
  const stored = new StoredLines(original);
  edit(stored);
  return verifyText(stored.text());
}

function chainOf(report: VerifyReport, id: string): ChainReport {
  const chain = report.chains.find((c) => c.chain === id);
  if (chain === undefined) throw new Error(`chain ${id} not in the report`);
  return chain;
}

/** The kind and seq of the first problem of a chain, and whether the other chain stayed intact. */
function verdict(report: VerifyReport, id: string): [string | null, number | null | undefined] {
  const chain = chainOf(report, id);
  const others = report.chains.filter((c) => c.chain !== id);
  expect(others.every((c) => c.valid && c.complete)).toBe(true);
  expect(report.ok).toBe(false);
  return [chain.problem, chain.broken_at?.seq];
}

/** A copy of the chain's third record, resealed and linked after its last one. */
async function appendToChain(chainId: string): Promise<{ report: VerifyReport; appended: number }> {
  let appended = -1;
  const report = await tamper((stored) => {
    const chain = stored.chain(chainId);
    const final = chain.at(-1)!;
    const forged = structuredClone(chain[2]!.record);
    appended = seqOf(final.record) + 1;
    setAttr(forged, SealKey.SEQ, { intValue: String(appended) });
    setAttr(forged, SealKey.PREV, attr(final.record, SealKey.HASH)!);
    final.list.push(forged);
    reseal({ ...final, record: forged });
  });
  return { report, appended };
}

const spanNamed = (stored: StoredLines, name: string) => stored.chain(run.spanChain).find((l) => l.record.name === name)!;

describe("an untouched export", () => {
  it("verifies: two complete chains, every record verified, signatures checked", async () => {
    const report = await verifyText(original);
    expect(report.ok).toBe(true);
    expect(report.chains.map((c) => [c.chain, c.valid, c.complete, c.signature, c.missing, c.duplicates])).toEqual([
      [run.spanChain, true, true, "verified", 0, 0],
      [run.logChain, true, true, "verified", 0, 0],
    ]);
    for (const chain of report.chains) {
      expect(chain.records_verified).toBe(chain.records);
      expect(chain.checkpoints).toBeGreaterThan(1);
    }
    expect(report.chains[0]!.records).toBe(3 * 5); // 3 rounds of 5 calls: the checkpoints ride on them
    expect(report.chains[0]!.checkpoints).toBe(2); // after 8 records (on seq 7), and the final one (on seq 14)
  });

  it("verifies with its lines in any order, and an exporter's duplicate batch is counted, not blamed", async () => {
    const lines = original.trim().split("\n");
    const report = await verifyText([...lines].reverse().concat(lines[2]!).join("\n"));
    expect(report.ok).toBe(true);
    expect(report.chains.reduce((n, c) => n + c.duplicates, 0)).toBeGreaterThan(0);
  });

  it("verifies after rewrites the OTLP JSON mapping allows: int64 spellings, id encodings, key and attribute order, added resource attributes, dropped counts", async () => {
    const report = await tamper((stored) => {
      for (const { record, resource } of stored.all()) {
        for (const a of record.attributes) if (typeof a.value.intValue === "number") a.value.intValue = String(a.value.intValue);
        record.attributes.reverse();
        if (record.traceId) record.traceId = Buffer.from(record.traceId, "hex").toString("base64");
        if (record.spanId) record.spanId = Buffer.from(record.spanId, "hex").toString("base64");
        if (record.parentSpanId) record.parentSpanId = record.parentSpanId.toUpperCase();
        record.droppedAttributesCount = 3;
        record.flags = 0;
        if (!resource.attributes.some((a: { key: string }) => a.key === "k8s.pod.name")) resource.attributes.push({ key: "k8s.pod.name", value: { stringValue: "agent-7d9" } });
        const reordered = Object.fromEntries(Object.entries(record).reverse());
        for (const key of Object.keys(record)) delete record[key];
        Object.assign(record, reordered);
      }
    });
    expect(report.chains.map((c) => c.error)).toEqual([null, null]);
    expect(report.ok).toBe(true);
  });
});

describe("tampering is caught at the record it touched", () => {
  it("a changed attribute", async () => {
    let seq = -1;
    const report = await tamper((stored) => {
      const llm = stored.chain(run.spanChain).find((l) => attr(l.record, "llm.model_name") !== undefined)!;
      setAttr(llm.record, "llm.model_name", { stringValue: "a-cheaper-model" });
      seq = seqOf(llm.record);
    });
    expect(verdict(report, run.spanChain)).toEqual(["modified", seq]);
    const chain = chainOf(report, run.spanChain);
    expect(chain.broken_at).toMatchObject({ signal: "spans", name: "plan" });
    expect(chain.broken_at!.location).toMatch(/tampered-\d+\.jsonl:\d+$/);
    expect(chain.error).toMatch(/changed after sealing/);
  });

  it("an attribute type changed from int to string, the digits kept", async () => {
    let seq = -1;
    const report = await tamper((stored) => {
      const located = stored.chain(run.spanChain).find((l) => attr(l.record, "llm.token_count.prompt") !== undefined)!;
      setAttr(located.record, "llm.token_count.prompt", { stringValue: "1200" });
      seq = seqOf(located.record);
    });
    expect(verdict(report, run.spanChain)).toEqual(["modified", seq]);
  });

  it("a changed name", async () => {
    let seq = -1;
    const report = await tamper((stored) => {
      const located = spanNamed(stored, "refund");
      located.record.name = "refnud";
      seq = seqOf(located.record);
    });
    expect(verdict(report, run.spanChain)).toEqual(["modified", seq]);
  });

  it("a changed time, by one nanosecond", async () => {
    let seq = -1;
    const report = await tamper((stored) => {
      const located = spanNamed(stored, "lookupOrder");
      located.record.endTimeUnixNano = (BigInt(located.record.endTimeUnixNano) + 1n).toString();
      seq = seqOf(located.record);
    });
    expect(verdict(report, run.spanChain)).toEqual(["modified", seq]);
  });

  it("a changed status: a failed call made to look successful", async () => {
    let seq = -1;
    const report = await tamper((stored) => {
      const failed = stored.chain(run.spanChain).find((l) => l.record.status?.code === 2)!;
      failed.record.status = { code: 1 };
      seq = seqOf(failed.record);
    });
    expect(verdict(report, run.spanChain)).toEqual(["modified", seq]);
  });

  it("a changed event, and a removed one", async () => {
    for (const edit of ["change", "remove"] as const) {
      let seq = -1;
      const report = await tamper((stored) => {
        const located = stored.chain(run.spanChain).find((l) => (l.record.events ?? []).some((e: { name: string }) => e.name === "db.query"))!;
        const event = located.record.events.find((e: { name: string }) => e.name === "db.query");
        if (edit === "change") event.attributes.find((a: { key: string }) => a.key === "envpod.tie.data").value = { stringValue: '{"table":"customers"}' };
        else located.record.events.splice(located.record.events.indexOf(event), 1);
        seq = seqOf(located.record);
      });
      expect(verdict(report, run.spanChain)).toEqual(["modified", seq]);
    }
  });

  it("a changed log body", async () => {
    let seq = -1;
    const report = await tamper((stored) => {
      const located = stored.chain(run.logChain).find((l) => l.record.body?.kvlistValue !== undefined)!;
      const kind = located.record.body.kvlistValue.values.find((kv: { key: string }) => kv.key === "kind");
      kind.value = { stringValue: "agent.tool.response" === kind.value.stringValue ? "agent.tool.request" : "agent.tool.response" };
      seq = seqOf(located.record);
    });
    expect(verdict(report, run.logChain)).toEqual(["modified", seq]);
  });

  it("a changed service.name of the resource", async () => {
    const report = await tamper((stored) => {
      const first = stored.chain(run.logChain)[0]!;
      first.resource.attributes.find((a: { key: string }) => a.key === "service.name").value = { stringValue: "someone-else" };
    });
    expect(chainOf(report, run.logChain).problem).toBe("modified");
  });

  it("a removed record: a gap at its seq", async () => {
    const report = await tamper((stored) => stored.remove(stored.at(run.spanChain, 5)));
    expect(verdict(report, run.spanChain)).toEqual(["gap", 5]);
    const chain = chainOf(report, run.spanChain);
    expect([chain.missing, chain.complete, chain.records_verified]).toEqual([1, false, chain.records]);
    expect(chain.error).toMatch(/1 record missing \(seq 5\)/);
  });

  it("an inserted record: a forged rival for an existing seq, with a valid hash", async () => {
    const report = await tamper((stored) => {
      const target = stored.at(run.spanChain, 6);
      const forged = structuredClone(target.record);
      setAttr(forged, "envpod.fn", { stringValue: "transferFunds" });
      target.list.push(forged);
      reseal({ ...target, record: forged });
    });
    expect(verdict(report, run.spanChain)).toEqual(["inserted", 6]);
    expect(chainOf(report, run.spanChain).error).toMatch(/a second, different record claims seq 6/);
  });

  it("an inserted record without any seal", async () => {
    const report = await tamper((stored) => {
      const target = stored.at(run.spanChain, 3);
      const foreign = structuredClone(target.record);
      foreign.name = "injected";
      foreign.attributes = foreign.attributes.filter((a: { key: string }) => !a.key.startsWith("envpod.seal."));
      target.list.push(foreign);
    });
    expect(report.chains.every((c) => c.valid && c.complete)).toBe(true);
    expect([report.ok, report.unsealed, report.unsealed_examples[0]!.name]).toEqual([false, 1, "injected"]);
    const tolerant = await verifyFiles([join(dir, `tampered-${tamperCount}.jsonl`)], { publicKey, allowUnsealed: true });
    expect([tolerant.ok, tolerant.unsealed]).toEqual([true, 1]);
  });

  it("an inserted record with the rest of the chain renumbered and re-hashed: the checkpoint signature gives it away", async () => {
    const report = await tamper((stored) => {
      const chain = stored.chain(run.spanChain);
      const forged = structuredClone(chain[4]!.record);
      forged.name = "injected";
      chain[4]!.list.push(forged);
      const renumbered = [...chain.slice(0, 5), { ...chain[4]!, record: forged }, ...chain.slice(5)];
      let prev = attr(chain[3]!.record, SealKey.HASH)!.stringValue as string;
      renumbered.slice(4).forEach((located, i) => {
        setAttr(located.record, SealKey.SEQ, { intValue: String(4 + i) });
        setAttr(located.record, SealKey.PREV, { stringValue: prev });
        prev = reseal(located);
      });
    });
    const chain = chainOf(report, run.spanChain);
    expect([chain.problem, chain.signature]).toEqual(["bad_signature", "invalid"]);
    expect(chain.broken_at!.seq).toBe(8); // the span that carried the checkpoint of seq 7, now renumbered
  });

  it("two records swapped in the chain", async () => {
    const report = await tamper((stored) => {
      const [a, b] = [stored.at(run.spanChain, 3).record, stored.at(run.spanChain, 4).record];
      for (const key of [SealKey.SEQ, SealKey.PREV, SealKey.HASH]) {
        const swap = attr(a, key);
        setAttr(a, key, attr(b, key)!);
        setAttr(b, key, swap!);
      }
    });
    expect(verdict(report, run.spanChain)).toEqual(["modified", 3]);
    expect(chainOf(report, run.spanChain).problems.map((p) => [p.kind, p.record.seq])).toEqual([
      ["modified", 3],
      ["modified", 4],
    ]);
  });

  it("two records swapped and re-hashed: the link to the next record breaks", async () => {
    const report = await tamper((stored) => {
      const chain = stored.chain(run.spanChain);
      const [a, b] = [chain[3]!, chain[4]!];
      setAttr(b.record, SealKey.SEQ, { intValue: "3" });
      setAttr(a.record, SealKey.SEQ, { intValue: "4" });
      setAttr(b.record, SealKey.PREV, attr(chain[2]!.record, SealKey.HASH)!);
      setAttr(a.record, SealKey.PREV, { stringValue: reseal(b) });
      reseal(a);
    });
    expect(verdict(report, run.spanChain)).toEqual(["broken_link", 5]);
  });

  it("a truncated tail: no final checkpoint", async () => {
    let last = -1;
    const report = await tamper((stored) => {
      const chain = stored.chain(run.logChain);
      for (const located of chain.slice(-3)) stored.remove(located);
      last = seqOf(chain.at(-4)!.record);
    });
    expect(verdict(report, run.logChain)).toEqual(["truncated", last + 1]);
    const chain = chainOf(report, run.logChain);
    expect([chain.complete, chain.error]).toEqual([false, `no final checkpoint: the chain ends at seq ${last} (its tail was cut off, or its process did not shut down cleanly)`]);
  });

  it("records appended after the final checkpoint (a log chain's is a record of its own, and closes it)", async () => {
    const { report, appended } = await appendToChain(run.logChain);
    expect(verdict(report, run.logChain)[1]).toBe(appended);
    expect(chainOf(report, run.logChain).problems.map((p) => [p.kind, p.record.seq])).toContainEqual(["after_final", appended]);
  });

  it("a span appended to a span chain: it counts fewer checkpoints than the spans before it carry, and ends the chain open", async () => {
    const { report, appended } = await appendToChain(run.spanChain);
    expect(verdict(report, run.spanChain)).toEqual(["checkpoint_added", appended]);
    expect(chainOf(report, run.spanChain).problems.map((p) => p.kind)).toContain("truncated");
  });

  it("a checkpoint signature made by another key", async () => {
    const report = await tamper((stored) => {
      const checkpoint = stored.chain(run.logChain).find((l) => attr(l.record, SealKey.SIGNATURE) !== undefined)!;
      const hash = attr(checkpoint.record, SealKey.HASH)!.stringValue;
      const claim = { hash, final: attr(checkpoint.record, SealKey.CHECKPOINT_FINAL)!.boolValue, ordinal: Number(attr(checkpoint.record, SealKey.CHECKPOINTS)!.intValue), version: 2 };
      setAttr(checkpoint.record, SealKey.SIGNATURE, { stringValue: signCheckpoint(loadSigningKey(attacker.privateKey), claim) });
    });
    const chain = chainOf(report, run.logChain);
    expect([chain.problem, chain.signature, chain.broken_at!.name]).toEqual(["bad_signature", "invalid", SEAL_CHECKPOINT_NAME]);
  });

  it("a whole chain signed by another key", async () => {
    const forgedRun = join(dir, "forged.jsonl");
    const forgery = await recordAgentRun(forgedRun, { key: pem(attacker.privateKey), checkpointEvery: 8 }, 1);
    const report = await verifyFiles([forgedRun], { publicKey });
    const chain = chainOf(report, forgery.spanChain);
    expect([chain.problem, chain.signature, chain.broken_at!.seq, chain.broken_at!.name]).toEqual(["wrong_key", "invalid", 4, "supportRun"]); // 1 round: 5 spans, the last carrying the final checkpoint
    expect(chain.error).toMatch(/signed by key [0-9a-f]{32}, not by the given key/);
    const unpinned = await verifyFiles([forgedRun]);
    expect(unpinned.ok).toBe(true); // without the public key, a consistent forgery is only "unverified"
    expect(unpinned.chains.every((c) => c.signature === "unverified")).toBe(true);
  });
});

describe("checkpoints riding on spans (form v2)", () => {
  const CHECKPOINT_KEYS: string[] = [SealKey.CHECKPOINT_FINAL, SealKey.KEY_ID, SealKey.SIGNATURE];
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const take = (record: Record<string, any>) => {
    const attributes = record.attributes as { key: string }[];
    const taken = attributes.filter((a) => CHECKPOINT_KEYS.includes(a.key));
    record.attributes = attributes.filter((a) => !CHECKPOINT_KEYS.includes(a.key));
    return taken;
  };

  it("no checkpoint is a span of its own; two spans carry the chain's two checkpoints", () => {
    const stored = new StoredLines(original);
    const spans = stored.all().filter((l) => l.signal === "spans");
    expect(spans.map((l) => l.record.name)).not.toContain(SEAL_CHECKPOINT_NAME);
    expect(spans.filter((l) => attr(l.record, SealKey.CHECKPOINT_FINAL) !== undefined).map((l) => [seqOf(l.record), attr(l.record, SealKey.CHECKPOINT_FINAL)!.boolValue])).toEqual([
      [7, false],
      [14, true],
    ]);
  });

  it("a deleted checkpoint (its attributes removed from the span carrying it) shows at the next span", async () => {
    for (const publicKeyGiven of [true, false]) {
      const stored = new StoredLines(original);
      take(stored.at(run.spanChain, 7).record);
      const report = await verifyFiles([writeTemp(dir, `deleted-${publicKeyGiven}.jsonl`, stored.text())], publicKeyGiven ? { publicKey } : {});
      expect(verdict(report, run.spanChain)).toEqual(["checkpoint_removed", 8]);
      expect(chainOf(report, run.spanChain).error).toMatch(/seq 8 counts 1 checkpoint before it, but the records before it carry 0: a checkpoint was removed or moved/);
    }
  });

  it("a moved checkpoint: the count of the span after its old place, and its signature, give it away", async () => {
    const report = await tamper((stored) => {
      const taken = take(stored.at(run.spanChain, 7).record);
      stored.at(run.spanChain, 10).record.attributes.push(...taken);
    });
    expect(verdict(report, run.spanChain)).toEqual(["checkpoint_removed", 8]);
    const kinds = chainOf(report, run.spanChain).problems.map((p) => [p.kind, p.record.seq]);
    expect(kinds).toContainEqual(["bad_signature", 10]);
    expect(kinds).toContainEqual(["checkpoint_added", 11]);
  });

  it("a chain cut after a non-final checkpoint: a lost tail after that record", async () => {
    const report = await tamper((stored) => {
      for (const located of stored.chain(run.spanChain).filter((l) => seqOf(l.record) > 7)) stored.remove(located);
    });
    expect(verdict(report, run.spanChain)).toEqual(["truncated", 8]);
    expect(chainOf(report, run.spanChain).error).toBe("no final checkpoint: the chain ends at seq 7 (its tail was cut off, or its process did not shut down cleanly)");
  });

  it("the final checkpoint stripped from the last span, or turned non-final: a lost tail, or a bad signature", async () => {
    const stripped = await tamper((stored) => void take(stored.at(run.spanChain, 14).record));
    expect(verdict(stripped, run.spanChain)).toEqual(["truncated", 15]);
    const flipped = await tamper((stored) => setAttr(stored.at(run.spanChain, 14).record, SealKey.CHECKPOINT_FINAL, { boolValue: false }));
    expect(chainOf(flipped, run.spanChain).problems.map((p) => p.kind)).toEqual(["bad_signature", "truncated"]);
  });

  it("the form version removed: the record no longer matches its hash", async () => {
    const report = await tamper((stored) => {
      const record = stored.at(run.spanChain, 3).record;
      record.attributes = record.attributes.filter((a: { key: string }) => a.key !== SealKey.VERSION);
    });
    expect(verdict(report, run.spanChain)[0]).toBe("modified");
  });
});

describe("loss in export", () => {
  it("a batch the collector rejected shows as a gap of exactly its records", async () => {
    const receiver = await startOtlpReceiver();
    try {
      const p = sealedProviders({ spans: [new BatchSpanProcessor(new OTLPTraceExporter({ url: `${receiver.httpUrl}/v1/traces` }), { maxExportBatchSize: 512 })] });
      const burst = async (label: string) => {
        for (let i = 0; i < 4; i++) p.tracer.startSpan(`${label}-${i}`).end();
        await p.tracerProvider.forceFlush().catch(() => undefined);
      };
      await burst("first"); // seq 0..3, the flush's checkpoint on seq 3
      receiver.failNext(1, 400); // not retried: the batch is dropped
      await burst("dropped"); // seq 4..7
      await burst("third"); // seq 8..11
      await p.shutdown(); // nothing held back any more: no further export
      expect(receiver.requests.map((r) => r.status)).toEqual([200, 400, 200]);
      const report = await verifyFiles([writeTemp(dir, "lossy.jsonl", acceptedAsJsonLines(receiver.requests))]);
      const chain = report.chains[0]!;
      expect([chain.problem, chain.broken_at?.seq, chain.missing, chain.complete, chain.records_verified]).toEqual(["gap", 4, 4, false, 8]);
      expect(chain.error).toBe("4 records missing (seq 4..7): lost in export (a dropped batch) or removed");
    } finally {
      await receiver.close();
    }
  });
});
