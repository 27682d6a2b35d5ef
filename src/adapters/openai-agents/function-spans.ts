/** The part of an Agents SDK span read here: the function span's data, which the SDK fills as it goes. */
interface FunctionSpan {
  readonly spanData: { readonly input?: unknown; readonly [key: string]: unknown };
}

const MAX_OPEN = 1000;
/** How long a guardrail waits for its function span to be reported (processors before this one are awaited first). */
const WAIT_MS = 100;

/**
 * Function spans open and not yet gated, by tool name, for the tool guardrail, which runs inside
 * its tool's span. The SDK calls the processors' onSpanStart one after another and runs the tool's
 * guardrails in the same tick, so a guardrail may run before this processor has heard of its span:
 * it then waits for the span (briefly) instead of missing it. Among open spans of one tool the one
 * whose input is the call's arguments is the guardrail's; else the oldest.
 */
export class FunctionSpans {
  private readonly open = new Map<string, { key: string; span: FunctionSpan }[]>();
  private readonly waiting = new Map<string, ((key: string | undefined) => void)[]>();

  started(name: string, key: string, span: FunctionSpan): void {
    const waiter = this.waiting.get(name)?.shift();
    if (waiter !== undefined) return waiter(key);
    const list = this.open.get(name);
    if (list === undefined) this.open.set(name, [{ key, span }]);
    else if (list.length < MAX_OPEN) list.push({ key, span });
  }

  ended(name: string, key: string): void {
    const list = this.open.get(name);
    const at = list?.findIndex((entry) => entry.key === key) ?? -1;
    if (at >= 0) list!.splice(at, 1);
    if (list?.length === 0) this.open.delete(name);
  }

  /** The key of the open function span of tool `name` for a call with these arguments; undefined when none comes. */
  take(name: string, args: string, expectSpan: boolean): Promise<string | undefined> | string | undefined {
    const list = this.open.get(name);
    if (list !== undefined && list.length > 0) {
      const at = list.findIndex((entry) => entry.span.spanData.input === args);
      const [entry] = list.splice(at >= 0 ? at : 0, 1);
      if (list.length === 0) this.open.delete(name);
      return entry!.key;
    }
    if (!expectSpan) return undefined;
    return new Promise((resolve) => {
      const waiters = this.waiting.get(name) ?? [];
      this.waiting.set(name, waiters);
      const timer = setTimeout(() => {
        const at = waiters.indexOf(done);
        if (at >= 0) waiters.splice(at, 1);
        if (waiters.length === 0) this.waiting.delete(name);
        resolve(undefined);
      }, WAIT_MS);
      timer.unref?.();
      const done = (key: string | undefined): void => {
        clearTimeout(timer);
        if (waiters.length === 0) this.waiting.delete(name);
        resolve(key);
      };
      waiters.push(done);
    });
  }

  clear(): void {
    this.open.clear();
    for (const waiters of this.waiting.values()) for (const done of waiters) done(undefined);
    this.waiting.clear();
  }
}
