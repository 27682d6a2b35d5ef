import { SealKey } from "../dialects/keys.js";
import { reportOnce } from "../runtime/report.js";
import { SealChain } from "./chain.js";
import { signCheckpoint } from "./checkpoint.js";
import type { SigningKey } from "./keys.js";
import { loadSigningKey } from "./keys.js";
import type { SealOptions } from "./options.js";
import { DEFAULT_CHECKPOINT_EVERY, DEFAULT_CHECKPOINT_INTERVAL_MS } from "./options.js";

/**
 * The chain state and checkpoint policy behind one seal processor. The processor builds the
 * records (its own signal's kind) and hands them here to be sealed; `emit` is how the sealer asks
 * the processor for a checkpoint record (every N records, every T ms, on flush, at shutdown).
 */
export class Sealer {
  readonly chain = new SealChain();
  readonly key: SigningKey | undefined;
  private readonly every: number;
  private readonly intervalMs: number;
  private sinceCheckpoint = 0;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    options: SealOptions,
    private readonly emit: (final: boolean) => void,
  ) {
    this.key = signingKeyOf(options);
    this.every = options.checkpointEvery === undefined ? DEFAULT_CHECKPOINT_EVERY : options.checkpointEvery > 0 ? options.checkpointEvery : Infinity;
    this.intervalMs = options.checkpointIntervalMs === undefined ? DEFAULT_CHECKPOINT_INTERVAL_MS : Math.max(0, options.checkpointIntervalMs);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Seals a record into the chain; false once the chain is closed (after its final checkpoint). */
  seal<R>(attributes: Record<string, unknown>, canonical: (record: R) => string, record: R): boolean {
    if (this.closed) return false;
    this.chain.seal(attributes, canonical, record);
    this.sinceCheckpoint++;
    if (this.timer === undefined && this.intervalMs > 0) {
      this.timer = setInterval(() => this.checkpoint(false), this.intervalMs);
      this.timer.unref();
    }
    return true;
  }

  /** Whether enough records were sealed since the last checkpoint for the next one. */
  get checkpointDue(): boolean {
    return this.sinceCheckpoint >= this.every;
  }

  /** Asks the processor for a checkpoint when there is something to checkpoint. Never throws. */
  checkpoint(final: boolean): void {
    if (this.closed || this.chain.length === 0 || (!final && this.sinceCheckpoint === 0)) return;
    try {
      this.emit(final);
    } catch (error) {
      reportOnce("seal: checkpoint failed", error);
    }
  }

  /** Seals a checkpoint record's attributes: the final flag, and with a key its key id and signature. */
  sealCheckpoint<R>(attributes: Record<string, unknown>, canonical: (record: R) => string, record: R, final: boolean): void {
    attributes[SealKey.CHECKPOINT_FINAL] = final;
    if (this.key !== undefined) attributes[SealKey.KEY_ID] = this.key.keyId;
    const hash = this.chain.seal(attributes, canonical, record);
    if (this.key !== undefined) attributes[SealKey.SIGNATURE] = signCheckpoint(this.key, hash);
    this.sinceCheckpoint = 0;
  }

  /** The final checkpoint, then no more sealing. */
  finish(): void {
    if (this.closed) return;
    clearInterval(this.timer);
    this.checkpoint(true);
    this.closed = true;
  }
}

/** The signing key the options ask for; throws SealKeyError when it cannot be used. */
export function signingKeyOf(options: SealOptions): SigningKey | undefined {
  if (options.key === false) return undefined;
  if (options.key !== undefined) return loadSigningKey(options.key, "seal key");
  const fromEnv = (options.env ?? process.env).ENVPOD_COAT_SEAL_KEY;
  if (fromEnv === undefined || fromEnv.trim() === "") return undefined;
  return loadSigningKey(fromEnv, "ENVPOD_COAT_SEAL_KEY");
}
