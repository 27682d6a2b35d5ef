import type { Signal } from "./otlp-read.js";

/** What went wrong at one place of a chain. */
export type ProblemKind =
  | "modified" // a record's content no longer matches its hash
  | "inserted" // a second, different record claims a place in the chain
  | "broken_link" // a record's prev is not the hash of the record before it
  | "gap" // records missing: lost in export (a dropped batch) or removed
  | "truncated" // no final checkpoint: the tail is cut off, or the process never shut down
  | "after_final" // records after the final checkpoint
  | "unsigned" // a public key was given but a checkpoint carries no signature
  | "wrong_key" // a checkpoint is signed by another key than the given one
  | "bad_signature" // a checkpoint's signature does not verify
  | "malformed" // a record claiming the chain cannot be read
  | "checkpoint_removed" // form v2: a record counts more checkpoints before it than the records before it carry
  | "checkpoint_added"; // form v2: a record counts fewer checkpoints before it than the records before it carry

/** The record a problem is found at. A missing record has no name, id or location. */
export interface BrokenRecord {
  seq: number | null;
  signal: Signal;
  name: string | null;
  id: string | null;
  location: string | null;
}

export interface ChainProblem {
  kind: ProblemKind;
  message: string;
  record: BrokenRecord;
}

/** Per chain, the qp-capsule result shape `{ valid, records_verified, error, broken_at }` and more. */
export interface ChainReport {
  chain: string;
  signal: Signal;
  service: string;
  /** No problem of any kind. */
  valid: boolean;
  /** Ends with its final checkpoint, nothing missing: the whole chain is here. */
  complete: boolean;
  /** Distinct records present (duplicates counted once). */
  records: number;
  /** Records whose content matches their hash and whose link to the record before verifies (or follows a reported gap). */
  records_verified: number;
  /** Exact copies of a record (an exporter retry delivers a batch twice): not tampering, counted. */
  duplicates: number;
  /** Sequence numbers missing inside the chain. */
  missing: number;
  checkpoints: number;
  /** `verified` with the given public key; `unverified` signed but no key given; `unsigned`; `invalid`. */
  signature: "verified" | "unverified" | "unsigned" | "invalid";
  key_id: string | null;
  /** The first problem, or null. */
  error: string | null;
  broken_at: BrokenRecord | null;
  problem: ProblemKind | null;
  /** Every problem found, in chain order (at most 100). */
  problems: ChainProblem[];
}

/** What one input file of `verifyFiles` held. */
export interface FileReport {
  path: string;
  /** Non-blank lines read. */
  lines: number;
  /** Records that carry a seal (duplicates included). */
  records: number;
  unsealed: number;
  /** Lines that are not OTLP JSON. */
  skipped_lines: number;
  /** Threads that read it: 1, or the calling thread and the workers that each read a part of a large file. */
  threads: number;
  /** Why this file fails on its own (it is empty, or holds no sealed record), or null. */
  reason: string | null;
}

export interface VerifyReport {
  /**
   * Something was verified and nothing is wrong: at least one sealed record was read (in every file
   * given), every chain is valid and complete, no record is outside a chain, and no record without a
   * seal (unless `allowUnsealed`) or input line that is not OTLP JSON (unless `allowSkippedLines`)
   * was found. An empty input, or one with no sealed record, is never ok.
   */
  ok: boolean;
  /** Why `ok` is false, in one sentence (`no sealed records in 23,199 lines (23,199 unreadable)`), or null. */
  reason: string | null;
  /** Non-blank input lines read (for `verifyDocuments`: documents). */
  lines: number;
  /** Records that carry a seal (duplicates included), in all chains. */
  records: number;
  /** Per input file, in the order given (empty for `verifyDocuments`). */
  files: FileReport[];
  chains: ChainReport[];
  /** Records that carry no seal at all (not produced under a seal processor, or inserted). */
  unsealed: number;
  unsealed_examples: BrokenRecord[];
  /** Records that cannot be read and claim no chain. */
  unreadable: ChainProblem[];
  /** Input lines that are not OTLP JSON (unreadable: not JSON, or JSON but no OTLP traces or logs). */
  skipped_lines: number;
}
