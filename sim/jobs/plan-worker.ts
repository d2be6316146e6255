// Simulates one candidate of a plan in a worker thread (started by plan-run.ts, see worker.ts) and posts
// its progress and its summary (no files: the plan keeps every candidate's figures in tried.csv and tried.json).
import { parentPort, workerData } from "node:worker_threads";
import { simulate } from "../engine/simulation.ts";
import { buildSummary } from "../report/summary.ts";
import type { Scenario } from "../scenario/types.ts";
import { STOP } from "./run-job.ts";
import type { PlanWorkerMessage } from "./plan-run.ts";

const { scenario, stopFlag } = workerData as { scenario: Scenario; stopFlag: SharedArrayBuffer };
const stop = new Int32Array(stopFlag);
const post = (m: PlanWorkerMessage) => parentPort!.postMessage(m);

const result = simulate(scenario, {
  onProgress: (progress) => {
    post({ type: "progress", progress });
    return Atomics.load(stop, STOP) === 1 ? "stop" : undefined;
  },
});
post({ type: "done", summary: buildSummary(scenario, result, { peakRssMb: process.resourceUsage().maxRSS / 1024 }) });
