import { defineConfig } from "vitest/config";

// The end-to-end suite (npm run test:e2e): real Collector, Jaeger and Phoenix, see test/e2e/.
export default defineConfig({
  test: {
    include: ["test/e2e/**/*.e2e.ts"],
    globalSetup: ["test/e2e/global-setup.ts"],
    pool: "forks",
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
});
