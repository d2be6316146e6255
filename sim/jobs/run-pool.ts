import { availableParallelism } from "node:os";
import type { SimProgress } from "../engine/result.ts";
import type { RunOutcome } from "./execute.ts";
import { runInWorker, type RunHandle } from "./run-in-worker.ts";
import type { RunJob } from "./run-job.ts";

export interface PoolEvents {
  readonly onStart?: (index: number) => void;
  readonly onProgress?: (index: number, p: SimProgress) => void;
  readonly onDone?: (index: number, outcome: RunOutcome) => void;
  /**
   * Given: a job that fails is reported here, its outcome stays null and the others go on (a sweep);
   * absent: a failed job stops the others and the pool's promise rejects (a comparison).
   */
  readonly onError?: (index: number, error: unknown) => void;
}

export interface PoolHandle {
  /** Each job's outcome, in order; null for a job never started because of stop(). */
  readonly done: Promise<(RunOutcome | null)[]>;
  /** Stops running jobs (they write partial results) and starts no more. */
  stop(): void;
}

/** Runs jobs in worker threads, at most `concurrency` at once (default: as many as the machine has cores). */
export function runPool(jobs: readonly RunJob[], events: PoolEvents = {}, concurrency = availableParallelism()): PoolHandle {
  const outcomes: (RunOutcome | null)[] = jobs.map(() => null);
  const running = new Set<RunHandle>();
  let next = 0;
  let stopped = false;
  const stop = () => {
    stopped = true;
    for (const h of running) h.stop();
  };
  const lane = async () => {
    while (!stopped && next < jobs.length) {
      const i = next++;
      events.onStart?.(i);
      let handle: RunHandle | undefined;
      try {
        // reading a replication's scenario may fail (its draw out of range): inside the try, so the others stop too
        handle = runInWorker(jobs[i], (p) => events.onProgress?.(i, p));
        running.add(handle);
        outcomes[i] = await handle.done;
      } catch (e) {
        if (events.onError) {
          events.onError(i, e);
          continue;
        }
        stop(); // a failed run fails the whole comparison: end the others too
        throw e;
      } finally {
        if (handle) running.delete(handle);
      }
      events.onDone?.(i, outcomes[i]!);
    }
  };
  const lanes = Array.from({ length: Math.max(1, Math.min(concurrency, jobs.length)) }, lane);
  return {
    done: Promise.all(lanes).then(() => outcomes),
    stop,
  };
}
