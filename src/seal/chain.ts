import * as crypto from "node:crypto";
import { createHash, randomBytes } from "node:crypto";
import { SealKey } from "../dialects/keys.js";

/** `prev` of the first record of every chain. */
export const GENESIS = "0".repeat(64);

/** SHA-256 of the UTF-8 bytes of `text` (or of the bytes given), lowercase hex. */
export const sha256Hex: (text: string | Uint8Array) => string =
  // crypto.hash (Node 20.12+) hashes in one step, without a Hash object.
  typeof (crypto as { hash?: unknown }).hash === "function"
    ? (text) => (crypto as unknown as { hash(algorithm: string, data: string | Uint8Array, encoding: string): string }).hash("sha256", text, "hex")
    : (text) => (typeof text === "string" ? createHash("sha256").update(text, "utf8") : createHash("sha256").update(text)).digest("hex");

/**
 * One hash chain: a random id per processor (so per signal and process start), the next sequence
 * number (from 0) and the hash of the last record sealed into it.
 */
export class SealChain {
  readonly id = randomBytes(16).toString("hex");
  private nextSeq = 0;
  private head = GENESIS;

  /** Records sealed so far. */
  get length(): number {
    return this.nextSeq;
  }

  /**
   * Seals one record: writes its chain, seq and prev into `attributes`, hashes its canonical
   * form (which covers them: its text, or that text's UTF-8 bytes) and writes the hash. Returns the hash.
   *
   * The attributes object is written directly, not through setAttribute(): span and log limits
   * (attribute count, value length) must never drop or truncate a seal.
   */
  seal<R>(attributes: Record<string, unknown>, canonical: (record: R) => string | Uint8Array, record: R): string {
    attributes[SealKey.CHAIN] = this.id;
    attributes[SealKey.SEQ] = this.nextSeq;
    attributes[SealKey.PREV] = this.head;
    let hash: string;
    try {
      hash = sha256Hex(canonical(record));
    } catch (error) {
      delete attributes[SealKey.CHAIN];
      delete attributes[SealKey.SEQ];
      delete attributes[SealKey.PREV];
      throw error;
    }
    attributes[SealKey.HASH] = hash;
    this.head = hash;
    this.nextSeq++;
    return hash;
  }
}
