/**
 * `coat verify` reads a large file on worker threads, each a range of it, and replays what they
 * found in file order: the report must be the one a single thread gives, for intact files and for
 * files with tampered records, lines that are not JSON, blank lines and \r\n line ends, through
 * the built ESM and CommonJS entry points (the workers run the built scripts).
 */
import { readFileSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { Op, coat, register } from "../../src/index.js";
import type { VerifyReport } from "../../src/seal/verify-report.js";
import { tempDir } from "./support/wire.js";

type VerifyFiles = (paths: readonly string[], options?: { threads?: number }) => Promise<VerifyReport>;

const ROOT = resolve(import.meta.dirname, "../..");
const dir = tempDir("coat-verify-parallel-");
const sealed = join(dir, "sealed.jsonl");
const args = { query: "Find flights from Lisbon to Tokyo leaving next Friday", note: "x".repeat(600), history: Array.from({ length: 6 }, (_, i) => ({ role: "user", content: `turn ${i} about fares` })) };

let esm: VerifyFiles;
let cjs: VerifyFiles;

beforeAll(async () => {
  esm = ((await import(join(ROOT, "dist/esm/index.js"))) as { verifyFiles: VerifyFiles }).verifyFiles;
  cjs = (createRequire(import.meta.url)(join(ROOT, "dist/cjs/index.js")) as { verifyFiles: VerifyFiles }).verifyFiles;
  const env = { OTEL_BSP_MAX_QUEUE_SIZE: "20000", OTEL_BLRP_MAX_QUEUE_SIZE: "40000" };
  const telemetry = register({ serviceName: "verify-parallel", capture: "redacted", file: sealed, stderr: false, env });
  const tool = coat(Op.TOOL, function searchFlights(a: typeof args) {
    return { count: a.history.length };
  });
  for (let i = 0; i < 4000; i++) {
    tool(args);
    if (i % 100 === 99) await new Promise((done) => setImmediate(done));
  }
  await telemetry.shutdown();
}, 120_000);

/** The report without the thread count, which is the one thing allowed to differ. */
const withoutThreads = (report: VerifyReport) => ({ ...report, files: report.files.map(({ threads: _, ...file }) => file) });

async function sameReport(verifyFiles: VerifyFiles, paths: string[]): Promise<VerifyReport> {
  const single = await verifyFiles(paths, { threads: 1 });
  expect(single.files.every((f) => f.threads === 1)).toBe(true);
  for (const threads of [2, 3]) {
    const parallel = await verifyFiles(paths, { threads });
    expect(parallel.files.map((f) => f.threads)).toEqual(paths.map(() => threads));
    expect(withoutThreads(parallel)).toEqual(withoutThreads(single));
  }
  return single;
}

describe("parallel verification", () => {
  it("gives an intact file's report, on the ESM and the CommonJS build", async () => {
    expect(statSync(sealed).size).toBeGreaterThan(12 * 1024 * 1024);
    for (const verifyFiles of [esm, cjs]) {
      const report = await sameReport(verifyFiles, [sealed]);
      expect(report.ok).toBe(true);
      expect(report.records).toBeGreaterThan(12_000);
    }
  });

  it("gives a damaged file's report: the same problems at the same lines", async () => {
    const lines = readFileSync(sealed, "utf8").split("\n").filter((line) => line !== "");
    const at = Math.floor(lines.length * 0.7);
    lines[at] = lines[at]!.replace('"searchFlights"', '"searchHotels"');
    lines.splice(Math.floor(lines.length * 0.4), 0, "not json at all", "");
    lines.splice(Math.floor(lines.length * 0.55), 1);
    const damaged = join(dir, "damaged.jsonl");
    writeFileSync(damaged, `${lines.join("\r\n")}\r\n`);
    const modifiedLine = lines.findIndex((line) => line.includes('"searchHotels"')) + 1;
    await sameReport(esm, [damaged, sealed]);
    const report = await sameReport(esm, [damaged]);
    expect(report.ok).toBe(false);
    expect(report.skipped_lines).toBe(1);
    const problems = report.chains.flatMap((chain) => chain.problems);
    expect(problems.some((p) => p.kind === "modified" && p.record.location === `${damaged}:${modifiedLine}`)).toBe(true);
    expect(problems.some((p) => p.kind === "gap")).toBe(true);
  });

  it("reads on one thread where workers would not pay, and refuses a thread count that is not one", async () => {
    const small = join(dir, "small.jsonl");
    writeFileSync(small, readFileSync(sealed, "utf8").split("\n").slice(0, 3).join("\n"));
    expect((await esm([small], { threads: 4 })).files[0]!.threads).toBe(1);
    await expect(esm([sealed], { threads: 0 })).rejects.toThrow(/threads must be a whole number/);
    await expect(esm([sealed], { threads: 1.5 })).rejects.toThrow(/threads must be a whole number/);
  });
});

describe("a worker that fails", () => {
  it("has its range read on this thread: the same report, read by the threads that did read", async () => {
    type Parallel = typeof import("../../src/seal/verify-parallel.js");
    type Verify = typeof import("../../src/seal/verify.js");
    const { readInParallel } = (await import(join(ROOT, "dist/esm/seal/verify-parallel.js"))) as Parallel;
    const { Verification } = (await import(join(ROOT, "dist/esm/seal/verify.js"))) as Verify;
    const failing = join(dir, "failing-worker.mjs");
    writeFileSync(failing, 'throw new Error("this worker fails as it starts");\n');
    const verification = new Verification();
    verification.startFile(sealed);
    const read = await readInParallel(sealed, statSync(sealed).size, 3, verification, () => failing);
    expect(read).toEqual({ read: "done", threads: 1 });
    const single = await esm([sealed], { threads: 1 });
    expect(verification.report()).toEqual(single);
  });
});
