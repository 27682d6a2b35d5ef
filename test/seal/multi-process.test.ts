/**
 * Several processes (and a restart) append to one file at once, one of them dies without shutting
 * down: `coat verify` (the built CLI) sorts the records into one chain per process and signal, finds
 * every clean one complete and names the one whose tail is missing.
 */
import { execFile } from "node:child_process";
import { rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, expect, it } from "vitest";
import type { VerifyReport } from "../../src/seal/verify-report.js";
import { tempDir } from "./support/wire.js";

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, "../..");
const ENTRY = join(ROOT, "dist/esm/index.js");
const CLI = join(ROOT, "dist/esm/cli/coat.js");
const FIXTURE = join(ROOT, "test/seal/fixtures/sealed-process.mjs");
const dir = tempDir("coat-seal-multi-");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function produce(file: string, name: string, mode: "shutdown" | "crash"): Promise<{ spans: string; logs: string }> {
  const { stdout } = await run(process.execPath, [FIXTURE, ENTRY, file, name, mode], { cwd: ROOT });
  return JSON.parse(stdout);
}

it("one chain per process and signal; complete ones verify, the crashed one is named", async () => {
  const file = join(dir, "shared.jsonl");
  const concurrent = await Promise.all([produce(file, "agent-a", "shutdown"), produce(file, "agent-b", "shutdown"), produce(file, "agent-c", "crash")]);
  const restarted = await produce(file, "agent-a", "shutdown"); // the same service, started again
  const [a, b, crashed] = concurrent;

  const result = await run(process.execPath, [CLI, "verify", "--json", file]).then(
    () => undefined,
    (error: { code: number; stdout: string }) => error,
  );
  expect(result?.code).toBe(1); // not every chain is complete
  const report = JSON.parse(result!.stdout) as VerifyReport;
  const byChain = new Map(report.chains.map((c) => [c.chain, c]));
  expect(report.chains).toHaveLength(8);
  for (const id of [a!, b!, restarted].flatMap((p) => [p.spans, p.logs])) {
    expect([byChain.get(id)?.valid, byChain.get(id)?.complete, byChain.get(id)?.records_verified]).toEqual([true, true, byChain.get(id)?.records]);
  }
  for (const id of [crashed!.spans, crashed!.logs]) {
    const chain = byChain.get(id)!;
    expect([chain.service, chain.valid, chain.complete, chain.problem, chain.missing]).toEqual(["agent-c", false, false, "truncated", 0]);
    expect(chain.records_verified).toBe(chain.records); // all that was written is intact
  }
  expect(byChain.get(a!.spans)!.chain).not.toBe(restarted.spans);
  expect(report.chains.filter((c) => c.service === "agent-a")).toHaveLength(4);

  const human = await run(process.execPath, [CLI, "verify", file]).catch((error: { stdout: string }) => error);
  expect(human.stdout).toContain(`chain ${crashed!.spans} (spans, service agent-c): BROKEN at seq`);
  expect(human.stdout).toContain(`chain ${b!.logs} (logs, service agent-b): valid, complete`);
  expect(human.stdout).toMatch(/FAILED: 2 of 8 chains do not verify/);
});
