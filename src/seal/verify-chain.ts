/**
 * Recomputes one chain from its records, in any order they were read: sorted by seq, each record's
 * content must match its hash, each prev must be the hash of the record before, the chain must start
 * at GENESIS and end with its final checkpoint, and with a public key every checkpoint must be
 * signed by it. Form v2: every record's hashed checkpoint count must equal the checkpoints found on
 * the records before it (a checkpoint removed or added shows at the next record), and a span chain
 * is complete when its last record carries a final checkpoint (checkpoints ride on sealed spans;
 * after a flush's final one the chain may go on). Every problem is attributed to the one record
 * where it shows.
 */
import { GENESIS } from "./chain.js";
import { checkpointSignatureValid } from "./checkpoint.js";
import type { VerifyingKey } from "./keys.js";
import type { RecordLabel, SealedRecord } from "./otlp-read.js";
import type { BrokenRecord, ChainProblem, ChainReport, ProblemKind } from "./verify-report.js";

const MAX_PROBLEMS = 100;

export interface MalformedEntry {
  label: RecordLabel;
  reason: string;
}

export function verifyChain(chain: string, records: SealedRecord[], malformed: MalformedEntry[], publicKey: VerifyingKey | undefined): ChainReport {
  const first = records[0];
  const signal = first?.signal ?? malformed[0]!.label.signal;
  const problems: ChainProblem[] = [];
  const problem = (kind: ProblemKind, message: string, record: BrokenRecord) => {
    if (problems.length < MAX_PROBLEMS) problems.push({ kind, message, record });
  };
  for (const entry of malformed) problem("malformed", `a record of this chain cannot be read: ${entry.reason} (${describe(entry.label)})`, broken(null, entry.label));

  const sorted = [...records].sort((a, b) => a.seq - b.seq);
  let expected = 0;
  let prevHash: string | undefined = GENESIS;
  let verified = 0;
  let duplicates = 0;
  let missing = 0;
  let present = 0;
  let checkpoints = 0;
  let finalSeq: number | undefined;
  let signed = false;
  let signatureProblem = false;
  let keyId: string | null = null;
  // Form v2: checkpoints counted so far (undefined after a gap: the missing records may have carried some).
  const v2 = records.some((r) => r.version >= 2);
  const carried = v2 && signal === "spans";
  let seen: number | undefined = 0;
  let lastFinal = false;

  for (let i = 0; i < sorted.length; ) {
    const seq = sorted[i]!.seq;
    let end = i + 1;
    while (end < sorted.length && sorted[end]!.seq === seq) end++;
    const group = sorted.slice(i, end);
    const after = sorted[end];
    i = end;
    present++;

    if (seq > expected) {
      const count = seq - expected;
      missing += count;
      seen = undefined;
      problem("gap", `${count} record${count === 1 ? "" : "s"} missing (seq ${expected === seq - 1 ? expected : `${expected}..${seq - 1}`}): lost in export (a dropped batch) or removed`, missingRecord(expected, signal));
      prevHash = undefined;
    }

    // Copies with the same hash are one record; tampered copies and rival records are problems.
    const variants: SealedRecord[] = [];
    for (const record of group) {
      if (!record.intact) {
        problem("modified", `seq ${seq} was changed after sealing: its content no longer matches its hash (${describe(record)})`, broken(seq, record));
      } else if (variants.some((v) => v.hash === record.hash)) duplicates++;
      else variants.push(record);
    }
    let chosen: SealedRecord = group[0]!;
    if (variants.length > 0) {
      // Of rival records, the genuine one is the one the next record links to.
      chosen = variants.find((v) => after !== undefined && after.seq === seq + 1 && after.prev === v.hash) ?? variants[0]!;
      for (const rival of variants) {
        if (rival !== chosen) problem("inserted", `a second, different record claims seq ${seq}: inserted (${describe(rival)})`, broken(seq, rival));
      }
      if (prevHash !== undefined && chosen.prev !== prevHash) {
        const what = seq === 0 ? "the chain's first record does not start from the genesis hash" : `its prev is not the hash of seq ${seq - 1}`;
        problem("broken_link", `seq ${seq} does not follow the record before it (${what}): records were inserted, removed or reordered (${describe(chosen)})`, broken(seq, chosen));
      } else verified++;

      if (v2) {
        const count = chosen.checkpoints ?? 0;
        if (seen !== undefined && prevHash !== undefined && count !== seen) {
          const [kind, what]: [ProblemKind, string] = count > seen ? ["checkpoint_removed", "removed"] : ["checkpoint_added", "added"];
          problem(
            kind,
            `seq ${seq} counts ${count} checkpoint${count === 1 ? "" : "s"} before it, but the records before it carry ${seen}: a checkpoint was ${what} or moved (${describe(chosen)})`,
            broken(seq, chosen),
          );
        }
        seen = count + (chosen.final !== undefined ? 1 : 0);
      }
      lastFinal = chosen.final === true;

      if (chosen.final !== undefined) {
        checkpoints++;
        if (chosen.final && !carried) finalSeq ??= seq;
        if (chosen.signature !== undefined) {
          signed = true;
          keyId ??= chosen.keyId ?? null;
        }
        if (publicKey !== undefined) {
          const fault = signatureFault(chosen, publicKey);
          if (fault !== undefined) {
            signatureProblem = true;
            problem(fault.kind, fault.message, broken(seq, chosen));
          }
        }
      }
    }
    prevHash = chosen.hash;
    expected = seq + 1;
  }

  const lastSeq = expected - 1;
  // A span chain of form v2 ends complete when its last record carries a final checkpoint.
  if (carried && lastFinal) finalSeq = lastSeq;
  if (sorted.length > 0 && finalSeq === undefined) {
    problem("truncated", `no final checkpoint: the chain ends at seq ${lastSeq} (its tail was cut off, or its process did not shut down cleanly)`, missingRecord(expected, signal));
  } else if (finalSeq !== undefined && finalSeq < lastSeq) {
    const extra = sorted.find((r) => r.seq > finalSeq!)!;
    problem("after_final", `seq ${extra.seq} comes after the final checkpoint (seq ${finalSeq}): appended (${describe(extra)})`, broken(extra.seq, extra));
  }

  problems.sort((a, b) => (a.record.seq ?? -1) - (b.record.seq ?? -1));
  const head = problems[0];
  return {
    chain,
    signal,
    service: first?.service ?? "",
    valid: problems.length === 0,
    complete: finalSeq !== undefined && finalSeq === lastSeq && missing === 0,
    records: present,
    records_verified: verified,
    duplicates,
    missing,
    checkpoints,
    signature: publicKey !== undefined ? (signatureProblem ? "invalid" : signed ? "verified" : "unsigned") : signed ? "unverified" : "unsigned",
    key_id: publicKey !== undefined && signed && !signatureProblem ? publicKey.keyId : keyId,
    error: head?.message ?? null,
    broken_at: head?.record ?? null,
    problem: head?.kind ?? null,
    problems,
  };
}

function signatureFault(checkpoint: SealedRecord, publicKey: VerifyingKey): { kind: ProblemKind; message: string } | undefined {
  const where = `checkpoint seq ${checkpoint.seq}`;
  if (checkpoint.signature === undefined) return { kind: "unsigned", message: `${where} is not signed, but a public key was given (${describe(checkpoint)})` };
  if (checkpoint.keyId !== publicKey.keyId) {
    return { kind: "wrong_key", message: `${where} is signed by key ${checkpoint.keyId ?? "(no key id)"}, not by the given key ${publicKey.keyId} (${describe(checkpoint)})` };
  }
  const claim = { hash: checkpoint.hash, final: checkpoint.final, ordinal: checkpoint.checkpoints, version: checkpoint.version };
  if (!checkpointSignatureValid(publicKey.publicKey, claim, checkpoint.signature)) {
    return { kind: "bad_signature", message: `${where}: its signature does not verify with key ${publicKey.keyId} (${describe(checkpoint)})` };
  }
  return undefined;
}

function broken(seq: number | null, label: RecordLabel): BrokenRecord {
  return { seq, signal: label.signal, name: label.name, id: label.id, location: label.location };
}

function missingRecord(seq: number, signal: RecordLabel["signal"]): BrokenRecord {
  return { seq, signal, name: null, id: null, location: null };
}

export function describe(label: RecordLabel): string {
  const kind = label.signal === "spans" ? "span" : "log record";
  return `${kind} ${JSON.stringify(label.name)}${label.id ? ` ${label.id}` : ""} at ${label.location}`;
}
