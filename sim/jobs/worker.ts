import { Worker } from "node:worker_threads";

/**
 * Starts a worker thread through worker-bootstrap.js (which registers tsx) and settles with what its
 * final message carries: `onMessage` returns that for the final message and undefined for the others
 * (progress). If the worker exits without a final message, `done` rejects naming `what`.
 */
export function startWorker<M, R>(workerData: unknown, onMessage: (m: M) => R | undefined, what: string) {
  const worker = new Worker(new URL("./worker-bootstrap.js", import.meta.url), { workerData });
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
