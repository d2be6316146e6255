import type { SimProgress } from "../engine/result.ts";
import type { Summary } from "../report/summary.ts";
import type { Scenario } from "../scenario/types.ts";
import { STOP } from "./run-job.ts";
import { startWorker } from "./worker.ts";

/** Messages a plan worker posts to the main thread. */
export type PlanWorkerMessage = { readonly type: "progress"; readonly progress: SimProgress } | { readonly type: "done"; readonly summary: Summary };

/** Simulates one candidate scenario in a worker thread; settles with its summary (state "interrupted" after stop()). */
export function runCandidate(scenario: Scenario, onProgress: (p: SimProgress) => void): { done: Promise<Summary>; stop(): void } {
  const stopFlag = new SharedArrayBuffer(4);
  const { done } = startWorker<PlanWorkerMessage, Summary>(
    "plan-worker",
    { scenario, stopFlag },
    (m) => (m.type === "progress" ? void onProgress(m.progress) : m.summary),
    `the plan worker for ${scenario.name}`,
  );
  return { done, stop: () => Atomics.store(new Int32Array(stopFlag), STOP, 1) };
}
