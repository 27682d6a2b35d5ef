import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { expect, it } from "vitest";
import { AOT_TABLE } from "../src/index.js";

it("the README's AOT table is the one in src/dialects/ops.ts", () => {
  const readme = readFileSync(resolve(import.meta.dirname, "../README.md"), "utf8");
  const start = readme.indexOf("| op | `aotp.op` |");
  expect(start).toBeGreaterThan(0);
  const rows = readme
    .slice(start)
    .split("\n\n")[0]!
    .split("\n")
    .slice(2)
    .map((line) => line.split("|").slice(1, -1).map((cell) => cell.trim()));
  const documented = Object.fromEntries(rows.filter(([op]) => op !== "any other string").map(([op, aotpOp, start, end, kind]) => [op, { aotpOp, start, end, kind }]));
  const actual = Object.fromEntries(Object.entries(AOT_TABLE).map(([op, s]) => [op, { aotpOp: s.aotpOp, start: s.start, end: s.end, kind: s.spanKind }]));
  expect(documented).toEqual(actual);
  const custom = rows.find(([op]) => op === "any other string")!;
  expect(custom.slice(1)).toEqual([AOT_TABLE.step.aotpOp, AOT_TABLE.step.start, AOT_TABLE.step.end, AOT_TABLE.step.spanKind]);
});
