// Prints the compatibility table (written by compat.compat.ts) after vitest's own summary, so
// the per-cell view is the last thing in the CI log.
import { existsSync, readFileSync, statSync } from "node:fs";
import type { Reporter } from "vitest/reporters";
import { LAST_RUN } from "./cache.js";

export default class TableReporter implements Reporter {
  private readonly started = Date.now();

  onTestRunEnd(): void {
    if (!existsSync(LAST_RUN) || statSync(LAST_RUN).mtimeMs < this.started) {
      process.stdout.write("\ncompat: no table was written (did the suite run at all?)\n");
      return;
    }
    process.stdout.write(`\n${readFileSync(LAST_RUN, "utf8")}\n(${LAST_RUN})\n`);
  }
}
