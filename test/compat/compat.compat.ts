/**
 * The compatibility suite (npm run test:compat; test/compat/README.md). Each test is one cell:
 * Node x OpenTelemetry line x setup style. The apps are installed and run by harness.ts, at most
 * AGENT_COAT_COMPAT_JOBS (default 2) at a time; a test waits for its app and checks its cell.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, expect, test } from "vitest";
import { LAST_RUN } from "./cache.js";
import { CACHE, Limiter, cellIds, loadCells, planApps, renderTable, runApp, type AppResult, type CellResult } from "./harness.js";

const started = Date.now();
const apps = planApps(loadCells(), process.env.AGENT_COAT_COMPAT_CELLS);
const limiter = new Limiter(Math.max(1, Number(process.env.AGENT_COAT_COMPAT_JOBS ?? 2)));
// Queued in cells.json order as soon as the file loads; the tests only wait for them.
const results = new Map<string, Promise<AppResult>>(apps.map((app) => [app.id, limiter.run(() => runApp(app))]));

for (const app of apps) {
  for (const { id } of cellIds(app)) {
    test.concurrent(id, async (ctx) => {
      const { cells } = await results.get(app.id)!;
      const cell = cells.find((c) => c.id === id)!;
      if (cell.status === "skip") ctx.skip(cell.problems.join("\n"));
      expect(cell.problems, [id, ...cell.notes].join("\n")).toEqual([]);
    });
  }
}

afterAll(async () => {
  const all: CellResult[] = [];
  for (const app of apps) all.push(...(await results.get(app.id)!).cells);
  const table = renderTable(all, (Date.now() - started) / 1000);
  // table-reporter.ts prints it after vitest's summary.
  mkdirSync(CACHE, { recursive: true });
  writeFileSync(join(CACHE, "last-run.json"), `${JSON.stringify(all, null, 2)}\n`);
  writeFileSync(LAST_RUN, `${table}\n`);
});
