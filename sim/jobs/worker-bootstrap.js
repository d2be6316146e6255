// Entry file of every worker started from the TypeScript sources (sim/jobs/worker.ts): workers do not
// inherit the tsx loader that the main thread (npm run dev, vitest) set up, so each registers its own
// before importing the module workerData.entry names. Compiled workers start their .js file directly.
import { workerData } from "node:worker_threads";
import { register } from "tsx/esm/api";

register();
await import(workerData.entry);
