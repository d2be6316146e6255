// Entry file of a run worker. Workers do not inherit the tsx loader that bin/inferwatt.js (or vitest)
// set up on the main thread, so each registers its own before importing TypeScript.
import { register } from "tsx/esm/api";

register();
await import("./run-worker.ts");
