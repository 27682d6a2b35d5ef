// Policy gates through coat(): every decision kind, sync and async, as the OTLP receiver decoded
// what the exporter sent, and the decision records verified in the seal chain of the file sink.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Op, PolicyKey, PolicyViolationError, alert, all, allow, any, block, coat, firstDecisive, modify, not, pause, policy, queue, redact, verifyFiles, withRun } from "../../src/index.js";
import type { Approver, QueuedCall } from "../../src/index.js";
import { asMap, harnessPerFile, logsOf, spanNamed } from "../support/harness.js";
import type { ReceivedLog, ReceivedSpan } from "../support/otlp-receiver.js";

const file = join(mkdtempSync(join(tmpdir(), "coat-gates-")), "records.jsonl");
const h = harnessPerFile({ capture: "raw", file });

const DECISION = "agent.policy.decision";

async function recorded(name: string, logCount: number): Promise<{ span: ReceivedSpan; logs: ReceivedLog[] }> {
  const spans = await h.spans(1);
  const span = spanNamed(spans, name);
  return { span, logs: await h.logsFor(span, logCount) };
}

const decisionOf = (logs: ReceivedLog[]) => {
  const record = logs.find((l) => l.eventName === DECISION);
  if (record === undefined) throw new Error(`no ${DECISION} record among ${logs.map((l) => l.eventName).join(", ")}`);
  return { record, policy: asMap(asMap(asMap(record.body).payload).policy) };
};

describe("allow", () => {
  it("runs the call unchanged and writes the policies evaluated on its span and records, with no record of its own", async () => {
    const seen: unknown[] = [];
    const lookup = coat(Op.TOOL, { policies: [policy("open", (ctx) => (seen.push(ctx.args), allow())), policy("quiet", () => undefined)] }, function lookup(city: string) {
      return `sunny in ${city}`;
    });
    expect(lookup("Lisbon")).toBe("sunny in Lisbon");
    expect(seen).toEqual([["Lisbon"]]);
    const { span, logs } = await recorded("lookup", 2);
    expect(span.attributes[PolicyKey.DECISION]).toBe("allow");
    expect(span.attributes[PolicyKey.EVALUATED]).toEqual(["open=allow", "quiet=allow"]);
    expect(logs.map((l) => l.eventName)).toEqual(["agent.tool.request", "agent.tool.response"]);
    for (const log of logs) expect(log.attributes[PolicyKey.DECISION]).toBe("allow");
  });
});

describe("block", () => {
  it("sync: the function does not run; PolicyViolationError is thrown; the span, a span event and a decision record say which policy and why", async () => {
    let ran = false;
    const refund = coat(Op.TOOL, { policies: [policy("no-refunds", { priority: 5 }, () => block("refunds need a human"))] }, function refund(amount: number) {
      ran = true;
      return amount;
    });
    let thrown: unknown;
    try {
      refund(100);
    } catch (error) {
      thrown = error;
    }
    expect(ran).toBe(false);
    expect(thrown).toBeInstanceOf(PolicyViolationError);
    const violation = thrown as PolicyViolationError;
    expect([violation.kind, violation.policy, violation.reason]).toEqual(["block", "no-refunds", "refunds need a human"]);
    expect(violation.verdict.evaluated.map((e) => e.policy)).toEqual(["no-refunds"]);
    const { span, logs } = await recorded("refund", 3);
    expect(span.status.code).toBe(2);
    expect(span.attributes["error.type"]).toBe("PolicyViolationError");
    expect(span.attributes[PolicyKey.DECISION]).toBe("block");
    expect(span.attributes[PolicyKey.POLICY]).toBe("no-refunds");
    const event = span.events.find((e) => e.name === DECISION);
    expect(event?.attributes[PolicyKey.REASON]).toBe("refunds need a human");
    expect(logs.map((l) => l.eventName)).toEqual([DECISION, "agent.tool.request", "agent.tool.error"]);
    const { record, policy: part } = decisionOf(logs);
    expect(record.severityText).toBe("ERROR");
    expect(part.decision).toBe("block");
    expect(part.policy).toBe("no-refunds");
    expect(part.reason).toBe("refunds need a human");
    expect(part.stage).toBe("call");
    expect(typeof part.latency_ms).toBe("number");
    expect((part.evaluated as Record<string, unknown>[]).map((e) => [e.policy, e.decision])).toEqual([["no-refunds", "block"]]);
  });

  it("async: the promise rejects with PolicyViolationError and the function never runs", async () => {
    let ran = false;
    const send = coat(Op.TOOL, { policies: [policy("offline", async () => block("outbox closed"))] }, async function send() {
      ran = true;
      return "sent";
    });
    await expect(send()).rejects.toMatchObject({ name: "PolicyViolationError", policy: "offline", reason: "outbox closed" });
    expect(ran).toBe(false);
    const { logs } = await recorded("send", 3);
    expect(decisionOf(logs).policy.decision).toBe("block");
  });
});

describe("alert", () => {
  it("runs the call and writes an alert record", async () => {
    const search = coat(Op.RETRIEVER, { policies: [policy("watch", () => alert("large query"))] }, async function search(q: string) {
      return [q];
    });
    expect(await search("everything")).toEqual(["everything"]);
    const { span, logs } = await recorded("search", 3);
    expect(span.status.code).toBe(1);
    const { record, policy: part } = decisionOf(logs);
    expect(record.severityText).toBe("INFO");
    expect([part.decision, part.policy, part.reason]).toEqual(["alert", "watch", "large query"]);
    expect(part.alerts).toEqual([{ policy: "watch", reason: "large query" }]);
  });
});

describe("redact and modify", () => {
  it("runs the call with the changed arguments; the record lists the paths and shows the arguments it ran with", async () => {
    const received: unknown[] = [];
    const charge = coat(Op.TOOL, { policies: [policy("pci", () => redact(["0.card.number", "0.missing"], "card numbers stay out"))] }, function charge(order: { card: { number: string; exp: string }; amount: number }) {
      received.push(order);
      return order.amount;
    });
    const order = { card: { number: "4242424242424242", exp: "12/30" }, amount: 5 };
    expect(charge(order)).toBe(5);
    expect(received).toEqual([{ card: { number: "[REDACTED]", exp: "12/30" }, amount: 5 }]);
    expect(order.card.number).toBe("4242424242424242"); // the caller's object is not touched
    const { logs } = await recorded("charge", 3);
    const { record, policy: part } = decisionOf(logs);
    expect(part.changed).toEqual(["0.card.number"]);
    expect(record.attributes[PolicyKey.CHANGED]).toEqual(["0.card.number"]);
    expect(JSON.parse(asMap(asMap(record.body).payload).preview ? (asMap(asMap(asMap(record.body).payload).preview).input as string) : "null")).toEqual([received[0]]);
  });

  it("modify(fn) changes the argument list, and later policies see the new arguments", async () => {
    const seen: unknown[] = [];
    const greet = coat(Op.TOOL, {
      policies: [policy("upper", { priority: 2 }, () => modify((args) => [String(args[0]).toUpperCase()])), policy("after", { priority: 1 }, (ctx) => (seen.push(ctx.args[0]), allow()))],
    }, function greet(name: string) {
      return `hi ${name}`;
    });
    expect(greet("ada")).toBe("hi ADA");
    expect(seen).toEqual(["ADA"]);
    const { logs } = await recorded("greet", 3);
    expect(decisionOf(logs).policy.changed).toEqual(["*"]);
  });
});

describe("pause", () => {
  const paused = (approver: Approver, timeoutMs?: number) =>
    coat(Op.TOOL, { approver, policies: [policy("destructive", async () => pause("deletes data", { ...(timeoutMs !== undefined && { timeoutMs }) }))] }, async function dropTable(name: string) {
      return `dropped ${name}`;
    });

  it("approved: the call runs, and the record says who approved and when", async () => {
    const asked: string[] = [];
    const drop = paused((request) => (asked.push(`${request.name}:${request.policy}:${request.reason}:${String(request.args[0])}`), { approved: true, by: "ops@example.com" }));
    expect(await drop("users")).toBe("dropped users");
    expect(asked).toEqual(["dropTable:destructive:deletes data:users"]);
    const { span, logs } = await recorded("dropTable", 3);
    expect(span.status.code).toBe(1);
    const { record, policy: part } = decisionOf(logs);
    expect(part.decision).toBe("pause");
    expect(asMap(part.approval)).toMatchObject({ approved: true, by: "ops@example.com" });
    expect(Date.parse(asMap(part.approval).at as string)).toBeGreaterThan(Date.now() - 60_000);
    expect(record.attributes[PolicyKey.APPROVED_BY]).toBe("ops@example.com");
    expect(record.severityText).toBe("INFO");
  });

  it("denied: PolicyViolationError, the call does not run", async () => {
    const drop = paused(() => ({ approved: false, by: "ops@example.com" }));
    await expect(drop("users")).rejects.toMatchObject({ name: "PolicyViolationError", kind: "pause", reason: "approval denied by ops@example.com" });
    const { logs } = await recorded("dropTable", 3);
    const { record, policy: part } = decisionOf(logs);
    expect(asMap(part.approval).approved).toBe(false);
    expect(record.severityText).toBe("ERROR");
  });

  it("timed out: denied, saying so", async () => {
    const drop = paused(() => new Promise(() => undefined), 50);
    await expect(drop("users")).rejects.toMatchObject({ kind: "pause", reason: "approval denied: no answer within 50 ms" });
    const { logs } = await recorded("dropTable", 3);
    expect(asMap(decisionOf(logs).policy.approval).note).toBe("no answer within 50 ms");
  });
});

describe("queue", () => {
  it("hands the call to the queue instead of running it; the wrapper resolves to what the queue returns; the job can run it later", async () => {
    const jobs: QueuedCall[] = [];
    const report = coat(Op.TOOL, { policies: [policy("later", async () => queue((job) => (jobs.push(job), "job-1"), "night batch"))] }, async function report(day: string) {
      return `report for ${day}`;
    });
    expect(await report("monday")).toBe("job-1");
    expect(jobs.map((j) => [j.name, j.args, j.reason])).toEqual([["report", ["monday"], "night batch"]]);
    expect(await jobs[0]!.run()).toBe("report for monday");
    const { logs } = await recorded("report", 3);
    expect(decisionOf(logs).policy.decision).toBe("queue");
  });
});

describe("failing policies", () => {
  it("a policy that throws fails closed, and the record says why", async () => {
    const tool = coat(Op.TOOL, { policies: [policy("broken", () => {
      throw new Error("rules file missing");
    })] }, function tool() {
      return 1;
    });
    expect(() => tool()).toThrow(/policy broken failed closed: threw Error: rules file missing/);
    const { logs } = await recorded("tool", 3);
    const evaluated = decisionOf(logs).policy.evaluated as Record<string, unknown>[];
    expect(evaluated[0]).toMatchObject({ policy: "broken", decision: "block", error: "threw Error: rules file missing" });
  });

  it("onError: allow fails open", async () => {
    const tool = coat(Op.TOOL, { policies: [policy("lenient", { onError: "allow" }, () => {
      throw new Error("flaky");
    })] }, function tool() {
      return 1;
    });
    expect(tool()).toBe(1);
  });

  it("an async policy that hangs past its budget fails closed", async () => {
    const tool = coat(Op.TOOL, { policies: [policy("hangs", { timeoutMs: 30 }, () => new Promise(() => undefined) as never)] , async: true }, function tool() {
      return Promise.resolve(1);
    });
    await expect(tool()).rejects.toThrow(/policy hangs failed closed: did not decide within its time budget of 30 ms/);
  });

  it("a sync policy that returns a promise, or pauses, on a sync call fails closed instead of making it async", () => {
    const sneaky = coat(Op.TOOL, { policies: [policy("sneaky", () => Promise.resolve(allow()) as never)] }, function a() {
      return 1;
    });
    expect(() => sneaky()).toThrow(/returned a promise/);
    const pausing = coat(Op.TOOL, { policies: [policy("pausing", () => pause("check"))] }, function b() {
      return 1;
    });
    expect(() => pausing()).toThrow(/decided pause, which needs an async call/);
  });

  it("an async policy on a sync function is an error when it is wrapped", () => {
    expect(() => coat(Op.TOOL, { policies: [policy("slow", async () => allow())] }, function sync() {
      return 1;
    })).toThrow(/policy slow is async \(or pauses\) and cannot gate sync, a sync function/);
  });

  it("a policy returning something else than a decision fails closed", () => {
    const tool = coat(Op.TOOL, { policies: [policy("typo", () => "block" as never)] }, function tool() {
      return 1;
    });
    expect(() => tool()).toThrow(/returned a string, not a decision/);
  });
});

describe("priority and composition", () => {
  it("higher priority runs first and the first decisive decision ends the evaluation", () => {
    const order: string[] = [];
    const p = (name: string, priority: number, decide: () => ReturnType<typeof allow>) => policy(name, { priority }, () => (order.push(name), decide()));
    const tool = coat(Op.TOOL, { policies: [p("low", 1, allow), p("high", 9, () => alert("seen")), p("mid", 5, () => block("stop")), p("never", 0, allow)] }, function tool() {
      return 1;
    });
    expect(() => tool()).toThrow(PolicyViolationError);
    expect(order).toEqual(["high", "mid"]);
  });

  it("all, any, not and firstDecisive combine their parts' decisions", () => {
    const yes = policy("yes", () => allow());
    const no = policy("no", () => block("no"));
    const warn = policy("warn", () => alert("hm"));
    const run = (composed: ReturnType<typeof all>) => {
      const verdicts: string[] = [];
      const tool = coat(Op.TOOL, { policies: [composed] }, function tool() {
        return "ran";
      });
      try {
        verdicts.push(tool());
      } catch (error) {
        verdicts.push((error as PolicyViolationError).kind);
      }
      return verdicts[0];
    };
    expect(run(all("all-ok", [yes, warn]))).toBe("ran");
    expect(run(all("all-no", [yes, no]))).toBe("block");
    expect(run(any("any-yes", [no, yes]))).toBe("ran");
    expect(run(any("any-no", [no, policy("no2", () => block("x"))]))).toBe("block");
    expect(run(not("not-yes", yes))).toBe("block");
    expect(run(not("not-no", no))).toBe("ran");
    expect(run(firstDecisive("first", [yes, no, warn]))).toBe("block");
  });

  it("ops and match decide which calls a policy sees", () => {
    const seen: string[] = [];
    const watch = (name: string, options: Parameters<typeof policy>[1]) => policy(name, options as never, (ctx) => (seen.push(`${name}:${ctx.name}`), allow()));
    const policies = [watch("tools", { ops: [Op.TOOL] }), watch("named", { match: "b" }), watch("pattern", { match: /^a/ }), watch("fn", { match: (ctx) => ctx.args[0] === 2 })];
    coat(Op.TOOL, { policies }, function a(_n: number) {
      return 1;
    })(1);
    coat(Op.LLM, { policies }, function b(_n: number) {
      return 1;
    })(2);
    expect(seen).toEqual(["tools:a", "pattern:a", "named:b", "fn:b"]);
  });
});

describe("result policies", () => {
  it("a result policy that blocks withholds the result (the call's side effects have happened)", async () => {
    let ran = 0;
    const read = coat(Op.TOOL, { policies: [policy("no-secrets-out", { on: "result" }, (ctx) => (String(ctx.result).includes("sk-") ? block("the result holds a key") : allow()))] }, async function read(path: string) {
      ran++;
      return path === "env" ? "OPENAI_KEY=sk-123" : "hello";
    });
    expect(await read("notes")).toBe("hello");
    await expect(read("env")).rejects.toMatchObject({ name: "PolicyViolationError", reason: "the result holds a key" });
    expect(ran).toBe(2);
    const spans = await h.spans(2);
    const blocked = spans.find((s) => s.status.code === 2)!;
    const { policy: part } = decisionOf(await h.logsFor(blocked, 3));
    expect([part.stage, part.decision]).toEqual(["result", "block"]);
  });
});

describe("context and totals", () => {
  it("gives the op, name, intent, ids, identity and the run's calls so far", async () => {
    const contexts: Record<string, unknown>[] = [];
    const spy = policy("spy", (ctx) => (contexts.push({ op: ctx.op, name: ctx.name, intent: ctx.intent, calls: { ...ctx.totals.calls }, count: ctx.totals.callCount, runId: ctx.runId, step: ctx.stepId }), allow()));
    const tool = coat(Op.TOOL, { intent: "look up", policies: [spy] }, function lookup() {
      return 1;
    });
    withRun("run-ctx", () => {
      tool();
      tool();
    });
    expect(contexts.map((c) => [c.op, c.name, c.intent, c.calls, c.count, c.runId])).toEqual([
      ["tool", "lookup", "look up", {}, 0, "run-ctx"],
      ["tool", "lookup", "look up", { lookup: 1 }, 1, "run-ctx"],
    ]);
    const spans = await h.spans(2);
    expect(spans.map((s) => `step_${s.spanId}`).sort()).toEqual(contexts.map((c) => c.step).sort());
  });
});

describe("the audit trail", () => {
  it("decision records are sealed in the chain: coat verify passes, and fails once a decision is changed", async () => {
    const tool = coat(Op.TOOL, { policies: [policy("gate", () => block("audit me"))] }, function audited() {
      return 1;
    });
    expect(() => tool()).toThrow(PolicyViolationError);
    await recorded("audited", 3);
    await h.telemetry.forceFlush();
    // The process is still running, so its chains have no final checkpoint yet: that is the only problem allowed.
    const problems = (report: Awaited<ReturnType<typeof verifyFiles>>) => report.chains.flatMap((c) => c.problems.map((p) => p.kind)).filter((k) => k !== "truncated");
    const clean = await verifyFiles([file]);
    expect(clean.chains.map((c) => c.signal).sort()).toEqual(["logs", "spans"]);
    expect(problems(clean)).toEqual([]);
    const text = readFileSync(file, "utf8");
    expect(text).toContain("audit me");
    const tampered = `${file}.tampered`;
    writeFileSync(tampered, text.replaceAll('"audit me"', '"allowed"'));
    const report = await verifyFiles([tampered]);
    expect(report.ok).toBe(false);
    expect(problems(report).length).toBeGreaterThan(0);
  });
});

describe("records on the wire", () => {
  it("the decision record carries the routing keys of the call's records", async () => {
    const tool = coat(Op.TOOL, { policies: [policy("gate", () => alert("hm"))] }, function routed() {
      return 1;
    });
    tool();
    const { span, logs } = await recorded("routed", 3);
    const { record } = decisionOf(logs);
    expect(record.attributes["aotp.kind"]).toBe(DECISION);
    expect(record.attributes["envpod.op"]).toBe("tool");
    expect(record.spanId).toBe(span.spanId);
    expect(logsOf(logs, span)).toHaveLength(3);
  });
});
