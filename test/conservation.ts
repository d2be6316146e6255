import { expect } from "vitest";
import { gpuPowerW } from "../models/power.ts";
import type { SimResult } from "../sim/engine/result.ts";
import type { Summary } from "../sim/report/summary.ts";
import type { Scenario } from "../sim/scenario/types.ts";

/**
 * The conservation checks every simulation test makes, in one place. Each compares two bookkeepings
 * the engine keeps apart, or a bookkeeping with the hardware profile's own numbers; none follows from
 * the algebra of summary.ts (which defines the components as shares of facility energy):
 *
 * - queries: arrived = completed + in flight, overall and per class; the time series' arrivals and
 *   completions add up to the totals (counted per interval, separately);
 * - the ledger: energy charged to queries (per-node attribution clocks, one term per query) + energy
 *   of idle nodes = node energy (the level integrals); the per-query histograms hold no more than was
 *   attributed, and exactly that when nothing was in flight or started before the warmup;
 * - power x time: per pool, interconnect energy = its power x powered node-hours, idle GPUs and host
 *   = their idle power x idle node-hours, host busy = its busy power x busy node-hours, parked = parked
 *   power x parked node-hours, busy GPUs between P_gpu(1) and P_gpu(C) x busy node-hours; the energies
 *   come from power integrals, the hours from node-count integrals;
 * - a second integration: the time series' mean power per interval x the interval = node energy.
 *
 * Powers are taken in whole milliwatts per component, as the engine keeps them (sim/fleet/pool-tables.ts).
 * Without the engine's result (a summary.json read from a results folder) only the first two are checked.
 */
export function expectConserved(summary: Summary, result: SimResult | undefined, scenario: Scenario, tolerance = 1e-9): void {
  const rel = (a: number, b: number) => (b === 0 ? Math.abs(a) : Math.abs(a / b - 1));
  const close = (a: number, b: number, what: string) => expect(rel(a, b), `${what}: ${a} vs ${b}`).toBeLessThan(tolerance);
  /** Relative to `scale` when b is much smaller: idle hours are powered minus busy hours, which cancel when a pool is always busy. */
  const closeOn = (a: number, b: number, scale: number, what: string) =>
    expect(Math.abs(a - b) / Math.max(Math.abs(b), scale), `${what}: ${a} vs ${b}`).toBeLessThan(tolerance);

  // queries
  const q = summary.queries;
  expect(q.arrived).toBe(q.completed + q.in_flight);
  const classes = Object.values(summary.per_class);
  expect(classes.reduce((s, c) => s + c.arrived, 0)).toBe(q.arrived);
  expect(classes.reduce((s, c) => s + c.completed, 0)).toBe(q.completed);
  for (const c of classes) expect(c.completed).toBeLessThanOrEqual(c.arrived + q.in_flight);

  // the ledger
  const toFacility = (1 + scenario.facility.orchestrationOverhead) * scenario.facility.pue;
  const nodeWh = summary.energy.node_wh;
  const { attributed_wh, idle_wh } = summary.energy.ledger;
  close((attributed_wh + idle_wh) / toFacility, nodeWh, "attributed + idle = node energy");
  const histogramWh = q.completed > 0 ? summary.per_query_wh.attributed.mean * q.completed : 0;
  expect(histogramWh).toBeLessThanOrEqual(attributed_wh * (1 + tolerance));
  if (q.in_flight === 0 && scenario.warmupS === 0 && summary.state === "completed") close(histogramWh, attributed_wh, "per-query histograms = attributed");
  if (!result) return;

  // power x time, per pool
  const mw = (w: number) => Math.round(w * 1000) / 1000;
  result.pools.forEach((p, i) => {
    const hw = scenario.pools[i].hardware;
    const maxBatch = scenario.pools[i].maxBatch;
    const poweredH = (p.nodeSecondsOn + p.nodeSecondsWaking) / 3600;
    const busyH = p.busyNodeSeconds / 3600;
    const idleH = poweredH - busyH;
    expect(busyH).toBeLessThanOrEqual(p.nodeSecondsOn / 3600 + 1e-9);
    close(p.interconnectWh, mw(hw.interconnectW) * poweredH, `pool ${p.name}: interconnect = its power x powered node-hours`);
    close(p.hostWh, mw(hw.hostBusyW) * busyH + mw(hw.hostIdleW) * idleH, `pool ${p.name}: host = busy and idle power x their node-hours`);
    closeOn(p.gpuIdleWh, mw(hw.gpus * hw.gpuIdleW) * idleH, mw(hw.gpus * hw.gpuIdleW) * poweredH, `pool ${p.name}: idle GPUs = their power x idle node-hours`);
    close(p.parkedWh, mw(hw.parkedW) * (p.nodeSecondsParked / 3600), `pool ${p.name}: parked = parked power x parked node-hours`);
    const idleNodeW = mw(hw.gpus * hw.gpuIdleW) + mw(hw.hostIdleW) + mw(hw.interconnectW);
    closeOn(p.idleNodeWh, idleNodeW * idleH + p.parkedWh, idleNodeW * poweredH, `pool ${p.name}: idle side = idle node power x idle node-hours + parked`);
    const physical = scenario.pools[i].physical;
    if (physical) {
      // the physical node: busy GPUs draw at least their base power, at most their TDP (models/node)
      const gpu = physical.config.gpu;
      const baseW = gpu.idleW + (gpu.maxW - gpu.idleW) * physical.calibration.power.base;
      expect(p.gpuBusyWh).toBeGreaterThanOrEqual(mw(physical.config.tp * baseW) * busyH * (1 - tolerance));
      expect(p.gpuBusyWh).toBeLessThanOrEqual(physical.config.tp * gpu.maxW * busyH * (1 + tolerance));
      expect(p.physical!.prefillWh).toBeLessThanOrEqual(p.gpuBusyWh + p.hostWh + p.interconnectWh);
      return;
    }
    expect(p.gpuBusyWh).toBeGreaterThanOrEqual(mw(hw.gpus * gpuPowerW(hw, 1)) * busyH * (1 - tolerance));
    expect(p.gpuBusyWh).toBeLessThanOrEqual(mw(hw.gpus * gpuPowerW(hw, maxBatch)) * busyH * (1 + tolerance));
  });

  // a second integration: the time series
  const rows = result.timeseries;
  expect(rows.reduce((s, r) => s + r.arrivals, 0)).toBe(q.arrived);
  expect(rows.reduce((s, r) => s + r.completed, 0)).toBe(q.completed);
  let seriesMwS = 0;
  let fromS = scenario.warmupS;
  for (const r of rows) {
    seriesMwS += (r.gpuBusyMw + r.gpuIdleMw + r.hostMw + r.interconnectMw + r.parkedMw) * (r.tS - fromS);
    fromS = r.tS;
  }
  close(fromS - scenario.warmupS, summary.simulated_s, "the time series covers the simulated time");
  close(seriesMwS / 1000 / 3600, nodeWh, "time series power x time = node energy");
}
