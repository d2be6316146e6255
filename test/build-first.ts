// vitest's globalSetup: compiles the sources (npm run build, only files changed since the last build)
// before any test runs, so the tests that start bin/inferwatt.js run the current sources, not a stale dist/.
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

export default function setup(): void {
  execFileSync(process.execPath, [fileURLToPath(new URL("../scripts/build.js", import.meta.url))], { stdio: "inherit" });
}
