/** Why records were given up on. */
export type DropCause = "rejected" | "unavailable" | "spool_full" | "spool_age" | "spool_unwritable" | "spool_damaged" | "exit" | "serialize" | "after_shutdown";

/** The counts of one destination's delivery path; read by the metrics, the shutdown summary and tests. */
export class DeliveryStats {
  /** Records handed to this destination. */
  created = 0;
  /** Delivered on their first send. */
  exported = 0;
  /** Sends that failed and were tried again later (from the spool), in records. */
  retried = 0;
  /** Written to the spool. */
  spooled = 0;
  /** Delivered from the spool. */
  resent = 0;
  readonly dropped = new Map<DropCause, number>();
  /** Bytes waiting in the spool (read when asked). */
  spoolBytes: () => number = () => 0;

  constructor(readonly destination: string) {}

  drop(cause: DropCause, records: number): void {
    this.dropped.set(cause, (this.dropped.get(cause) ?? 0) + records);
  }

  get droppedTotal(): number {
    let n = 0;
    for (const v of this.dropped.values()) n += v;
    return n;
  }

  /** One line for the shutdown report, e.g. `1200 records: 900 exported, 300 spooled, 300 re-sent, 0 dropped`. */
  summary(what: string): string {
    const causes = [...this.dropped].filter(([, n]) => n > 0).map(([cause, n]) => `${n} ${cause}`);
    return `${this.created} ${what}: ${this.exported} exported, ${this.spooled} spooled, ${this.resent} re-sent from the spool, ${this.droppedTotal} dropped${causes.length ? ` (${causes.join(", ")})` : ""}`;
  }
}

/** Every live destination's counts, for the metrics. */
export const liveStats = new Set<DeliveryStats>();
