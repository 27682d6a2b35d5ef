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
import type { RecordLabel, SealedRecord } from "./otlp-read.js";
import { readOtlpDocument } from "./otlp-read.js";
import type { ReplayTarget } from "./recorded-reading.js";
import type { MalformedEntry } from "./verify-chain.js";
import { describe, verifyChain } from "./verify-chain.js";
import type { BrokenRecord, ChainReport, FileReport, VerifyReport } from "./verify-report.js";

export interface VerifyOptions {
  /** Ed25519 public key (SPKI PEM text, a path to one, or a KeyObject): every checkpoint must be signed by it. */
  publicKey?: KeySource;
  /** Records without any seal do not fail verification (they are still counted). */
  allowUnsealed?: boolean;
  /** Input lines (documents) that are not OTLP JSON do not fail verification (they are still counted). */
  allowSkippedLines?: boolean;
  /**
   * `verifyFiles`: threads that read a file of 8 MiB or more, each a part of it, the calling one
   * and `threads - 1` workers (default: the machine's available parallelism, at most 4); 1 reads
   * every file on the calling thread. The report is the same either way.
   */
  threads?: number;
}

const MAX_EXAMPLES = 10;

interface Counts {
  lines: number;
  records: number;
  unsealed: number;
  skipped: number;
}

/** Collects records as they are read; `report()` recomputes the chains. */
export class Verification implements ReplayTarget {
  private readonly chains = new Map<string, { records: SealedRecord[]; malformed: MalformedEntry[] }>();
  private readonly key: VerifyingKey | undefined;
  private unsealedCount = 0;
  private readonly unsealedExamples: BrokenRecord[] = [];
  private readonly unreadable: MalformedEntry[] = [];
  private readonly files: { path: string; from: Counts; threads: number }[] = [];
  private sealedRecords = 0;
  /** Non-blank input lines (or documents) read, readable or not. */
  lines = 0;
  /** Of those, the ones that are not OTLP JSON. */
  skippedLines = 0;

  /** Throws SealKeyError when the public key cannot be used. */
  constructor(private readonly options: VerifyOptions = {}) {
    this.key = options.publicKey === undefined ? undefined : loadVerifyingKey(options.publicKey);
  }

  /**
   * Reads one parsed OTLP JSON document that spans `lines` input lines (counted as read); false
   * (and those lines counted as skipped) when it is not one.
   */
  addDocument(document: unknown, location: string, lines = 1): boolean {
    this.lines += lines;
    const read = readOtlpDocument(document, location, this);
    if (!read) this.skippedLines += lines;
    return read;
  }

  /** Counts one input line (or document) whose records were read elsewhere; `read` false when it is not OTLP JSON. */
  countLine(read: boolean): void {
    this.lines++;
    if (!read) this.skippedLines++;
  }

  /** Marks the start of an input file: the report then says what each file held, and fails one that holds no sealed record. */
  startFile(path: string): void {
    this.files.push({ path, from: this.counts(), threads: 1 });
  }

  /** The file started last was read by `threads` threads (this one and its workers). */
  readWith(threads: number): void {
    this.files[this.files.length - 1]!.threads = threads;
  }

  sealed(record: SealedRecord): void {
    this.sealedRecords++;
    this.chain(record.chain).records.push(record);
  }

  unsealed(label: RecordLabel): void {
    this.unsealedCount++;
    if (this.unsealedExamples.length < MAX_EXAMPLES) this.unsealedExamples.push({ seq: null, ...label });
  }

  malformed(chain: string | undefined, label: RecordLabel, reason: string): void {
    if (chain === undefined) this.unreadable.push({ label, reason });
    else {
      this.sealedRecords++;
      this.chain(chain).malformed.push({ label, reason });
    }
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
    const files = this.fileReports();
    const reason = this.reason(chains, unreadable.length, files);
    return {
      ok: reason === null,
      reason,
      lines: this.lines,
      records: this.sealedRecords,
      files,
      chains,
      unsealed: this.unsealedCount,
      unsealed_examples: this.unsealedExamples,
      unreadable,
      skipped_lines: this.skippedLines,
    };
  }

  private counts(): Counts {
    return { lines: this.lines, records: this.sealedRecords, unsealed: this.unsealedCount, skipped: this.skippedLines };
  }

  private fileReports(): FileReport[] {
    return this.files.map(({ path, from, threads }, i) => {
      const to = this.files[i + 1]?.from ?? this.counts();
      const counts = { lines: to.lines - from.lines, records: to.records - from.records, unsealed: to.unsealed - from.unsealed, skipped: to.skipped - from.skipped };
      const reason = counts.lines === 0 ? `${path} is empty` : counts.records === 0 ? `${path} holds ${nothingSealed(counts, "line")}` : null;
      return { path, lines: counts.lines, records: counts.records, unsealed: counts.unsealed, skipped_lines: counts.skipped, threads, reason };
    });
  }

  /** Why the report fails, in one sentence; null when it is ok. */
  private reason(chains: readonly ChainReport[], unreadableRecords: number, files: readonly FileReport[]): string | null {
    const unit = this.files.length > 0 ? "line" : "document";
    if (this.lines === 0) {
      return `0 records: ${files.length === 0 ? "no documents" : files.length === 1 ? "the file is empty" : files.length === 2 ? "both files are empty" : `all ${files.length} files are empty`}`;
    }
    const totals = this.counts();
    if (totals.records === 0) {
      const of = files.length > 1 ? ` of ${files.length} files` : "";
      return nothingSealed(totals, unit, of) + (unreadableRecords > 0 ? `; ${plural(unreadableRecords, "record")} cannot be read` : "");
    }
    const parts = files.length > 1 ? files.flatMap((f) => (f.reason === null ? [] : [f.reason])) : [];
    const failed = chains.filter((c) => !c.valid || !c.complete).length;
    if (failed > 0) parts.push(`${failed} of ${chains.length} chains do not verify`);
    if (unreadableRecords > 0) parts.push(`${plural(unreadableRecords, "record")} cannot be read`);
    if (totals.unsealed > 0 && this.options.allowUnsealed !== true) parts.push(`${plural(totals.unsealed, "record")} without a seal`);
    if (totals.skipped > 0 && this.options.allowSkippedLines !== true) parts.push(`${number(totals.skipped)} of ${plural(totals.lines, unit)} unreadable (not OTLP JSON)`);
    return parts.length === 0 ? null : parts.join("; ");
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

const number = (n: number): string => n.toLocaleString("en-US");
const plural = (n: number, unit: string): string => `${number(n)} ${unit}${n === 1 ? "" : "s"}`;

/** `no sealed records in 23,199 lines (23,199 unreadable)`: what was found instead. */
function nothingSealed(counts: Counts, unit: string, of = ""): string {
  const found = [...(counts.skipped > 0 ? [`${number(counts.skipped)} unreadable`] : []), ...(counts.unsealed > 0 ? [`${plural(counts.unsealed, "record")} without a seal`] : [])];
  return `no sealed records in ${plural(counts.lines, unit)}${of}${found.length > 0 ? ` (${found.join(", ")})` : ""}`;
}
