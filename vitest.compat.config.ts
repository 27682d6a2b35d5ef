import { defineConfig } from "vitest/config";

// The compatibility suite (npm run test:compat): the packed tarball installed per Node x
// OpenTelemetry line, each setup style checked on the wire; see test/compat/README.md.
export default defineConfig({
  test: {
    include: ["test/compat/**/*.compat.ts"],
    pool: "forks",
    reporters: ["default", "./test/compat/table-reporter.ts"],
    // Every cell is a test that waits for its app; the harness limits the real parallelism.
    maxConcurrency: 100,
    testTimeout: 60 * 60_000,
    hookTimeout: 60 * 60_000,
  },
});
