import { warnOnce } from "../runtime/report.js";
import type { DeliveryStats, DropCause } from "./delivery-stats.js";
import { liveStats } from "./delivery-stats.js";
import type { Payload } from "./payload.js";
import type { PayloadSender, SendOutcome } from "./payload-sender.js";
import { Spool } from "./spool.js";
import type { SpoolEntry, SpoolLimits } from "./spool.js";

export interface DeliveryOptions {
  /** Requests in flight at once while the endpoint answers (default 2). */
  concurrency?: number;
  /**
   * Requests in flight at once while the spool is re-sent (default 4). More than one keeps the
   * backlog draining faster than it grows when some requests wait out the exporter's retries.
   */
  drainConcurrency?: number;
  /** Bytes of requests waiting in memory before new ones go to the spool (default 8 MiB). */
  memoryBytes?: number;
  /** How long shutdown() waits for sends in flight before spooling them (default 5 s). */
  deadlineMs?: number;
  /**
   * Pause between attempts on an unreachable endpoint: doubles from the first to the last (default
   * 0.5 s → 5 s). Each attempt is itself the exporter's retries up to its timeout, so recovery is
   * seen within about timeout + 5 s.
   */
  retryMs?: readonly [first: number, last: number];
  /** Told of records given up on, once they are counted (register() writes a log record). */
  onLoss?: (records: number, cause: DropCause, detail: string) => void;
}

/**
 * The durable delivery path of one destination and signal. Serialised requests are sent at once
 * while the endpoint answers; a request it cannot take (down, 503/429 past the exporter's retries,
 * timed out) goes to the spool, and so does everything after it, in order, until the spool has
 * been re-sent — oldest first, a few requests at a time, at the endpoint's pace, with a pause that
 * grows while it stays down. Memory holds at most `memoryBytes` of requests; the caller is never waited on.
 * Without a spool (`spool: "off"`) a failed request is dropped, counted and reported.
 */
export class DurableDelivery {
  private readonly memory: Payload[] = [];
  private memoryBytes = 0;
  private readonly inFlight = new Set<Payload>();
  private spooling = false;
  private draining = false;
  private stopped = false;
  /** Set by shutdown(): the spool is re-sent while the endpoint takes it, but not waited on once it refuses. */
  private closing = false;
  private drained: Promise<void> = Promise.resolve();
  private idle: (() => void)[] = [];
  private wake: (() => void) | undefined;
  private readonly concurrency: number;
  private readonly drainConcurrency: number;
  private readonly maxMemoryBytes: number;
  private readonly deadlineMs: number;
  private readonly retryMs: readonly [number, number];

  private readonly spool: Spool | undefined;

  constructor(
    private readonly sender: PayloadSender,
    spool: { dir: string; limits: SpoolLimits } | undefined,
    readonly stats: DeliveryStats,
    private readonly what: string,
    private readonly options: DeliveryOptions = {},
  ) {
    this.concurrency = Math.max(1, options.concurrency ?? 2);
    this.drainConcurrency = Math.max(1, options.drainConcurrency ?? 4);
    this.maxMemoryBytes = options.memoryBytes ?? 8 * 1024 * 1024;
    this.deadlineMs = options.deadlineMs ?? 5000;
    this.retryMs = options.retryMs ?? [500, 5000];
    liveStats.add(stats);
    this.spool = spool === undefined ? undefined : new Spool(spool.dir, spool.limits, {
      lost: (records, cause, detail) => this.lose(records, cause, `${records} ${this.what} for ${stats.destination} were dropped from the spool: ${detail}`),
      damaged: (segment, damage) =>
        this.lose(damage.records, "spool_damaged", `spool segment ${segment} in ${spool.dir}: ${damage.bytes} bytes at offset ${damage.offset} ${damage.reason === "truncated" ? "are cut short (a write interrupted by a crash)" : "do not match their checksum"}, holding ${damage.records || "an unknown number of"} ${this.what}; skipped, the rest is re-sent`),
    });
    if (this.spool !== undefined) {
      const spool = this.spool;
      stats.spoolBytes = () => spool.bytes;
      // What an earlier run left is re-sent first.
      void spool.ready.then(() => {
        if (spool.holdsData && !this.stopped) this.startSpooling();
      });
    }
  }

  /** Takes one serialised request; never blocks and never throws. */
  enqueue(payload: Payload): void {
    this.stats.created += payload.count;
    if (this.stopped) return this.toSpoolOrDrop(payload, "exit");
    if (this.spooling && this.spoolUsable) return this.toSpool(payload);
    if (this.memoryBytes + payload.bytes.length > this.maxMemoryBytes && this.memory.length > 0) {
      // The endpoint is slower than the records come: the backlog waits on disk, in order.
      if (this.spoolUsable) {
        this.toSpool(payload);
        this.startSpooling();
        return;
      }
      const oldest = this.memory.shift()!;
      this.memoryBytes -= oldest.bytes.length;
      this.give(oldest, "unavailable", `the ${this.what} queue is full (${this.maxMemoryBytes} bytes) and no spool is set`);
    }
    this.memory.push(payload);
    this.memoryBytes += payload.bytes.length;
    this.pump();
  }

  /**
   * Resolves once every request taken so far is delivered, spooled or counted (not once the spool
   * is re-sent) — or, past the deadline, once what has not been sent yet is in the spool (sends in
   * flight go on).
   */
  async flush(): Promise<void> {
    if (!this.isIdle()) {
      let timer: NodeJS.Timeout | undefined;
      const late = await Promise.race([
        new Promise<boolean>((resolve) => this.idle.push(() => resolve(false))),
        new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), this.deadlineMs))),
      ]);
      clearTimeout(timer);
      if (late && this.spoolUsable) {
        for (const payload of this.memory.splice(0)) this.toSpool(payload);
        this.memoryBytes = 0;
      }
    }
    await this.spool?.settled();
  }

  /** Waits up to the deadline for sends in flight; what is left goes to the spool, which stays for the next run. */
  async shutdown(): Promise<void> {
    if (this.stopped) return;
    await this.spool?.ready; // what an earlier run left is re-sent now if the endpoint takes it
    await this.flush();
    if (this.draining) {
      this.closing = true;
      this.wake?.();
      await Promise.race([this.drained, sleep(this.deadlineMs)]);
    }
    this.stopped = true;
    this.wake?.();
    const left = [...this.inFlight, ...this.memory.splice(0)];
    this.inFlight.clear();
    this.memoryBytes = 0;
    for (const payload of left) this.toSpoolOrDrop(payload, "exit");
    if (this.spool !== undefined) await this.spool.close();
    await Promise.race([this.sender.shutdown().catch(() => undefined), sleep(Math.min(this.deadlineMs, 1000))]);
    this.report();
    liveStats.delete(this.stats);
  }

  /** Records made after shutdown() stopped this destination: never sent, so counted and reported. */
  late(records: number): void {
    this.stats.created += records;
    this.lose(records, "after_shutdown", `${records} ${this.what} for ${this.stats.destination} were made after shutdown() and are not sent`);
  }

  /** At process exit: what is still in memory or in flight is written to the spool synchronously. */
  spillSync(): void {
    if (this.stopped && this.memory.length === 0 && this.inFlight.size === 0) return;
    this.stopped = true;
    const left = [...this.inFlight, ...this.memory.splice(0)];
    this.inFlight.clear();
    if (this.spool !== undefined && this.spool.unusable === undefined) {
      for (const payload of left) this.stats.spooled += payload.count;
      this.spool.appendSync(left);
    } else for (const payload of left) this.give(payload, "exit", "the process exited before they were sent and no spool is set");
    this.report();
  }

  private get spoolUsable(): boolean {
    return this.spool !== undefined && this.spool.unusable === undefined;
  }

  private pump(): void {
    while (!this.spooling && this.inFlight.size < this.concurrency && this.memory.length > 0) {
      const payload = this.memory.shift()!;
      this.memoryBytes -= payload.bytes.length;
      this.inFlight.add(payload);
      void this.sender.send(payload).then((outcome) => this.settle(payload, outcome));
    }
    this.notifyIdle();
  }

  private settle(payload: Payload, outcome: SendOutcome): void {
    if (!this.inFlight.delete(payload)) return; // taken by shutdown or exit meanwhile
    if (outcome.kind === "sent") this.stats.exported += payload.count;
    else if (outcome.kind === "rejected") this.give(payload, "rejected", `the endpoint refused them (${outcome.error.message})`);
    else if (this.spoolUsable) {
      warnOnce(`${this.stats.destination} unavailable`, `${this.stats.destination} did not take ${this.what} (${outcome.error.message}); keeping them in the spool ${this.spool!.dir} and re-sending once it answers`);
      this.stats.retried += payload.count;
      this.toSpool(payload);
      this.startSpooling();
    } else this.give(payload, "unavailable", `they could not be delivered (${outcome.error.message}) and no spool is set`);
    this.pump();
  }

  private toSpool(payload: Payload): void {
    this.stats.spooled += payload.count;
    this.spool!.append(payload);
  }

  private toSpoolOrDrop(payload: Payload, cause: DropCause): void {
    if (this.spoolUsable) this.toSpool(payload);
    else this.give(payload, cause, "they were not sent by shutdown and no spool is set");
  }

  private startSpooling(): void {
    if (!this.spooling) {
      this.spooling = true;
      for (const payload of this.memory.splice(0)) this.toSpool(payload);
      this.memoryBytes = 0;
    }
    if (!this.draining) this.drained = this.drain();
  }

  /**
   * Re-sends the spool oldest first, `drainConcurrency` requests in flight, until it is empty;
   * then sends from memory again. A refusal stops new sends, lets those in flight finish, and
   * pauses before the refused request is sent again (first, before newer ones).
   */
  private async drain(): Promise<void> {
    this.draining = true;
    const spool = this.spool!;
    const slots = new Set<Promise<void>>();
    let pause = this.retryMs[0];
    let refused = false;
    const resend = async (entry: SpoolEntry): Promise<void> => {
      const outcome = await this.sender.send(entry.payload);
      if (outcome.kind === "unavailable") {
        this.stats.retried += entry.payload.count;
        refused = true;
        spool.retry(entry);
        return;
      }
      if (outcome.kind === "sent") this.stats.resent += entry.payload.count;
      else this.give(entry.payload, "rejected", `the endpoint refused them (${outcome.error.message})`);
      pause = this.retryMs[0];
      await spool.ack(entry);
    };
    try {
      await spool.rescan();
      while (!this.stopped) {
        while (!refused && slots.size < this.drainConcurrency) {
          const entry = await spool.next();
          if (entry === undefined && this.spooling && !this.stopped) {
            // Caught up: everything on disk is out. New requests go straight to the endpoint again
            // (the last few from the spool may still be in flight beside them).
            this.spooling = false;
            this.pump();
          }
          if (entry === undefined || this.stopped) break;
          const slot: Promise<void> = resend(entry).finally(() => slots.delete(slot));
          slots.add(slot);
        }
        if (slots.size > 0) {
          await Promise.race(slots);
          continue;
        }
        if (this.stopped) break;
        if (refused) {
          if (this.closing) break;
          await this.pause(pause);
          pause = Math.min(pause * 2, this.retryMs[1]);
          refused = false;
          continue;
        }
        if (this.closing && !spool.holdsData) break;
        if (spool.holdsData) continue;
        this.spooling = false;
        break;
      }
    } finally {
      this.draining = false;
    }
    this.pump();
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      timer.unref();
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }

  private give(payload: Payload, cause: DropCause, why: string): void {
    this.lose(payload.count, cause, `${payload.count} ${this.what} for ${this.stats.destination} were dropped: ${why}`);
  }

  /** Counted, warned once per cause, and told to onLoss: a loss is never silent. */
  private lose(records: number, cause: DropCause, detail: string): void {
    this.stats.drop(cause, records);
    if (records > 0) this.spool?.recordLoss(records, cause);
    warnOnce(`${this.stats.destination} dropped ${cause}`, `${detail}; further losses are counted and reported at shutdown`);
    this.options.onLoss?.(records, cause, detail);
  }

  private isIdle(): boolean {
    return this.memory.length === 0 && this.inFlight.size === 0;
  }

  private notifyIdle(): void {
    if (!this.isIdle() || this.idle.length === 0) return;
    for (const resolve of this.idle.splice(0)) resolve();
  }

  private report(): void {
    const s = this.stats;
    if (s.spooled === 0 && s.droppedTotal === 0 && s.retried === 0) return;
    const waiting = this.spool !== undefined && this.spool.holdsData ? `; ${this.spool.bytes} bytes wait in ${this.spool.dir} for the next run` : "";
    warnOnce(`${s.destination} delivery summary`, `${s.destination}: ${s.summary(this.what)}${waiting}`);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
