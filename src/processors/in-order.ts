interface Stoppable {
  forceFlush(): Promise<void>;
  shutdown(): Promise<void>;
}

/**
 * Flushes or shuts down the rewriting stages, then the processors after them: what the stages
 * still emit (a final checkpoint) must reach the exporters before those stop.
 */
export async function inOrder(method: "forceFlush" | "shutdown", stages: readonly Stoppable[], after: readonly Stoppable[]): Promise<void> {
  await Promise.all(stages.map((stage) => stage[method]()));
  await Promise.all(after.map((processor) => processor[method]()));
}
