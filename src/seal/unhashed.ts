import { SealKey } from "../dialects/keys.js";

/** The record's own hash and checkpoint signature attest the canonical form, so they stay out of it. */
export function isUnhashedSealKey(key: string): boolean {
  return key === SealKey.HASH || key === SealKey.SIGNATURE;
}

/**
 * Form v2 spans: also the checkpoint a span carries (its final flag and key id) stays out:
 * it is attached after the span was sealed, and its signature binds it to the span's hash instead.
 */
export function isUnhashedSpanKeyV2(key: string): boolean {
  return key === SealKey.HASH || key === SealKey.SIGNATURE || key === SealKey.CHECKPOINT_FINAL || key === SealKey.KEY_ID;
}
