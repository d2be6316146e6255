import { Worker } from "node:worker_threads";
import type { SimProgress } from "../engine/result.ts";
import type { RunOutcome } from "./execute.ts";
import { STOP, type RunJob, type WorkerMessage } from "./run-job.ts";

export interface RunHandle {
  /** Settles when the worker has written the results folder (also after stop()). */
  readonly done: Promise<RunOutcome>;
  /** Asks the run to end early; it writes partial results marked incomplete. */
  stop(): void;
}

/** Starts one scenario in a worker thread; progress snapshots arrive on the main thread about 4 times a second. */
export function runInWorker(job: RunJob, onProgress: (p: SimProgress) => void): RunHandle {
  const stopFlag = new SharedArrayBuffer(4);
  const worker = new Worker(new URL("./worker-bootstrap.js", import.meta.url), { workerData: { job, stopFlag } });
  const done = new Promise<RunOutcome>((resolve, reject) => {
    let outcome: RunOutcome | undefined;
    worker.on("message", (m: WorkerMessage) => {
      if (m.type === "progress") onProgress(m.progress);
      else outcome = m.outcome;
    });
    worker.on("error", reject);
    worker.on("exit", (code) => {
      if (outcome) resolve(outcome);
      else reject(new Error(`the run worker for ${job.file} exited with code ${code} before it finished`));
    });
  });
  return { done, stop: () => Atomics.store(new Int32Array(stopFlag), STOP, 1) };
}
