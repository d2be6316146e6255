// A fabricated run with physical pools (and one on the regression), with round numbers to check the
// summary's phase split, KV fill and TPOT against by hand.
import type { ClassTotals, PoolTotals, SimProgress, SimResult } from "../sim/engine/result.ts";
import { buildSummary } from "../sim/report/summary.ts";
import type { Scenario } from "../sim/scenario/types.ts";
import { LogHistogram } from "../sim/stats/log-histogram.ts";
import { PROGRESS } from "./tui-fixtures.ts";

/** What buildSummary reads of a scenario; facility factor (1 + 0.1) x 1.2 = 1.32. */
export const PHASE_SCENARIO = { name: "phys", seed: 3, facility: { pue: 1.2, orchestrationOverhead: 0.1 } } as Scenario;
export const TO_FACILITY = 1.1 * 1.2;

const histogram = (values: readonly number[]) => {
  const h = new LogHistogram();
  for (const v of values) h.record(v);
  return h;
};
const repeat = (v: number, n: number) => Array.from({ length: n }, () => v);

function pool(name: string, wh: number, change: Partial<PoolTotals>): PoolTotals {
  return {
    name,
    nodes: 4,
    gpuBusyWh: 0.6 * wh,
    gpuIdleWh: 0.05 * wh,
    hostWh: 0.3 * wh,
    interconnectWh: 0.05 * wh,
    parkedWh: 0,
    idleNodeWh: 0.1 * wh,
    saturatedWh: 0.7 * wh,
    activeQuerySeconds: 36_000,
    speedNodeSeconds: 3_000,
    busyNodeSeconds: 3_000,
    nodeSecondsOn: 3_600,
    nodeSecondsParked: 0,
    nodeSecondsWaking: 0,
    maxActivePerNode: 10,
    ...change,
  };
}

/**
 * Pools: "phys" (KV capacity 1e5 tokens, filled a quarter over its 3000 busy node-seconds), "phys-2"
 * (2e5 tokens, half full over 1000 s), "reg" on the regression. KV fill over both: 1.75e8 / 5e8 = 0.35.
 */
export const PHYSICAL_POOLS: readonly PoolTotals[] = [
  pool("phys", 1000, {
    maxActivePerNode: 40,
    physical: { prefillWh: 150, kvTokenSeconds: 0.25 * 1e5 * 3000, kvCapacityTokens: 1e5, waitedForMemory: 7, truncated: 2 },
  }),
  pool("phys-2", 500, {
    busyNodeSeconds: 1000,
    maxActivePerNode: 12,
    physical: { prefillWh: 50, kvTokenSeconds: 0.5 * 2e5 * 1000, kvCapacityTokens: 2e5, waitedForMemory: 3, truncated: 0 },
  }),
  pool("reg", 2000, { maxActivePerNode: 64 }),
];

function classes(physical: boolean): ClassTotals[] {
  const e = histogram(repeat(0.5, 100));
  return [
    {
      name: "chat",
      arrived: 110,
      completed: 100,
      energyWh: e,
      waitS: histogram(repeat(0.1, 100)),
      ttftS: histogram(repeat(0.4, 100)),
      e2eS: histogram(repeat(8, 100)),
      // 90 queries at 20 ms per token, 10 at 50 ms: mean 23 ms
      tpotS: physical ? histogram([...repeat(0.02, 90), ...repeat(0.05, 10)]) : new LogHistogram(),
      prefillWh: physical ? 13.2 : 0,
      decodeWh: physical ? 66 : 0,
    },
    {
      name: "idle-class",
      arrived: 0,
      completed: 0,
      energyWh: new LogHistogram(),
      waitS: new LogHistogram(),
      ttftS: new LogHistogram(),
      e2eS: new LogHistogram(),
      tpotS: new LogHistogram(),
      prefillWh: 0,
      decodeWh: 0,
    },
  ];
}

/** The run; `physical` false: the same pools all on the regression (no physical totals, empty TPOT). */
export function phaseResult(physical = true): SimResult {
  return {
    state: "completed",
    simulatedS: 3600,
    arrived: 110,
    completed: 100,
    inFlight: 10,
    attributedWh: 3000,
    pools: physical ? PHYSICAL_POOLS : PHYSICAL_POOLS.map(({ physical: _, ...p }) => p),
    classes: classes(physical),
    timeseries: [],
    events: 1000,
    wallS: 1,
  };
}

export const phaseSummary = (physical = true) => buildSummary(PHASE_SCENARIO, phaseResult(physical), { peakRssMb: 0 });

/** The live view's snapshot with physical pools: 300 MWh so far, 60 prefill, 195 decode, 45 idle; KV 62.5 % full. */
export const PHYSICAL_PROGRESS: SimProgress = {
  ...PROGRESS,
  physical: { prefillWh: 60e6, decodeWh: 195e6, idleWh: 45e6, kvFill: 0.625 },
};
