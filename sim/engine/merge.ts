import { LogHistogram } from "../stats/log-histogram.ts";
import type { ClassTotals, PoolProgress, PoolTotals, SimProgress, SimResult, TimeseriesRow } from "./result.ts";

// Shards of one scenario (sim/scenario/shard.ts) are independent fleets: what they count and the
// energy they draw add up, and their histograms merge bucket by bucket, so the merged quantiles are
// those of all the shards' queries together (within the histograms' 0.78 %).

type Fields<T> = { -readonly [K in keyof T]: T[K] };

/** Sums the numeric fields of same-shaped records; other fields are taken from the first. */
function addRecords<T extends object>(items: readonly T[]): T {
  const out = { ...items[0] } as Fields<T>;
  for (const key of Object.keys(out) as (keyof T)[]) {
    if (typeof out[key] !== "number") continue;
    let s = 0;
    for (const it of items) s += it[key] as number;
    out[key] = s as T[keyof T];
  }
  return out;
}

/** One histogram of the given ones' counts (each may be plain fields, as postMessage delivers them). */
function mergeHistograms(hs: readonly LogHistogram[]): LogHistogram {
  const out = new LogHistogram();
  for (const h of hs) out.merge(h);
  return out;
}

/**
 * Time-series rows of shards add row by row: all shards tick at the same times. Rows that not every
 * shard has at the same time (an interrupted shard's last, partial interval) are left out.
 */
function addTimeseries(series: readonly (readonly TimeseriesRow[])[]): TimeseriesRow[] {
  const most = Math.min(...series.map((s) => s.length));
  let rows = 0;
  while (rows < most && series.every((s) => s[rows].tS === series[0][rows].tS)) rows++;
  return Array.from({ length: rows }, (_, i) => ({ ...addRecords(series.map((s) => s[i])), tS: series[0][i].tS }));
}

/**
 * The result of the whole fleet from its shards' results. Energies, node-seconds and counts add; each
 * class's histograms merge. An interrupted run's shards stop at slightly different simulated times:
 * the merged run then counts the mean of their simulated times.
 */
export function mergeResults(results: readonly SimResult[]): SimResult {
  const pools: PoolTotals[] = results[0].pools.map((_, i) => {
    const shards = results.map((r) => r.pools[i]);
    const physical = shards[0].physical ? { ...addRecords(shards.map((p) => p.physical!)), kvCapacityTokens: shards[0].physical.kvCapacityTokens } : undefined;
    return { ...addRecords(shards), maxActivePerNode: Math.max(...shards.map((p) => p.maxActivePerNode)), ...(physical ? { physical } : {}) };
  });
  const classes: ClassTotals[] = results[0].classes.map((c, i) => ({
    name: c.name,
    arrived: results.reduce((s, r) => s + r.classes[i].arrived, 0),
    completed: results.reduce((s, r) => s + r.classes[i].completed, 0),
    energyWh: mergeHistograms(results.map((r) => r.classes[i].energyWh)),
    waitS: mergeHistograms(results.map((r) => r.classes[i].waitS)),
    ttftS: mergeHistograms(results.map((r) => r.classes[i].ttftS)),
    e2eS: mergeHistograms(results.map((r) => r.classes[i].e2eS)),
    tpotS: mergeHistograms(results.map((r) => r.classes[i].tpotS)),
    prefillWh: results.reduce((s, r) => s + r.classes[i].prefillWh, 0),
    decodeWh: results.reduce((s, r) => s + r.classes[i].decodeWh, 0),
  }));
  const sum = (f: (r: SimResult) => number) => results.reduce((s, r) => s + f(r), 0);
  return {
    state: results.every((r) => r.state === "completed") ? "completed" : "interrupted",
    simulatedS: sum((r) => r.simulatedS) / results.length,
    arrived: sum((r) => r.arrived),
    completed: sum((r) => r.completed),
    inFlight: sum((r) => r.inFlight),
    attributedWh: sum((r) => r.attributedWh),
    pools,
    classes,
    timeseries: addTimeseries(results.map((r) => r.timeseries)),
    events: sum((r) => r.events),
    wallS: Math.max(...results.map((r) => r.wallS)),
  };
}

/**
 * The whole run's progress from each shard's latest snapshot: counts, powers and energy add; the
 * simulated clock is the slowest shard's; quantiles come from the merged histograms.
 */
export function mergeProgress(snapshots: readonly SimProgress[]): SimProgress {
  if (snapshots.length === 1) return snapshots[0];
  const first = snapshots[0];
  const sum = (f: (p: SimProgress) => number) => snapshots.reduce((s, p) => s + f(p), 0);
  const e2e = mergeHistograms(snapshots.map((p) => p.histograms?.e2eS ?? new LogHistogram()));
  const energy = mergeHistograms(snapshots.map((p) => p.histograms?.energyWh ?? new LogHistogram()));
  const seriesLength = Math.min(...snapshots.map((p) => p.facilityMwSeries.length));
  const pools: PoolProgress[] = first.pools.map((pool, i) => ({ ...addRecords(snapshots.map((p) => p.pools[i])), maxBatch: pool.maxBatch }));
  return {
    scenario: first.scenario,
    simS: Math.min(...snapshots.map((p) => p.simS)),
    durationS: first.durationS,
    warmupS: first.warmupS,
    wallS: Math.max(...snapshots.map((p) => p.wallS)),
    arrived: sum((p) => p.arrived),
    completed: sum((p) => p.completed),
    inFlight: sum((p) => p.inFlight),
    events: sum((p) => p.events),
    powerW: sum((p) => p.powerW),
    powerByComponentW: addRecords(snapshots.map((p) => p.powerByComponentW)),
    facilityPowerW: sum((p) => p.facilityPowerW),
    facilityEnergyWh: sum((p) => p.facilityEnergyWh),
    projectedGwhPerDay: sum((p) => p.projectedGwhPerDay),
    pools,
    e2eP50S: e2e.quantile(0.5),
    e2eP99S: e2e.quantile(0.99),
    whPerQueryP50: energy.quantile(0.5),
    whPerQueryMean: energy.mean(),
    facilityMwSeries: Array.from({ length: seriesLength }, (_, i) => sum((p) => p.facilityMwSeries[i])),
    ...(first.physical ? { physical: mergePhysicalProgress(snapshots) } : {}),
  };
}

/** Energies by phase add; the KV fill is the shards' mean (their fleets are the same size, to a node). */
function mergePhysicalProgress(snapshots: readonly SimProgress[]): NonNullable<SimProgress["physical"]> {
  const ps = snapshots.map((p) => p.physical!);
  return { ...addRecords(ps), kvFill: ps.reduce((s, p) => s + p.kvFill, 0) / ps.length };
}
