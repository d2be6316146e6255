import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts", "test/**/*.test.tsx"],
    // the CLI tests run bin/inferwatt.js, which runs dist/: built from the current sources first
    globalSetup: ["test/build-first.ts"],
    // The JSON report gives .ci/run its pass/fail counts.
    reporters: ["default", "json"],
    outputFile: { json: "node_modules/.cache/inferwatt/vitest.json" },
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
