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
 * it then waits for the span (briefly) instead of missing it. A span is a guardrail's when its
 * input is the call's arguments; one whose input the SDK does not keep (sensitive data off) goes
 * to the oldest guardrail of its tool. A span whose input is another call's is never taken.
 */
export class FunctionSpans {
  private readonly open = new Map<string, { key: string; span: FunctionSpan }[]>();
  private readonly waiting = new Map<string, { args: string; done: (key: string | undefined) => void }[]>();

  started(name: string, key: string, span: FunctionSpan): void {
    // The SDK has set the span's input (when it keeps sensitive data) before this is called: the waiter for those arguments.
    const waiters = this.waiting.get(name);
    const at = waiters?.findIndex((w) => belongs(span, w.args)) ?? -1;
    if (at >= 0) return waiters![at]!.done(key);
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
    const at = list?.findIndex((entry) => entry.span.spanData.input === args) ?? -1;
    const found = at >= 0 ? at : (list?.findIndex((entry) => belongs(entry.span, args)) ?? -1);
    if (found >= 0) {
      const [entry] = list!.splice(found, 1);
      if (list!.length === 0) this.open.delete(name);
      return entry!.key;
    }
    if (!expectSpan) return undefined;
    return new Promise((resolve) => {
      const waiters = this.waiting.get(name) ?? [];
      this.waiting.set(name, waiters);
      const timer = setTimeout(() => {
        const at = waiters.indexOf(waiter);
        if (at >= 0) waiters.splice(at, 1);
        if (waiters.length === 0) this.waiting.delete(name);
        resolve(undefined);
      }, WAIT_MS);
      timer.unref?.();
      const waiter = {
        args,
        done: (key: string | undefined): void => {
          clearTimeout(timer);
          const at = waiters.indexOf(waiter);
          if (at >= 0) waiters.splice(at, 1);
          if (waiters.length === 0) this.waiting.delete(name);
          resolve(key);
        },
      };
      waiters.push(waiter);
    });
  }

  clear(): void {
    this.open.clear();
    for (const waiters of this.waiting.values()) for (const waiter of [...waiters]) waiter.done(undefined);
    this.waiting.clear();
  }
}

/** Whether `span` may be the function span of a call with `args`: its input is them, or the SDK did not record it. */
function belongs(span: FunctionSpan, args: string): boolean {
  const input = span.spanData.input;
  return input === undefined || input === "" || input === args;
}
