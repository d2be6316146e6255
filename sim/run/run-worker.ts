// Runs one scenario in a worker thread (started by run-in-worker.ts through worker-bootstrap.js).
import { parentPort, workerData } from "node:worker_threads";
import { loadScenario } from "../scenario/load.ts";
import { executeRun } from "./execute.ts";
import { STOP, type RunJob, type WorkerMessage } from "./run-job.ts";

const { job, stopFlag } = workerData as { job: RunJob; stopFlag: SharedArrayBuffer };
const stop = new Int32Array(stopFlag);
const post = (m: WorkerMessage) => parentPort!.postMessage(m);

const scenario = loadScenario(job.file, { set: job.set, seed: job.seed, replication: job.replication });
const outcome = executeRun(scenario, {
  file: job.file,
  outDir: job.outDir,
  verbose: job.verbose,
  onProgress: (progress) => {
    post({ type: "progress", progress });
    // the loop is synchronous, so a stop request is read here rather than received as a message
    return Atomics.load(stop, STOP) === 1 ? "stop" : undefined;
  },
});
post({ type: "done", outcome });
