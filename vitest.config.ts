import { defineConfig } from "vitest/config";

// Two projects: "unit" is `npm test` (under two minutes on a 2-core machine); "long" is
// `npm run test:long`, the cases that need simulations of millions of queries (test/long/).
// CI (.ci/run) runs both.
export default defineConfig({
  test: {
    // the CLI tests run bin/inferwatt.js, which runs dist/: built from the current sources first
    globalSetup: ["test/build-first.ts"],
    // The JSON report gives .ci/run its pass/fail counts (test:long writes its own, see package.json).
    reporters: ["default", "json"],
    outputFile: { json: "node_modules/.cache/inferwatt/vitest.json" },
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Vitest's default is one worker less than the cores: one file at a time on a 2-core machine. Most of the
    // slow files wait on worker threads and child processes they start, so two at once halve the wall time.
    maxWorkers: 2,
    projects: [
      { extends: true, test: { name: "unit", include: ["test/**/*.test.ts", "test/**/*.test.tsx"], exclude: ["test/long/**"] } },
      { extends: true, test: { name: "long", include: ["test/long/**/*.test.ts"], testTimeout: 600_000, hookTimeout: 600_000 } },
    ],
  },
});
