// coat audit, coat backtest and coat policy check on a run recorded by a real child process
// (test/fixtures/governed-agent.mjs, the built package, a clean shutdown: complete chains).
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { AUDIT_COLUMNS } from "../../src/govern/audit-rows.js";
import type { AuditRow } from "../../src/govern/audit-rows.js";

const ROOT = resolve(import.meta.dirname, "../..");
const ENTRY = join(ROOT, "dist/esm/index.js");
const CLI = join(ROOT, "dist/esm/cli/coat.js");
const dir = mkdtempSync(join(tmpdir(), "coat-govern-tooling-"));
const file = join(dir, "records.jsonl");

function coat(...args: string[]): { code: number; out: string; err: string } {
  try {
    return { code: 0, out: execFileSync(process.execPath, [CLI, ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }), err: "" };
  } catch (error) {
    const failed = error as { status: number; stdout: string; stderr: string };
    return { code: failed.status, out: failed.stdout, err: failed.stderr };
  }
}

beforeAll(() => {
  execFileSync(process.execPath, [join(ROOT, "test/fixtures/governed-agent.mjs"), ENTRY, file], { stdio: "inherit" });
});

describe("coat audit", () => {
  it("--json lists every decision, field by field, with its record's seal position, and says the chains verify", () => {
    const { code, out } = coat("audit", file, "--json");
    expect(code).toBe(0);
    const { summary, decisions } = JSON.parse(out) as { summary: Record<string, unknown>; decisions: AuditRow[] };
    expect(summary.chain_verified).toBe(true);
    expect(summary.by_decision).toEqual({ allow: 3, block: 3, alert: 1 });
    expect(decisions.map((d) => [d.run_id, d.name, d.decision, d.policy, d.record])).toEqual([
      ["run-one", "search", "allow", "", "span"],
      ["run-one", "search", "allow", "", "span"],
      ["run-one", "search", "block", "call-limit", "log"],
      ["run-one", "shell", "block", "tool-access", "log"],
      ["run-two", "fetchPage", "allow", "", "span"],
      ["run-two", "fetchPage", "block", "loop-detection", "log"],
      ["run-two", "email", "alert", "secrets-in-arguments", "log"],
    ]);
    const blocked = decisions.find((d) => d.name === "shell")!;
    expect(blocked.reason).toBe('role "*" may not call shell');
    expect(blocked.stage).toBe("call");
    expect(blocked.evaluated).toBe("tool-access=block");
    expect(blocked.op).toBe("tool");
    expect(blocked.trace_id).toMatch(/^[0-9a-f]{32}$/);
    expect(blocked.span_id).toMatch(/^[0-9a-f]{16}$/);
    expect(typeof blocked.latency_ms).toBe("number");
    expect(decisions.find((d) => d.name === "email")!.reason).toBe("secrets in the arguments of email at 0.password");
    // Each row points at a sealed record: its chain and sequence number are in the file.
    const text = readFileSync(file, "utf8");
    for (const d of decisions) {
      expect(d.seal_chain).toMatch(/^[0-9a-f]{32}$/);
      expect(typeof d.seal_seq).toBe("number");
      expect(text).toContain(d.seal_chain);
    }
    expect(new Set(decisions.map((d) => `${d.seal_chain}:${d.seal_seq}`)).size).toBe(decisions.length);
  });

  it("--csv has the same rows, RFC 4180 quoted", () => {
    const json = (JSON.parse(coat("audit", file, "--json").out) as { decisions: AuditRow[] }).decisions;
    const { out } = coat("audit", file, "--csv");
    const lines = out.trimEnd().split("\r\n");
    expect(lines[0]).toBe(AUDIT_COLUMNS.join(","));
    expect(lines).toHaveLength(json.length + 1);
    const quote = (v: unknown) => {
      const s = String(v);
      return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
    };
    json.forEach((row, i) => expect(lines[i + 1]).toBe(AUDIT_COLUMNS.map((c) => quote(row[c])).join(",")));
    expect(out).toContain('"role ""*"" may not call shell"');
  });

  it("the summary table counts decisions per policy", () => {
    const { out } = coat("audit", file);
    expect(out).toMatch(/^call-limit\s+0\s+0\s+0\s+0\s+0\s+0\s+1$/m);
    expect(out).toMatch(/7 decisions, 3 stopped a call; the seal chains verify/);
  });
});

describe("coat backtest", () => {
  it("replays the recorded runs through a new policy module and reports what it would have done, per run", () => {
    const module = join(dir, "stricter.mjs");
    writeFileSync(
      module,
      `import { policy, block, alert, allow, loopDetection } from ${JSON.stringify(ENTRY)};
export const noEmail = policy("no-email", { ops: ["tool"] }, (ctx) => (ctx.name === "email" ? block("email is off") : allow()));
export const searchWatch = policy("search-watch", (ctx) => (ctx.name === "search" && ctx.totals.calls.search >= 1 ? alert("repeated search") : allow()));
export default [loopDetection({ times: 2 })];
`,
    );
    const { code, out } = coat("backtest", "--policy", module, file, "--json");
    expect(code).toBe(0);
    const report = JSON.parse(out) as { policies: string[]; runs: { runId: string; calls: number; counts: Record<string, number>; hits: { name: string; decision: string; policy: string }[] }[] };
    expect(report.policies.sort()).toEqual(["loop-detection", "no-email", "search-watch"]);
    const byRun = Object.fromEntries(report.runs.map((r) => [r.runId, r]));
    expect(byRun["run-one"]!.calls).toBe(4);
    expect(byRun["run-one"]!.counts).toEqual({ alert: 2 });
    expect(byRun["run-one"]!.hits.map((h) => [h.name, h.decision, h.policy])).toEqual([
      ["search", "alert", "search-watch"],
      ["search", "alert", "search-watch"],
    ]);
    expect(byRun["run-two"]!.counts).toEqual({ block: 2 });
    expect(byRun["run-two"]!.hits.map((h) => [h.name, h.decision, h.policy])).toEqual([
      ["fetchPage", "block", "loop-detection"],
      ["email", "block", "no-email"],
    ]);
  });
});

describe("coat policy check", () => {
  it("reports a policy that throws, one that is slow and one that decides differently the second time; exit 1", () => {
    const module = join(dir, "shaky.mjs");
    writeFileSync(
      module,
      `import { policy, block, allow } from ${JSON.stringify(ENTRY)};
export const fine = policy("fine", () => allow());
export const throws = policy("throws", (ctx) => { if (ctx.name === "email") throw new Error("no rule for email"); return allow(); });
export const slow = policy("slow", () => { const end = Date.now() + 20; while (Date.now() < end); return allow(); });
// State outside the policy's own module (here a global), as a clock or a random number would be.
export const moody = policy("moody", () => ((globalThis.moodyCalls = (globalThis.moodyCalls ?? 0) + 1) % 2 === 0 ? block("even") : allow()));
`,
    );
    const { code, out } = coat("policy", "check", module, "--trace", file, "--json");
    expect(code).toBe(1);
    const report = JSON.parse(out) as { contexts: number; problems: { policy: string; kind: string; call: string }[] };
    expect(report.contexts).toBe(7);
    const kinds = (policy: string) => [...new Set(report.problems.filter((p) => p.policy === policy).map((p) => p.kind))];
    expect(kinds("fine")).toEqual([]);
    expect(kinds("throws")).toEqual(["throws"]);
    expect(report.problems.find((p) => p.policy === "throws")!.call).toMatch(/^email \(tool/);
    expect(kinds("slow")).toEqual(["slow"]);
    expect(kinds("moody")).toEqual(["non-deterministic"]);
  });

  it("exits 0 on policies without problems (sample calls without --trace)", () => {
    const module = join(dir, "good.mjs");
    writeFileSync(module, `import { policy, allow } from ${JSON.stringify(ENTRY)};\nexport default policy("ok", () => allow());\n`);
    const { code, out } = coat("policy", "check", module);
    expect([code, out.trim()]).toEqual([0, "1 policies checked against 3 calls: no problems"]);
  });
});
