import type { Sealer } from "../seal/sealer.js";

/** What a seal processor needs of the processors it hands records to. */
interface NextProcessor {
  forceFlush(): Promise<void>;
  shutdown(): Promise<void>;
}

/** A seal processor's forceFlush(): a checkpoint first, so it is exported with the rest. */
export async function flushSealed(sealer: Sealer, next: readonly NextProcessor[]): Promise<void> {
  sealer.checkpoint(false);
  await Promise.all(next.map((processor) => processor.forceFlush()));
}

/** A seal processor's shutdown(): the final checkpoint, then the processors after it stop. */
export async function shutdownSealed(sealer: Sealer, next: readonly NextProcessor[]): Promise<void> {
  sealer.finish();
  await Promise.all(next.map((processor) => processor.shutdown()));
}
