/**
 * Checkpoint signatures, Ed25519 over UTF-8 text:
 *
 * - form v1: `envpod.seal.checkpoint/1:` + the checkpoint record's own hash (lowercase hex);
 * - form v2: `envpod.seal.checkpoint/2:` + the hash of the record carrying the checkpoint (a
 *   checkpoint log record, or a sealed span) + `:` + `true`|`false` (final) + `:` + the checkpoint's
 *   ordinal in its chain (decimal, from 0: the carrying record's hashed `envpod.seal.checkpoints`).
 *
 * That hash covers the record's seq and prev, so a valid signature authenticates every record of
 * the chain up to and including the one carrying the checkpoint.
 */
import { sign, verify } from "node:crypto";
import type { KeyObject } from "node:crypto";
import type { SigningKey } from "./keys.js";

export const CHECKPOINT_SIGNATURE_CONTEXT_V1 = "envpod.seal.checkpoint/1:";
export const CHECKPOINT_SIGNATURE_CONTEXT = "envpod.seal.checkpoint/2:";

/** What a checkpoint's signature is over. */
export interface CheckpointClaim {
  /** The hash of the record carrying the checkpoint. */
  hash: string;
  /** Form v2 only (v1 signs the hash alone). */
  final?: boolean;
  ordinal?: number;
  version: number;
}

export function checkpointMessage(claim: CheckpointClaim): Buffer {
  const text = claim.version >= 2 ? `${CHECKPOINT_SIGNATURE_CONTEXT}${claim.hash}:${claim.final === true}:${claim.ordinal ?? 0}` : CHECKPOINT_SIGNATURE_CONTEXT_V1 + claim.hash;
  return Buffer.from(text, "utf8");
}

/** The signature of a checkpoint, base64. */
export function signCheckpoint(key: SigningKey, claim: CheckpointClaim): string {
  return sign(null, checkpointMessage(claim), key.privateKey).toString("base64");
}

export function checkpointSignatureValid(publicKey: KeyObject, claim: CheckpointClaim, signature: string): boolean {
  try {
    // Only the exact base64 of the signature: Buffer.from() would skip characters that are not base64.
    const bytes = Buffer.from(signature, "base64");
    if (bytes.toString("base64") !== signature) return false;
    return verify(null, checkpointMessage(claim), publicKey, bytes);
  } catch {
    return false;
  }
}
