/**
 * Verification of sealed OTLP records: collect them from any number of documents (traces and logs
 * mixed, any order, any number of chains), then recompute every chain.
 *
 * ```ts
 * const report = verifyDocuments(lines.map((line) => JSON.parse(line)), { publicKey: pem });
 * if (!report.ok) console.error(report.chains.filter((c) => !c.valid));
 * ```
 */
import type { KeySource } from "./key-source.js";
import type { VerifyingKey } from "./keys.js";
import { loadVerifyingKey } from "./keys.js";
import type { RecordLabel, RecordSink, SealedRecord } from "./otlp-read.js";
import { readOtlpDocument } from "./otlp-read.js";
import type { MalformedEntry } from "./verify-chain.js";
import { describe, verifyChain } from "./verify-chain.js";
import type { BrokenRecord, VerifyReport } from "./verify-report.js";

export interface VerifyOptions {
  /** Ed25519 public key (SPKI PEM text, a path to one, or a KeyObject): every checkpoint must be signed by it. */
  publicKey?: KeySource;
  /** Records without any seal do not fail verification (they are still counted). */
  allowUnsealed?: boolean;
}

const MAX_EXAMPLES = 10;

/** Collects records as they are read; `report()` recomputes the chains. */
export class Verification implements RecordSink {
  private readonly chains = new Map<string, { records: SealedRecord[]; malformed: MalformedEntry[] }>();
  private readonly key: VerifyingKey | undefined;
  private unsealedCount = 0;
  private readonly unsealedExamples: BrokenRecord[] = [];
  private readonly unreadable: MalformedEntry[] = [];
  skippedLines = 0;

  /** Throws SealKeyError when the public key cannot be used. */
  constructor(private readonly options: VerifyOptions = {}) {
    this.key = options.publicKey === undefined ? undefined : loadVerifyingKey(options.publicKey);
  }

  /** Reads one parsed OTLP JSON document; false (and a skipped line) when it is not one. */
  addDocument(document: unknown, location: string): boolean {
    const read = readOtlpDocument(document, location, this);
    if (!read) this.skippedLines++;
    return read;
  }

  sealed(record: SealedRecord): void {
    this.chain(record.chain).records.push(record);
  }

  unsealed(label: RecordLabel): void {
    this.unsealedCount++;
    if (this.unsealedExamples.length < MAX_EXAMPLES) this.unsealedExamples.push({ seq: null, ...label });
  }

  malformed(chain: string | undefined, label: RecordLabel, reason: string): void {
    if (chain === undefined) this.unreadable.push({ label, reason });
    else this.chain(chain).malformed.push({ label, reason });
  }

  report(): VerifyReport {
    const chains = [...this.chains]
      .map(([id, { records, malformed }]) => verifyChain(id, records, malformed, this.key))
      .sort((a, b) => (a.signal !== b.signal ? (a.signal === "spans" ? -1 : 1) : a.service.localeCompare(b.service) || (a.chain < b.chain ? -1 : 1)));
    const unreadable = this.unreadable.map(({ label, reason }) => ({
      kind: "malformed" as const,
      message: `a record cannot be read: ${reason} (${describe(label)})`,
      record: { seq: null, ...label },
    }));
    return {
      ok: chains.every((c) => c.valid && c.complete) && unreadable.length === 0 && (this.options.allowUnsealed === true || this.unsealedCount === 0),
      chains,
      unsealed: this.unsealedCount,
      unsealed_examples: this.unsealedExamples,
      unreadable,
      skipped_lines: this.skippedLines,
    };
  }

  private chain(id: string) {
    let entry = this.chains.get(id);
    if (entry === undefined) this.chains.set(id, (entry = { records: [], malformed: [] }));
    return entry;
  }
}

/** Verifies parsed OTLP JSON documents (export requests, or Jaeger /api/v3 responses). */
export function verifyDocuments(documents: Iterable<unknown>, options: VerifyOptions = {}): VerifyReport {
  const verification = new Verification(options);
  let index = 0;
  for (const document of documents) verification.addDocument(document, `document ${++index}`);
  return verification.report();
}
