import type { SimResult } from "../sim/engine/result.ts";
import { mergeResults } from "../sim/engine/merge.ts";
import { simulate } from "../sim/engine/simulation.ts";
import { buildSummary, type Summary } from "../sim/report/summary.ts";
import { shardScenario } from "../sim/scenario/shard.ts";
import type { Scenario } from "../sim/scenario/types.ts";

/** The scenario run as `count` shards one after the other in this thread, merged as `--shards` merges them. */
export function shardedRun(s: Scenario, count: number): { summary: Summary; result: SimResult } {
  const result = mergeResults(Array.from({ length: count }, (_, i) => simulate(shardScenario(s, i, count))));
  return { summary: buildSummary(s, result, { peakRssMb: 0, shards: count }), result };
}

export function shardedSummary(s: Scenario, count: number): Summary {
  return shardedRun(s, count).summary;
}
