/**
 * Editing stored OTLP JSON lines the way an attacker (or a careless pipeline) would: change one
 * field of one record, drop or duplicate records, splice in forged ones, cut the tail.
 */
import { SealKey } from "../../../src/dialects/keys.js";
import { sha256Hex } from "../../../src/seal/chain.js";
import { otlpLogCanonical, otlpResourceText, otlpScopeText, otlpSpanCanonical } from "../../../src/seal/otlp-canonical.js";

type Json = Record<string, any>;

export interface Located {
  record: Json;
  resource: Json;
  scope: Json;
  signal: "spans" | "logs";
  /** The array holding the record, and its index there. */
  list: Json[];
  index: number;
  line: number;
}

export class StoredLines {
  readonly docs: Json[];

  constructor(text: string) {
    this.docs = text.split("\n").filter((l) => l.trim() !== "").map((l) => JSON.parse(l));
  }

  text(): string {
    return this.docs.map((d) => JSON.stringify(d)).join("\n") + "\n";
  }

  all(): Located[] {
    const out: Located[] = [];
    this.docs.forEach((doc, line) => {
      for (const rs of doc.resourceSpans ?? []) for (const ss of rs.scopeSpans ?? []) (ss.spans as Json[]).forEach((record, index, list) => out.push({ record, resource: rs.resource, scope: ss.scope, signal: "spans", list, index, line }));
      for (const rl of doc.resourceLogs ?? []) for (const sl of rl.scopeLogs ?? []) (sl.logRecords as Json[]).forEach((record, index, list) => out.push({ record, resource: rl.resource, scope: sl.scope, signal: "logs", list, index, line }));
    });
    return out;
  }

  /** The record of chain `chain` with seq `seq`. */
  at(chain: string, seq: number): Located {
    const found = this.all().find((l) => attr(l.record, SealKey.CHAIN)?.stringValue === chain && Number(attr(l.record, SealKey.SEQ)?.intValue) === seq);
    if (found === undefined) throw new Error(`no record seq ${seq} in chain ${chain}`);
    return found;
  }

  chain(chain: string): Located[] {
    return this.all()
      .filter((l) => attr(l.record, SealKey.CHAIN)?.stringValue === chain)
      .sort((a, b) => seqOf(a.record) - seqOf(b.record));
  }

  remove(located: Located): void {
    located.list.splice(located.list.indexOf(located.record), 1);
  }
}

export function attr(record: Json, key: string): Json | undefined {
  return (record.attributes as Json[]).find((a) => a.key === key)?.value;
}

export function setAttr(record: Json, key: string, value: Json): void {
  const entry = (record.attributes as Json[]).find((a) => a.key === key);
  if (entry) entry.value = value;
  else record.attributes.push({ key, value });
}

export function seqOf(record: Json): number {
  return Number(attr(record, SealKey.SEQ)!.intValue);
}

/** Recomputes the record's seal hash over its (edited) content: what a forger who knows the algorithm does. */
export function reseal(located: Located): string {
  const read = (located.signal === "spans" ? otlpSpanCanonical : otlpLogCanonical)(located.record, otlpResourceText(located.resource), otlpScopeText(located.scope));
  const hash = sha256Hex(read.canonical);
  setAttr(located.record, SealKey.HASH, { stringValue: hash });
  return hash;
}
