import { gotExpected, type Problem } from "../scenario/errors.ts";
import type { Pool } from "../scenario/types.ts";

/**
 * What one run can hold on this class of machine (24 GiB) and keep exact. Each node costs about
 * 300 bytes of engine state plus its batch (32 bytes per active query, in a heap region that doubles
 * as the batch grows); two million nodes with full batches of 256 would need 16-32 GB, which only
 * such an extreme fleet reaches. Simulated times beyond 1e8 s (3 years) would leave event times with
 * less than microsecond resolution (a double has 53 bits).
 */
export const LIMITS = {
  nodes: 2_000_000,
  maxBatch: 1_000_000,
  durationS: 1e8,
  timeseriesRows: 1_000_000,
  queriesPerDay: 1e13,
} as const;

/** Problems for a scenario too large to run: named by key, with the limit and why. */
export function checkLimits(durationS: number, warmupS: number, intervalS: number, queriesPerDay: number, pools: readonly Pool[]): Problem[] {
  const problems: Problem[] = [];
  const nodes = pools.reduce((n, p) => n + p.nodes, 0);
  if (nodes > LIMITS.nodes)
    problems.push({ path: "pools", message: gotExpected(nodes, `at most ${LIMITS.nodes} nodes in all (engine state for more would not fit in memory)`) });
  pools.forEach((p, i) => {
    if (p.maxBatch > LIMITS.maxBatch) problems.push({ path: `pools.${i}.max_batch`, message: gotExpected(p.maxBatch, `at most ${LIMITS.maxBatch}`) });
  });
  if (durationS + warmupS > LIMITS.durationS)
    problems.push({ path: "duration", message: gotExpected(durationS, `warmup + duration of at most ${LIMITS.durationS} s (event times would lose precision)`) });
  if (durationS / intervalS > LIMITS.timeseriesRows)
    problems.push({ path: "timeseries_interval", message: gotExpected(intervalS, `an interval giving at most ${LIMITS.timeseriesRows} time-series rows`) });
  if (queriesPerDay > LIMITS.queriesPerDay)
    problems.push({ path: "workload.queries_per_day", message: gotExpected(queriesPerDay, `at most ${LIMITS.queriesPerDay}`) });
  return problems;
}
