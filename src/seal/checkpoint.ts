/**
 * Checkpoint signatures. A checkpoint is a record of its chain; its signature is Ed25519 over
 * `envpod.seal.checkpoint/1:` followed by the checkpoint's own hash (lowercase hex), as UTF-8.
 * That hash covers the checkpoint's seq and prev, so a valid signature authenticates every
 * record of the chain up to and including the checkpoint.
 */
import { sign, verify } from "node:crypto";
import type { KeyObject } from "node:crypto";
import type { SigningKey } from "./keys.js";

export const CHECKPOINT_SIGNATURE_CONTEXT = "envpod.seal.checkpoint/1:";

export function checkpointMessage(hash: string): Buffer {
  return Buffer.from(CHECKPOINT_SIGNATURE_CONTEXT + hash, "utf8");
}

/** The signature of a checkpoint whose hash is `hash`, base64. */
export function signCheckpoint(key: SigningKey, hash: string): string {
  return sign(null, checkpointMessage(hash), key.privateKey).toString("base64");
}

export function checkpointSignatureValid(publicKey: KeyObject, hash: string, signature: string): boolean {
  try {
    return verify(null, checkpointMessage(hash), publicKey, Buffer.from(signature, "base64"));
  } catch {
    return false;
  }
}
