import { percentileSorted, sortedCopy } from "../../models/stats.ts";
import type { Summary } from "./summary.ts";

export interface Interval {
  readonly p5: number;
  readonly p50: number;
  readonly p95: number;
}

/** summary.json's `replications` block: the spread of the replications' headline figures. */
export interface ReplicationsBlock {
  readonly count: number;
  readonly gwh_per_day: Interval;
  readonly per_query_wh_p50: Interval;
  readonly per_query_wh_mean: Interval;
  readonly overhead_factor: Interval;
  /** Each replication's uncertain draws and figures, in order (replication 1 first). */
  readonly runs: readonly { replication: number; seed: number; gwh_per_day: number; per_query_wh_p50: number; uncertain: Record<string, number> }[];
}

function interval(values: readonly number[]): Interval {
  const s = sortedCopy(values);
  return { p5: percentileSorted(s, 5), p50: percentileSorted(s, 50), p95: percentileSorted(s, 95) };
}

export function replicationsBlock(runs: readonly { summary: Summary; uncertain?: Readonly<Record<string, number>>; replication: number }[]): ReplicationsBlock {
  return {
    count: runs.length,
    gwh_per_day: interval(runs.map((r) => r.summary.energy.gwh_per_day)),
    per_query_wh_p50: interval(runs.map((r) => r.summary.per_query_wh.attributed.p50)),
    per_query_wh_mean: interval(runs.map((r) => r.summary.per_query_wh.attributed.mean)),
    overhead_factor: interval(runs.map((r) => r.summary.energy.overhead_factor ?? NaN)),
    runs: runs.map((r) => ({
      replication: r.replication,
      seed: r.summary.seed,
      gwh_per_day: r.summary.energy.gwh_per_day,
      per_query_wh_p50: r.summary.per_query_wh.attributed.p50,
      uncertain: { ...(r.uncertain ?? {}) },
    })),
  };
}
