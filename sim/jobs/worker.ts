import { Worker } from "node:worker_threads";

/** The worker entry files, beside this one. */
export type WorkerEntry = "run-worker" | "shard-worker" | "plan-worker";

// Compiled (dist/, bin/inferwatt.js): a worker runs its own .js file. From the sources (npm run dev,
// vitest, the benchmarks): through worker-bootstrap.js, which registers tsx, since workers do not
// inherit the main thread's loader.
const COMPILED = import.meta.url.endsWith(".js");

/**
 * Starts a worker thread running `entry` and settles with what its final message carries: `onMessage`
 * returns that for the final message and undefined for the others (progress). If the worker exits
 * without a final message, `done` rejects naming `what`.
 */
export function startWorker<M, R>(entry: WorkerEntry, workerData: object, onMessage: (m: M) => R | undefined, what: string) {
  const worker = COMPILED
    ? new Worker(new URL(`./${entry}.js`, import.meta.url), { workerData })
    : new Worker(new URL("./worker-bootstrap.js", import.meta.url), { workerData: { ...workerData, entry: `./${entry}.ts` } });
  const done = new Promise<R>((resolve, reject) => {
    let result: R | undefined;
    worker.on("message", (m: M) => {
      result = onMessage(m) ?? result;
    });
    worker.on("error", reject);
    worker.on("exit", (code) => {
      if (result !== undefined) resolve(result);
      else reject(new Error(`${what} exited with code ${code} before it finished`));
    });
  });
  return { done, worker };
}
