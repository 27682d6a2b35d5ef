import { createInterface } from "node:readline";
import type { PolicyContext } from "./policy-context.js";

/** What an approver is asked: a paused call. The arguments are the real ones, in memory. */
export interface ApprovalRequest {
  readonly policy: string;
  readonly reason: string;
  readonly op: string;
  readonly name: string;
  readonly args: readonly unknown[];
  readonly context: PolicyContext;
  /** Aborted when the wait is over (timed out): a prompt can stop asking. */
  readonly signal: AbortSignal;
}

/** An approver's answer; `true` / `false` are short for `{ approved }`. */
export interface Approval {
  readonly approved: boolean;
  /** Who decided, e.g. an e-mail or a user id (recorded). */
  readonly by?: string;
  readonly reason?: string;
}

/**
 * Decides paused calls: a function (a callback to your own review tool, a chat message, a queue)
 * that resolves to an answer. No answer within the pause's timeout means denied.
 */
export type Approver = (request: ApprovalRequest) => Approval | boolean | Promise<Approval | boolean>;

/** Asks on the terminal (`y` approves, anything else denies), recording the OS user as the approver. */
export function terminalApprover(streams: { input?: NodeJS.ReadableStream; output?: NodeJS.WritableStream } = {}): Approver {
  return (request) =>
    new Promise<Approval>((resolve) => {
      const rl = createInterface({ input: streams.input ?? process.stdin, output: streams.output ?? process.stderr, terminal: false });
      const done = (approved: boolean) => {
        rl.close();
        resolve({ approved, by: `terminal:${process.env.USER ?? process.env.USERNAME ?? "unknown"}` });
      };
      request.signal.addEventListener("abort", () => done(false), { once: true });
      rl.question(`agent-coat: ${request.name} (${request.op}) is paused by policy ${request.policy}: ${request.reason}\nApprove? [y/N] `, (answer) => done(/^y(es)?$/i.test(answer.trim())));
    });
}

/** The approver when none is configured: the terminal when there is one, else none (paused calls are denied). */
export function defaultApprover(): Approver | undefined {
  return process.stdin.isTTY === true && process.stderr.isTTY === true ? terminalApprover() : undefined;
}

export const DEFAULT_APPROVAL_TIMEOUT_MS = 60_000;
