import type { AttributeValue } from "@opentelemetry/api";
import { SealKey } from "../dialects/keys.js";
import { reportOnce } from "../runtime/report.js";
import { FORM_VERSION } from "./canonical-sdk.js";
import { SealChain } from "./chain.js";
import { signCheckpoint } from "./checkpoint.js";
import type { SigningKey } from "./keys.js";
import { loadSigningKey } from "./keys.js";
import type { SealOptions } from "./options.js";
import { DEFAULT_CHECKPOINT_EVERY, DEFAULT_CHECKPOINT_INTERVAL_MS } from "./options.js";

/**
 * The chain state and checkpoint policy behind one seal processor. The processor builds the
 * records (its own signal's kind) and hands them here to be sealed. Log chains: `emit` is how the
 * sealer asks the processor for a checkpoint record (every N records, every T ms, on flush, at
 * shutdown). Span chains: the processor asks for a checkpoint to attach to a span it already
 * sealed (attachment()), and decides when from `checkpointDue`.
 */
export class Sealer {
  readonly chain = new SealChain();
  readonly key: SigningKey | undefined;
  private readonly every: number;
  private readonly intervalMs: number;
  private sinceCheckpoint = 0;
  /** Checkpoints issued so far: every record sealed carries this count (hashed) as it was before it. */
  private issued = 0;
  private lastCheckpointAt = Date.now();
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    options: SealOptions,
    private readonly emit?: (final: boolean) => void,
  ) {
    this.key = signingKeyOf(options);
    this.every = options.checkpointEvery === undefined ? DEFAULT_CHECKPOINT_EVERY : options.checkpointEvery > 0 ? options.checkpointEvery : Infinity;
    this.intervalMs = options.checkpointIntervalMs === undefined ? DEFAULT_CHECKPOINT_INTERVAL_MS : Math.max(0, options.checkpointIntervalMs);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Checkpoints issued so far in this chain. */
  get checkpointsIssued(): number {
    return this.issued;
  }

  /**
   * Seals a record into the chain (form v2: the version and the checkpoint count are written with
   * the other seal attributes, all inside the hash). Returns its hash; undefined once the chain is closed.
   */
  seal<R>(attributes: Record<string, unknown>, canonical: (record: R) => string | Uint8Array, record: R): string | undefined {
    if (this.closed) return undefined;
    attributes[SealKey.VERSION] = FORM_VERSION;
    attributes[SealKey.CHECKPOINTS] = this.issued;
    let hash: string;
    try {
      hash = this.chain.seal(attributes, canonical, record);
    } catch (error) {
      delete attributes[SealKey.VERSION];
      delete attributes[SealKey.CHECKPOINTS];
      throw error;
    }
    this.sinceCheckpoint++;
    if (this.emit !== undefined && this.timer === undefined && this.intervalMs > 0) {
      this.timer = setInterval(() => this.checkpoint(false), this.intervalMs);
      this.timer.unref();
    }
    return hash;
  }

  /** Whether a checkpoint is due: enough records sealed since the last one, or (span chains) enough time gone by. */
  get checkpointDue(): boolean {
    if (this.sinceCheckpoint === 0) return false;
    return this.sinceCheckpoint >= this.every || (this.emit === undefined && this.intervalMs > 0 && Date.now() - this.lastCheckpointAt >= this.intervalMs);
  }

  /** Log chains: asks the processor for a checkpoint record when there is something to checkpoint. Never throws. */
  checkpoint(final: boolean): void {
    if (this.closed || this.emit === undefined || this.chain.length === 0 || (!final && this.sinceCheckpoint === 0)) return;
    try {
      this.emit(final);
    } catch (error) {
      reportOnce("seal: checkpoint failed", error);
    }
  }

  /** Log chains: seals a checkpoint record (the final flag and key id inside its hash), then signs it. */
  sealCheckpoint<R>(attributes: Record<string, unknown>, canonical: (record: R) => string | Uint8Array, record: R, final: boolean): void {
    attributes[SealKey.CHECKPOINT_FINAL] = final;
    if (this.key !== undefined) attributes[SealKey.KEY_ID] = this.key.keyId;
    const ordinal = this.issued;
    const hash = this.seal(attributes, canonical, record);
    if (hash === undefined) return;
    if (this.key !== undefined) attributes[SealKey.SIGNATURE] = signCheckpoint(this.key, { hash, final, ordinal, version: FORM_VERSION });
    this.issued++;
    this.sinceCheckpoint = 0;
    this.lastCheckpointAt = Date.now();
  }

  /**
   * Span chains: a checkpoint for the sealed record whose hash is `hash` and whose own checkpoint
   * count (written when it was sealed) is `ordinal`: the attributes to attach to it, outside its
   * hash. Every record sealed after this call counts it.
   */
  attachment(hash: string, ordinal: number, final: boolean): Record<string, AttributeValue> {
    const attributes: Record<string, AttributeValue> = { [SealKey.CHECKPOINT_FINAL]: final };
    if (this.key !== undefined) {
      attributes[SealKey.KEY_ID] = this.key.keyId;
      attributes[SealKey.SIGNATURE] = signCheckpoint(this.key, { hash, final, ordinal, version: FORM_VERSION });
    }
    this.issued++;
    this.sinceCheckpoint = 0;
    this.lastCheckpointAt = Date.now();
    return attributes;
  }

  /** Log chains: the final checkpoint, then no more sealing. */
  finish(): void {
    if (this.closed) return;
    clearInterval(this.timer);
    this.checkpoint(true);
    this.closed = true;
  }

  /** No more sealing (span chains: after the processor attached the final checkpoint). */
  close(): void {
    clearInterval(this.timer);
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
