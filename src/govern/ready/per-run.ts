const MAX_RUNS = 4096;

/** State a ready policy keeps per run; the oldest runs are forgotten past MAX_RUNS. */
export class PerRun<T> {
  private readonly runs = new Map<string, T>();

  constructor(private readonly make: () => T) {}

  of(runId: string): T {
    let value = this.runs.get(runId);
    if (value === undefined) {
      if (this.runs.size >= MAX_RUNS) this.runs.delete(this.runs.keys().next().value!);
      value = this.make();
      this.runs.set(runId, value);
    }
    return value;
  }
}
