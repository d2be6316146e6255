import type { SimProgress } from "../sim/engine/result.ts";
import type { RunData } from "../sim/report/run-data.ts";
import type { Summary } from "../sim/report/summary.ts";
import type { Manifest } from "../sim/report/manifest.ts";
import { scenario, simulate, singlePool } from "./sim-helpers.ts";

/** A snapshot halfway through a day of a two-pool fleet, with round numbers to assert on. */
export const PROGRESS: SimProgress = {
  scenario: "baseline",
  simS: 12 * 3600,
  durationS: 24 * 3600,
  warmupS: 0,
  wallS: 60,
  arrived: 42_000_000,
  completed: 41_990_000,
  inFlight: 10_000,
  events: 84_000_000,
  powerW: 20e6,
  powerByComponentW: { gpuBusy: 12e6, gpuIdle: 1e6, host: 6e6, interconnect: 1e6, parked: 0 },
  facilityPowerW: 20e6 * 1.1 * 1.2,
  facilityEnergyWh: 300e6,
  projectedGwhPerDay: 0.6,
  pools: [
    { name: "deepseek-r1", nodes: 200, nodesOn: 200, nodesParked: 0, nodesWaking: 0, maxBatch: 256, activeQueries: 200 * 128, queuedQueries: 0 },
    { name: "llama-405b", nodes: 100, nodesOn: 80, nodesParked: 20, nodesWaking: 0, maxBatch: 256, activeQueries: 80 * 64, queuedQueries: 3 },
  ],
  e2eP50S: 14.25,
  e2eP99S: 125.5,
  whPerQueryP50: 0.66,
  whPerQueryMean: 1.13,
  facilityMwSeries: [10, 20, 30, 40],
};

/** A real summary from a tiny simulated fleet (10 simulated minutes). */
export function tinySummary(queriesPerDay = 2e6, name = "tiny"): Summary {
  const yaml = singlePool({ queriesPerDay, duration: "10m", output: "{ exponential: { median: 300 } }", nodes: 4 }).replace("name: test", `name: ${name}`);
  return simulate(scenario(yaml));
}

/** What a report reads from a results folder, made in memory. */
export function runData(summary: Summary, dir = `/results/${summary.scenario}`): RunData {
  const manifest = { scenario_file: `${summary.scenario}.yaml`, seed: summary.seed, inferwatt_version: "0.0.0", incomplete: false } as Manifest;
  return {
    dir,
    summary,
    manifest,
    power: [
      { startS: 0, endS: 300, facilityMw: 0.05 },
      { startS: 300, endS: 600, facilityMw: 0.06 },
    ],
    energyQuantiles: [
      { q: 0.25, wh: 0.1 },
      { q: 0.5, wh: 0.3 },
      { q: 0.75, wh: 0.6 },
    ],
  };
}
