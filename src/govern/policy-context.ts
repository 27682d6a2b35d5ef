/** What a policy sees of one call. The arguments are the real ones, in memory; they never leave the process. */
export interface PolicyContext {
  readonly op: string;
  /** The wrapper's name (a tool's name for tools). */
  readonly name: string;
  readonly intent: string | undefined;
  readonly action: string | undefined;
  /** The argument list (empty when the policy's `capture` is `none`). */
  readonly args: readonly unknown[];
  /** Result policies: what the call returned. */
  readonly result?: unknown;
  readonly sessionId: string;
  readonly runId: string;
  readonly stepId: string;
  readonly traceId: string;
  /** `ENVPOD_AGENT_ID` / `ENVPOD_AGENT_ROLE`, or a claimed identity. */
  readonly agent: { readonly id: string; readonly role: string };
  /** The wrapper's static attributes. */
  readonly metadata: Readonly<Record<string, unknown>>;
  /** The run so far. */
  readonly totals: RunTotals;
}

export interface RunTotals {
  /** Calls that ran in this run before this one, by wrapper name. */
  readonly calls: Readonly<Record<string, number>>;
  /** Their sum. */
  readonly callCount: number;
  /** LLM tokens and estimated cost (USD) of the run so far (calls inside an Op.RUN or Op.SESSION wrapper). */
  readonly tokens: number;
  readonly cost: number;
  /** Milliseconds since the run's first gated call. */
  readonly elapsedMs: number;
}
