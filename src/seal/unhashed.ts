import { SealKey } from "../dialects/keys.js";

/** The record's own hash and checkpoint signature attest the canonical form, so they stay out of it. */
export function isUnhashedSealKey(key: string): boolean {
  return key === SealKey.HASH || key === SealKey.SIGNATURE;
}
