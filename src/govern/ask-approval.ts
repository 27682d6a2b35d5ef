import { describe } from "../runtime/report.js";
import type { Approver } from "./approver.js";
import { DEFAULT_APPROVAL_TIMEOUT_MS, defaultApprover } from "./approver.js";
import type { ApprovalFacts } from "./decision-record.js";
import type { PolicyContext } from "./policy-context.js";
import type { Verdict } from "./verdict.js";

/** Asks the approver about a paused call and waits up to the pause's timeout; no answer, no approver or a failing approver mean denied. */
export async function askApproval(approver: Approver | undefined, verdict: Verdict, ctx: PolicyContext): Promise<ApprovalFacts> {
  const started = Date.now();
  const facts = (approved: boolean, by: string | undefined, note: string | undefined): ApprovalFacts => ({ approved, by, at: new Date().toISOString(), waitedMs: Date.now() - started, note });
  const ask = approver ?? defaultApprover();
  if (ask === undefined) return facts(false, undefined, "no approver is configured (register({ approver }) or coat option approver; a terminal prompt needs a TTY)");
  const timeoutMs = verdict.decision.timeoutMs ?? DEFAULT_APPROVAL_TIMEOUT_MS;
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const late = Symbol("late");
  try {
    const answer = await Promise.race([
      Promise.resolve().then(() => ask({ policy: verdict.by ?? "", reason: verdict.decision.reason, op: ctx.op, name: ctx.name, args: verdict.args, context: ctx, signal: controller.signal })),
      new Promise<typeof late>((resolve) => (timer = setTimeout(resolve, timeoutMs, late))),
    ]);
    if (answer === late) {
      controller.abort();
      return facts(false, undefined, `no answer within ${timeoutMs} ms`);
    }
    if (typeof answer === "boolean") return facts(answer, undefined, undefined);
    if (typeof answer !== "object" || answer === null || typeof answer.approved !== "boolean") return facts(false, undefined, "the approver's answer was not true, false or { approved }");
    return facts(answer.approved, typeof answer.by === "string" ? answer.by : undefined, typeof answer.reason === "string" ? answer.reason : undefined);
  } catch (error) {
    return facts(false, undefined, `the approver failed: ${describe(error)}`);
  } finally {
    clearTimeout(timer);
  }
}
