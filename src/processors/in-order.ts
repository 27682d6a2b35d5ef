import { warnOnce } from "../runtime/report.js";

interface Stoppable {
  forceFlush(): Promise<void>;
  shutdown(): Promise<void>;
}

/**
 * Flushes or shuts down the rewriting stages, then the processors after them: what the stages
 * still emit (a final checkpoint) must reach the exporters before those stop. Never rejects: a
 * failed export is the exporters' to count (see delivery-count.ts); the user's `await
 * sdk.shutdown()` must not throw because a collector was down.
 */
export async function inOrder(method: "forceFlush" | "shutdown", stages: readonly Stoppable[], after: readonly Stoppable[]): Promise<void> {
  await settleAll(method, stages);
  await settleAll(method, after);
}

/** Flushes or shuts down every processor at once; resolves when all have settled, reporting failures. */
export async function settleAll(method: "forceFlush" | "shutdown", processors: readonly Stoppable[]): Promise<void> {
  const results = await Promise.allSettled(processors.map((processor) => processor[method]()));
  for (const result of results) {
    if (result.status === "rejected") warnOnce(`${method} failed`, `${method}() of an export processor failed (${describe(result.reason)}); what it could not deliver is counted by its exporter`);
  }
}

function describe(reason: unknown): string {
  if (Array.isArray(reason)) return reason.map(describe).join("; ");
  return reason instanceof Error ? reason.message : String(reason);
}
