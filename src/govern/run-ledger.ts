import type { RunTotals } from "./policy-context.js";

interface RunEntry {
  readonly started: number;
  readonly calls: Record<string, number>;
  callCount: number;
}

const MAX_RUNS = 4096;

/**
 * Calls per wrapper name in each run, for policies' running totals. Only gated calls are counted;
 * the oldest runs are forgotten past MAX_RUNS.
 */
export class RunLedger {
  private readonly runs = new Map<string, RunEntry>();

  totals(runId: string, llm: { tokens: number; cost: number } | undefined): RunTotals {
    const entry = this.entry(runId);
    return { calls: entry.calls, callCount: entry.callCount, tokens: llm?.tokens ?? 0, cost: llm?.cost ?? 0, elapsedMs: Date.now() - entry.started };
  }

  /** A call that was let run. */
  count(runId: string, name: string): void {
    const entry = this.entry(runId);
    entry.calls[name] = (entry.calls[name] ?? 0) + 1;
    entry.callCount++;
  }

  private entry(runId: string): RunEntry {
    let entry = this.runs.get(runId);
    if (entry === undefined) {
      if (this.runs.size >= MAX_RUNS) this.runs.delete(this.runs.keys().next().value!);
      entry = { started: Date.now(), calls: Object.create(null) as Record<string, number>, callCount: 0 };
      this.runs.set(runId, entry);
    }
    return entry;
  }
}
