/**
 * `coat verify` never says ok about nothing: an empty file, random bytes, a file whose seals were
 * stripped, an empty file among good ones, and garbage lines next to good records all fail (exit 1,
 * `ok: false`) with a sentence that says what was found; only an explicit flag lets skipped lines
 * pass. Run through the built CLI as users run it, and through the library.
 */
import { execFile } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyDocuments } from "../../src/seal/verify.js";
import { verifyFiles } from "../../src/seal/verify-files.js";
import type { VerifyReport } from "../../src/seal/verify-report.js";
import { mulberry32 } from "../support/adversarial.js";
import { recordAgentRun } from "./support/agent.js";
import { StoredLines } from "./support/tamper.js";
import { tempDir, writeTemp } from "./support/wire.js";

const CLI = resolve(import.meta.dirname, "../../dist/esm/cli/coat.js");
const dir = tempDir("coat-verify-nothing-");
let valid: string;
let validText: string;
let validLines: number;

function coat(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => resolve({ code: error ? (error.code as number) : 0, stdout, stderr }));
  });
}

const lastLine = (stdout: string): string => stdout.trim().split("\n").at(-1)!;

async function coatJson(...args: string[]): Promise<{ code: number; report: VerifyReport }> {
  const { code, stdout } = await coat("verify", "--json", ...args);
  return { code, report: JSON.parse(stdout) as VerifyReport };
}

/** 3 MB of seeded random bytes: what a corrupted or wrongly chosen file looks like. */
function randomBytes(seed: number, size: number): Buffer {
  const next = mulberry32(seed);
  const bytes = Buffer.alloc(size);
  for (let i = 0; i < size; i++) bytes[i] = Math.floor(next() * 256);
  return bytes;
}

beforeAll(async () => {
  valid = join(dir, "valid.jsonl");
  await recordAgentRun(valid, { checkpointEvery: 8 }, 2);
  validText = readFileSync(valid, "utf8");
  validLines = validText.split("\n").filter((l) => l.trim() !== "").length;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("coat verify on nothing to verify", () => {
  it("an empty file fails: 0 records, the file is empty", async () => {
    const empty = writeTemp(dir, "empty.jsonl", "");
    const human = await coat("verify", empty);
    expect([human.code, lastLine(human.stdout)]).toEqual([1, "FAILED: 0 records: the file is empty"]);
    expect(human.stdout).not.toMatch(/0 of 0 chains|ok:/);
    const { code, report } = await coatJson(empty);
    expect(code).toBe(1);
    expect(report).toMatchObject({ ok: false, lines: 0, records: 0, skipped_lines: 0, chains: [], reason: "0 records: the file is empty" });
    expect(report.files).toEqual([{ path: empty, lines: 0, records: 0, unsealed: 0, skipped_lines: 0, threads: 1, reason: `${empty} is empty` }]);
    // Blank lines only are no content either; the library says the same.
    const blank = writeTemp(dir, "blank.jsonl", "\n\n  \n");
    expect(await verifyFiles([blank])).toMatchObject({ ok: false, lines: 0, reason: "0 records: the file is empty" });
    expect(verifyDocuments([])).toMatchObject({ ok: false, lines: 0, records: 0, reason: "0 records: no documents" });
  });

  it("3 MB of random bytes fail: no sealed records in N lines (N unreadable), with or without --allow-skipped-lines", async () => {
    const bytes = randomBytes(20_260_611, 3 * 1024 * 1024);
    const garbage = join(dir, "random.bin");
    writeFileSync(garbage, bytes);
    // readline ends lines at \n, \r and \r\n; blank lines are not counted.
    const expected = bytes.toString("utf8").split(/\r\n|\r|\n/).filter((l) => l.trim() !== "").length;
    expect(expected).toBeGreaterThan(20_000);
    const n = expected.toLocaleString("en-US");

    const human = await coat("verify", garbage);
    expect([human.code, lastLine(human.stdout)]).toEqual([1, `FAILED: no sealed records in ${n} lines (${n} unreadable)`]);
    const { code, report } = await coatJson(garbage);
    expect(code).toBe(1);
    expect(report).toMatchObject({ ok: false, lines: expected, records: 0, skipped_lines: expected, chains: [], reason: `no sealed records in ${n} lines (${n} unreadable)` });

    // Tolerating unreadable lines does not make nothing verifiable.
    const tolerant = await coat("verify", "--allow-skipped-lines", garbage);
    expect([tolerant.code, lastLine(tolerant.stdout)]).toEqual([1, `FAILED: no sealed records in ${n} lines (${n} unreadable)`]);
    expect((await verifyFiles([garbage], { allowSkippedLines: true })).ok).toBe(false);
  });

  it("a sealed file with every seal attribute stripped fails, even with --allow-unsealed", async () => {
    const stored = new StoredLines(validText);
    const records = stored.all();
    for (const { record } of records) record.attributes = record.attributes.filter((a: { key: string }) => !a.key.startsWith("envpod.seal."));
    const stripped = writeTemp(dir, "stripped.jsonl", stored.text());
    const sentence = `no sealed records in ${validLines} lines (${records.length} records without a seal)`;

    const human = await coat("verify", stripped);
    expect([human.code, lastLine(human.stdout)]).toEqual([1, `FAILED: ${sentence}`]);
    expect(human.stdout).not.toContain("0 of 0 chains");
    const { report } = await coatJson(stripped);
    expect(report).toMatchObject({ ok: false, lines: validLines, records: 0, unsealed: records.length, chains: [], reason: sentence });
    const allowed = await coat("verify", "--allow-unsealed", stripped);
    expect([allowed.code, lastLine(allowed.stdout)]).toEqual([1, `FAILED: ${sentence}`]);
  });

  it("a valid file with an empty file and a garbage file names both, and fails", async () => {
    const empty = writeTemp(dir, "also-empty.jsonl", "");
    const junk = writeTemp(dir, "junk.jsonl", "not json\n{\"hello\":\"world\"}\n");
    const human = await coat("verify", valid, empty, junk);
    expect(human.code).toBe(1);
    expect(human.stdout).toContain(`file ${empty} is empty\n`);
    expect(human.stdout).toContain(`file ${junk} holds no sealed records in 2 lines (2 unreadable)\n`);
    expect(lastLine(human.stdout)).toBe(`FAILED: ${empty} is empty; ${junk} holds no sealed records in 2 lines (2 unreadable); 2 of ${validLines + 2} lines unreadable (not OTLP JSON)`);

    const { code, report } = await coatJson(valid, empty);
    expect(code).toBe(1);
    expect([report.ok, report.reason]).toEqual([false, `${empty} is empty`]);
    expect(report.chains.every((c) => c.valid && c.complete)).toBe(true);
    expect(report.files.map((f) => [f.path, f.lines, f.records > 0, f.reason])).toEqual([
      [valid, validLines, true, null],
      [empty, 0, false, `${empty} is empty`],
    ]);
    // The empty file fails however it is tolerated.
    expect((await coat("verify", "--allow-skipped-lines", "--allow-unsealed", valid, empty)).code).toBe(1);
    expect((await verifyFiles([valid, empty])).ok).toBe(false);
  });

  it("garbage lines appended to a valid file fail without --allow-skipped-lines and pass with it", async () => {
    const cut = validText.split("\n")[0]!.slice(0, 200); // a line cut short, as by a crash mid-write
    const appended = writeTemp(dir, "appended.jsonl", `${validText}${cut}\n${randomBytes(7, 300).toString("latin1").replace(/[\r\n]/g, "")}\n{"not":"otlp"}\n`);
    const total = validLines + 3;

    const strict = await coat("verify", appended);
    expect(strict.code).toBe(1);
    expect(strict.stdout).toContain("3 lines skipped: not OTLP JSON (--allow-skipped-lines tolerates them)\n");
    expect(lastLine(strict.stdout)).toBe(`FAILED: 3 of ${total} lines unreadable (not OTLP JSON)`);
    expect((await coatJson(appended)).report).toMatchObject({ ok: false, lines: total, skipped_lines: 3, reason: `3 of ${total} lines unreadable (not OTLP JSON)` });

    const tolerant = await coat("verify", "--allow-skipped-lines", appended);
    expect(tolerant.code).toBe(0);
    expect(lastLine(tolerant.stdout)).toMatch(new RegExp(`^ok: 2 chains verified \\(\\d+ sealed records in ${total} lines; 3 unreadable lines allowed\\)$`));
    expect((await coatJson("--allow-skipped-lines", appended)).report).toMatchObject({ ok: true, reason: null, lines: total, skipped_lines: 3 });

    expect((await verifyFiles([appended])).ok).toBe(false);
    expect((await verifyFiles([appended], { allowSkippedLines: true })).ok).toBe(true);
    const docs = validText.split("\n").filter((l) => l.trim() !== "").map((l) => JSON.parse(l) as unknown);
    expect(verifyDocuments([...docs, { not: "otlp" }])).toMatchObject({ ok: false, reason: `1 of ${docs.length + 1} documents unreadable (not OTLP JSON)` });
    expect(verifyDocuments([...docs, { not: "otlp" }], { allowSkippedLines: true }).ok).toBe(true);
  });

  it("a valid file still exits 0 and says how much it verified", async () => {
    const human = await coat("verify", valid);
    expect(human.code).toBe(0);
    const { report } = await coatJson(valid);
    expect(report).toMatchObject({ ok: true, reason: null, lines: validLines, skipped_lines: 0, unsealed: 0 });
    expect(report.records).toBe(report.chains.reduce((n, c) => n + c.records + c.duplicates, 0));
    expect(lastLine(human.stdout)).toBe(`ok: 2 chains verified (${report.records} sealed records in ${validLines} lines)`);
    expect((await coat("--help")).stderr).toMatch(/--allow-skipped-lines +lines that are not OTLP JSON/);
  });
});
