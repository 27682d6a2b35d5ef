import { tmpdir } from "node:os";
import { join } from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/global-setup.ts"],
    pool: "forks",
    // Default spools (records a test's collector did not take) go here, not to the user's ~/.local/state.
    env: { XDG_STATE_HOME: join(tmpdir(), `agent-coat-test-state-${process.pid}`) },
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
