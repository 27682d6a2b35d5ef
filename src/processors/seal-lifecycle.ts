import type { Sealer } from "../seal/sealer.js";
import { settleAll } from "./in-order.js";

/** What a seal processor needs of the processors it hands records to. */
interface NextProcessor {
  forceFlush(): Promise<void>;
  shutdown(): Promise<void>;
}

/** A seal processor's forceFlush(): a checkpoint first, so it is exported with the rest. */
export async function flushSealed(sealer: Sealer, next: readonly NextProcessor[]): Promise<void> {
  sealer.checkpoint(false);
  await settleAll("forceFlush", next);
}

/** A seal processor's shutdown(): the final checkpoint, then the processors after it stop. */
export async function shutdownSealed(sealer: Sealer, next: readonly NextProcessor[]): Promise<void> {
  sealer.finish();
  await settleAll("shutdown", next);
}
