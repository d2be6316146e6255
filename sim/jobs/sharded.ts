import { mergeProgress, mergeResults } from "../engine/merge.ts";
import type { SimProgress, SimResult } from "../engine/result.ts";
import type { Scenario } from "../scenario/types.ts";
import { openRunLog, writeRun, type ExecuteOptions, type RunOutcome } from "./execute.ts";
import type { RunJob, ShardJob, ShardMessage } from "./run-job.ts";
import { startWorker } from "./worker.ts";

/** How often the merged progress goes to the main thread, wall seconds (each shard reports about this often too). */
const PROGRESS_EVERY_S = 0.25;

/**
 * Runs the job's scenario as `count` shards, each in its own worker thread, all at once; merges their
 * progress for the live view and their results into one (sim/engine/merge.ts), and writes the results
 * folder as a single run would. The shards read the run's stop flag themselves.
 */
export async function runSharded(
  scenario: Scenario,
  job: RunJob,
  count: number,
  stopFlag: SharedArrayBuffer,
  opts: ExecuteOptions,
): Promise<RunOutcome> {
  const runLog = openRunLog(scenario, opts, count);
  const result = await simulateSharded(scenario, job, count, stopFlag, (merged) => {
    runLog.log.debug({ sim_s: merged.simS, arrived: merged.arrived, events: merged.events, power_w: merged.powerW }, "progress");
    opts.onProgress?.(merged);
  });
  return writeRun(scenario, result, opts, runLog, count);
}

/** The shards of the job's (resolved) scenario simulated in parallel worker threads, merged; progress merged about 4 times a second. */
export async function simulateSharded(
  scenario: Scenario,
  job: RunJob,
  count: number,
  stopFlag: SharedArrayBuffer,
  onProgress: (merged: SimProgress) => void,
): Promise<SimResult> {
  const latest: (SimProgress | null)[] = Array.from({ length: count }, () => null);
  let lastPostS = 0;
  const onShardProgress = (index: number, p: SimProgress) => {
    latest[index] = p;
    const nowS = performance.now() / 1000;
    if (nowS - lastPostS < PROGRESS_EVERY_S || latest.some((l) => l === null)) return;
    lastPostS = nowS;
    onProgress(mergeProgress(latest as SimProgress[]));
  };
  const shards = Array.from({ length: count }, (_, index) => runShard(scenario, { job, index, count }, stopFlag, (p) => onShardProgress(index, p)));
  try {
    return mergeResults(await Promise.all(shards.map((s) => s.done)));
  } catch (e) {
    // one shard failed: the others are of no use
    await Promise.all(shards.map((s) => s.terminate()));
    throw e;
  }
}

function runShard(scenario: Scenario, shard: ShardJob, stopFlag: SharedArrayBuffer, onProgress: (p: SimProgress) => void) {
  const { done, worker } = startWorker<ShardMessage, SimResult>(
    "shard-worker",
    { shard, scenario, stopFlag },
    (m) => (m.type === "progress" ? void onProgress(m.progress) : m.result),
    `shard ${shard.index + 1} of ${shard.count} of ${shard.job.file}`,
  );
  return { done, terminate: () => worker.terminate() };
}
