// Simulates one shard of a run in a worker thread (started by sharded.ts, see worker.ts)
// and posts its progress and its result (not files: the run worker merges the shards and writes).
import { parentPort, workerData } from "node:worker_threads";
import { simulate } from "../engine/simulation.ts";
import { shardScenario, shardStreams } from "../scenario/shard.ts";
import type { Scenario } from "../scenario/types.ts";
import { STOP, type ShardJob, type ShardMessage } from "./run-job.ts";

// the whole scenario, resolved by the main thread; this worker takes its shard of it
const { shard, scenario: whole, stopFlag } = workerData as { shard: ShardJob; scenario: Scenario; stopFlag: SharedArrayBuffer };
const stop = new Int32Array(stopFlag);
const post = (m: ShardMessage) => parentPort!.postMessage(m);

const { index, count } = shard;
const scenario = shardScenario(whole, index, count);
const result = simulate(scenario, {
  streams: shardStreams(scenario),
  progressHistograms: true,
  onProgress: (progress) => {
    post({ type: "progress", progress });
    return Atomics.load(stop, STOP) === 1 ? "stop" : undefined;
  },
});
post({ type: "result", result });
