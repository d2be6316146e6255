// Entry file of every worker. Workers do not inherit the tsx loader that bin/inferwatt.js (or vitest)
// set up on the main thread, so each registers its own before importing TypeScript: the run worker,
// or the module workerData.entry names (a shard worker).
import { workerData } from "node:worker_threads";
import { register } from "tsx/esm/api";

register();
await import(workerData?.entry ?? "./run-worker.ts");
