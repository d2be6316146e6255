// Runs one scenario in a worker thread (started by run-in-worker.ts, see worker.ts): as
// one simulation, or split into shards that run in worker threads of their own (sharded.ts).
import { parentPort, workerData } from "node:worker_threads";
import type { Scenario } from "../scenario/types.ts";
import { executeRun, type ExecuteOptions } from "./execute.ts";
import { STOP, type RunJob, type WorkerMessage } from "./run-job.ts";
import { runSharded } from "./sharded.ts";

// the scenario comes resolved from the main thread (run-in-worker.ts)
const { job, scenario, stopFlag } = workerData as { job: RunJob; scenario: Scenario; stopFlag: SharedArrayBuffer };
const stop = new Int32Array(stopFlag);
const post = (m: WorkerMessage) => parentPort!.postMessage(m);

const opts: ExecuteOptions = {
  file: job.file,
  outDir: job.outDir,
  verbose: job.verbose,
  onProgress: (progress) => {
    post({ type: "progress", progress });
    // the loop is synchronous, so a stop request is read here rather than received as a message
    return Atomics.load(stop, STOP) === 1 ? "stop" : undefined;
  },
};
const shards = job.shards ?? 1;
const outcome = shards > 1 ? await runSharded(scenario, job, shards, stopFlag, opts) : executeRun(scenario, opts);
post({ type: "done", outcome });
