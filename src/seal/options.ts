import type { Environment } from "../runtime/environment.js";
import type { KeySource } from "./key-source.js";

/** Options shared by SealSpanProcessor and SealLogRecordProcessor. */
export interface SealOptions {
  /**
   * Ed25519 private key that signs checkpoints: PEM text, a path to a PEM file, or a KeyObject.
   * Default: `ENVPOD_COAT_SEAL_KEY`. `false`: checkpoints stay unsigned whatever the environment says.
   */
  key?: KeySource | false;
  /** A checkpoint follows at the latest this many records after the previous one (default 1000). */
  checkpointEvery?: number;
  /** A checkpoint every this many milliseconds while records arrive (default 10 000; 0: none by time). */
  checkpointIntervalMs?: number;
  /**
   * Span chains: the longest a sealed span is held back waiting for the next one (which would carry
   * the checkpoint otherwise) before it is handed to export with a checkpoint of its own (default
   * 1000 ms; an unref'd timer, it never keeps the process alive).
   */
  holdMs?: number;
  /** Environment to read `ENVPOD_COAT_SEAL_KEY` from instead of process.env. */
  env?: Environment;
}

export const DEFAULT_CHECKPOINT_EVERY = 1000;
export const DEFAULT_CHECKPOINT_INTERVAL_MS = 10_000;
export const DEFAULT_HOLD_MS = 1000;
