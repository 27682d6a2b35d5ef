/** What a policy decides about one call. Made with allow(), block(), pause(), alert(), redact(), modify(), queue(). */
export type DecisionKind = "allow" | "block" | "pause" | "alert" | "redact" | "modify" | "queue";

/** Somewhere a queued call goes instead of running now: it gets the call and can run it later. */
export type QueueTarget = ((job: QueuedCall) => unknown) | { enqueue(job: QueuedCall): unknown };

export interface QueuedCall {
  readonly op: string;
  readonly name: string;
  readonly args: readonly unknown[];
  readonly reason: string;
  /** Runs the call (ungated: its policies already decided) and resolves to its result. */
  run(): Promise<unknown>;
}

export interface Decision {
  readonly kind: DecisionKind;
  readonly reason: string;
  /** redact(): dotted paths into the argument list. */
  readonly paths?: readonly string[];
  /** modify(): the new argument list from the old one. */
  readonly change?: (args: unknown[]) => unknown[];
  /** queue(): where the call goes. */
  readonly target?: QueueTarget;
  /** pause(): how long to wait for an answer before denying (default: the approver's, 60 s). */
  readonly timeoutMs?: number;
}

const DECISION = Symbol.for("agent-coat.decision");
type Marked = Decision & { [DECISION]: true };

function make(decision: Decision): Decision {
  return Object.freeze({ ...decision, [DECISION]: true }) as Marked;
}

export function isDecision(value: unknown): value is Decision {
  return typeof value === "object" && value !== null && (value as Partial<Marked>)[DECISION] === true;
}

const ALLOW = make({ kind: "allow", reason: "" });

/** The call runs as it is. */
export function allow(): Decision {
  return ALLOW;
}

/** The call does not run: a PolicyViolationError carrying the decision is thrown instead. */
export function block(reason: string): Decision {
  return make({ kind: "block", reason: text(reason, "block") });
}

/** The call waits for a person's approval (the approver); denied, or no answer in time, it is blocked. Async calls only. */
export function pause(reason: string, options: { timeoutMs?: number } = {}): Decision {
  const timeoutMs = options.timeoutMs;
  if (timeoutMs !== undefined && !(Number.isFinite(timeoutMs) && timeoutMs > 0)) throw new TypeError(`agent-coat: pause() timeoutMs must be a positive number of milliseconds, got ${String(timeoutMs)}`);
  return make({ kind: "pause", reason: text(reason, "pause"), ...(timeoutMs !== undefined && { timeoutMs }) });
}

/** The call runs; an alert record is written. */
export function alert(reason: string): Decision {
  return make({ kind: "alert", reason: text(reason, "alert") });
}

/** The call runs with these argument paths (`"0.card.number"`) replaced by `[REDACTED]`. */
export function redact(paths: string | readonly string[], reason = "redacted arguments"): Decision {
  const list = typeof paths === "string" ? [paths] : [...paths];
  if (list.length === 0 || list.some((p) => typeof p !== "string" || !/^[^.]+(\.[^.]+)*$/.test(p))) {
    throw new TypeError(`agent-coat: redact() takes dotted paths into the argument list, like "0.card.number"; got ${JSON.stringify(paths)}`);
  }
  return make({ kind: "redact", reason: text(reason, "redact"), paths: list });
}

/** The call runs with the arguments `change` returns (given a copy of the old ones). */
export function modify(change: (args: unknown[]) => unknown[], reason = "modified arguments"): Decision {
  if (typeof change !== "function") throw new TypeError("agent-coat: modify() needs a function from the argument list to the new one");
  return make({ kind: "modify", reason: text(reason, "modify"), change });
}

/** The call does not run now: it goes to `target`, and the wrapper resolves to what the target returns. Async calls only. */
export function queue(target: QueueTarget, reason = "queued"): Decision {
  const ok = typeof target === "function" || (typeof target === "object" && target !== null && typeof target.enqueue === "function");
  if (!ok) throw new TypeError("agent-coat: queue() needs a function or an object with enqueue(job)");
  return make({ kind: "queue", reason: text(reason, "queue"), target });
}

/** How far a decision departs from running the call as it is: composition picks the highest. */
export const SEVERITY: Readonly<Record<DecisionKind, number>> = { allow: 0, alert: 1, redact: 2, modify: 2, queue: 3, pause: 4, block: 5 };

/** Decisions that stop the evaluation: later policies are not asked. */
export function isDecisive(kind: DecisionKind): boolean {
  return kind === "block" || kind === "pause" || kind === "queue";
}

function text(reason: unknown, what: string): string {
  if (typeof reason !== "string" || reason.trim() === "") throw new TypeError(`agent-coat: ${what}(reason) needs a reason: a non-empty string`);
  return reason;
}
