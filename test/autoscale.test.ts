import { describe, expect, it } from "vitest";
import { finalSummaryLines } from "../sim/tui/plain-lines.ts";
import { expectConserved } from "./conservation.ts";
import { scenario, simulate, simulateWithResult } from "./sim-helpers.ts";

// A small diurnal fleet: 4e6 queries/day (peak-to-trough 3) on 9 Llama 3.1 70B nodes (70 % of full-batch capacity at the
// peak); twelve hours from 00:00 cover the trough (00:00) and the climb to the noon peak.
const fleet = (autoscale: string, parkedW = 0) => `
name: autoscale
seed: 5
duration: 12h
warmup: 30m
timeseries_interval: 15m
workload:
  queries_per_day: 4.0e6
  diurnal: { peak_to_trough: 3, peak_hour: 12 }
  classes:
    - { name: q, share: 1, input_tokens: { fixed: 500 }, output_tokens: { exponential: { median: 300 } } }
pools:
  - name: p
    model: Llama 3.1 70B
    hardware: { base: h100-sxm-8x, parked_w: ${parkedW}, wake_delay: 5m }
    max_batch: 256
    nodes: 9
    ${autoscale}
facility: { pue: 1.2, orchestration_overhead: 0.1 }
`;
const rel = (a: number, b: number) => Math.abs(a / b - 1);

describe("autoscaler", () => {
  const fixed = simulate(scenario(fleet("")));
  const scaled = simulate(scenario(fleet("autoscale: { target_utilization: 0.8, reserve: 0.15, min: 1, interval: 10m }")));

  it("uses less energy than the same fleet fixed at peak", () => {
    expect(scaled.queries.arrived).toBe(fixed.queries.arrived);
    expect(scaled.fleet.nodes_parked_mean).toBeGreaterThan(1);
    expect(scaled.energy.facility_wh).toBeLessThan(0.9 * fixed.energy.facility_wh);
  });

  it("keeps p99 end-to-end latency within 1.5x of the fixed fleet's, and no query waits more than a wake delay", () => {
    expect(scaled.latency_s.e2e.p99).toBeLessThan(1.5 * fixed.latency_s.e2e.p99);
    expect(scaled.latency_s.wait.p99).toBeLessThan(300);
  });

  it("accounts for every node at every moment: on, parked and waking node-hours add to the pool's", () => {
    expect(scaled.fleet.nodes_on_mean + scaled.fleet.nodes_parked_mean + scaled.fleet.nodes_waking_mean).toBeCloseTo(9, 6);
  });

  it("never has fewer nodes serving than min, nor more than the pool, at any time-series row; min binds in the trough", () => {
    // min 3 is above the trough's target (2 with min 1) and below the morning's (5 by 08:00): every row, one a
    // minute, must have at least 3 nodes on or waking, the trough exactly 3, and the morning more
    const sc = scenario(fleet("autoscale: { target_utilization: 0.8, reserve: 0.15, min: 3, interval: 10m }"), ["duration=9h", "timeseries_interval=1m"]);
    const { summary, result } = simulateWithResult(sc);
    const serving = result.timeseries.map((r) => r.nodesOn + r.nodesWaking);
    expect(serving).toHaveLength(510);
    expect(Math.min(...serving)).toBe(3);
    expect(serving.slice(0, 60).every((n) => n === 3)).toBe(true);
    expect(Math.max(...serving)).toBeGreaterThanOrEqual(5);
    for (const r of result.timeseries) expect(r.nodesOn + r.nodesWaking + r.nodesParked).toBe(9);
    expectConserved(summary, result, sc);
  });

  it("parked nodes draw parked_w, and the ledger still balances", () => {
    const sc = scenario(fleet("autoscale: { target_utilization: 0.8, reserve: 0.15, min: 1, interval: 10m }", 50));
    const { summary: s, result } = simulateWithResult(sc);
    // 50 W per parked node over the measured 11.5 h
    expect(rel(s.energy.by_component.parked_wh, 50 * s.fleet.nodes_parked_mean * 11.5)).toBeLessThan(1e-9);
    expectConserved(s, result, sc);
    const c = s.energy.by_component;
    // the printed summary's "where" line names parked energy too: its shares add to 100 % (each rounded)
    const where = finalSummaryLines(s, "out").find((l) => l.trim().startsWith("where"))!;
    expect(where).toContain(`parked ${((100 * c.parked_wh) / s.energy.facility_wh).toFixed(0)}%`);
    const shares = [...where.matchAll(/(\d+)%/g)].map((m) => Number(m[1]));
    expect(shares).toHaveLength(7);
    expect(Math.abs(shares.reduce((a, b) => a + b, 0) - 100)).toBeLessThanOrEqual(3);
  });

  it.each([
    ["the diurnal fleet", []],
    // traffic falling from its peak to a tenth: idle nodes are parked at once (no warmup)
    ["a fleet scaling down", ["warmup=0", "workload.queries_per_day=1e6", "workload.diurnal.peak_to_trough=10", "workload.diurnal.peak_hour=0"]],
  ])("counts a powered node's time at its batch-size levels exactly as long as it is on or waking: %s", (_, set) => {
    // Two bookkeepings that must agree: node-seconds at each batch-size level (added per node when it
    // changes level, parks or is read) and the integrals of the node counts (changed by the autoscaler).
    // Interconnect power is the same at every level, so its energy measures the former.
    const sc = scenario(fleet("autoscale: { target_utilization: 0.8, reserve: 0.15, min: 1, interval: 10m }"), set);
    // the diurnal fleet is `scaled` above: not simulated twice
    const s = set.length === 0 ? scaled : simulate(sc);
    const poweredNodeHours = s.energy.by_component.interconnect_wh / sc.pools[0].hardware.interconnectW;
    expect(s.fleet.nodes_parked_mean).toBeGreaterThan(1);
    expect(rel(poweredNodeHours, ((s.fleet.nodes_on_mean + s.fleet.nodes_waking_mean) * s.simulated_s) / 3600)).toBeLessThan(1e-9);
  });
});
