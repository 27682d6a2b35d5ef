/**
 * Work that must happen synchronously when the process exits (`process.exit()`, the end of an
 * uncaught exception, the last turn of the event loop): seal processors hand on the span they
 * hold back, batch processors hand on their buffers, and the durable delivery paths write what
 * they still hold to their spools — in that order. Hooks are held weakly: a processor nobody
 * references is not kept alive by its hook.
 */
export type ExitPhase = "release" | "drain" | "spill";

export interface ExitWork {
  atExit(): void;
}

const PHASES: readonly ExitPhase[] = ["release", "drain", "spill"];
const hooks = new Map<ExitPhase, Set<WeakRef<ExitWork>>>(PHASES.map((phase) => [phase, new Set()]));
let listening = false;

export function onProcessExit(phase: ExitPhase, work: ExitWork): () => void {
  const ref = new WeakRef(work);
  hooks.get(phase)!.add(ref);
  if (!listening) {
    listening = true;
    process.once("exit", runExitHooks);
  }
  return () => hooks.get(phase)!.delete(ref);
}

/** Runs every hook once, phase by phase; a failing hook does not stop the others. */
export function runExitHooks(): void {
  for (const phase of PHASES) {
    const set = hooks.get(phase)!;
    for (const ref of [...set]) {
      set.delete(ref);
      try {
        ref.deref()?.atExit();
      } catch {
        // Exiting: nothing left to report to but what the hook wrote itself.
      }
    }
  }
}
