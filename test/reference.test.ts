import { describe, expect, it } from "vitest";
import { makeRng } from "../models/rng.ts";
import { simulate } from "../sim/engine/simulation.ts";
import type { SimResult } from "../sim/engine/result.ts";
import { buildSummary } from "../sim/report/summary.ts";
import { expectConserved } from "./conservation.ts";
import { arrivalStream as streamOf, referenceSimulate, type RefArrival, type RefRouter } from "./reference-sim.ts";
import { scenario } from "./sim-helpers.ts";

// Differential test: the engine (typed arrays, virtual time, level integrals, calendar queue) against
// test/reference-sim.ts (per event, every query's remaining work and charge updated by hand), fed the
// same arrivals. Anything the two compute must agree to rounding.

const rel = (a: number, b: number) => (b === 0 ? Math.abs(a) : Math.abs(a / b - 1));
const TOL = 1e-9;

/** Seeded arrivals: Poisson at `perS`, two classes, log-uniform prompt lengths, exponential answers, some empty. */
function arrivals(seed: number, perS: number, endS: number): RefArrival[] {
  const rng = makeRng(seed, "reference-arrivals");
  const out: RefArrival[] = [];
  for (let t = -Math.log(1 - rng()) / perS; t < endS; t += -Math.log(1 - rng()) / perS) {
    const classIndex = rng() < 0.8 ? 0 : 1;
    const inputTokens = Math.round(Math.exp(Math.log(50) + rng() * Math.log(4000 / 50)));
    const median = classIndex === 0 ? 250 : 1500;
    const outputTokens = rng() < 0.02 ? 0 : Math.round((-Math.log(1 - rng()) * median) / Math.LN2);
    out.push({ tS: t, classIndex, inputTokens, outputTokens });
  }
  return out;
}

interface Case {
  readonly name: string;
  readonly nodes: number;
  readonly maxBatch: number;
  readonly batchHalfSpeed: number;
  readonly router: RefRouter;
  readonly hardware: string;
  readonly model: string;
  readonly efficiency: number;
  readonly perS: number;
}

// The classes' lengths here only describe the workload (the arrivals below replace it); a fixed input
// length would make the engine look work up by that length instead of each arrival's own.
const yamlOf = (c: Case) => `
name: reference
seed: 1
duration: 20m
warmup: 90s
timeseries_interval: 2m
workload:
  queries_per_day: ${c.perS * 86_400}
  classes:
    - { name: short, share: 0.8, input_tokens: { lognormal: { p5: 60, p95: 3400 } }, output_tokens: { exponential: { median: 250 } } }
    - { name: long, share: 0.2, input_tokens: { lognormal: { p5: 60, p95: 3400 } }, output_tokens: { exponential: { median: 1500 } } }
pools:
  - { name: p, model: ${c.model}, hardware: ${c.hardware}, nodes: ${c.nodes}, max_batch: ${c.maxBatch}, batch_half_speed: ${c.batchHalfSpeed}, router: ${c.router} }
facility: { pue: 1.25, orchestration_overhead: 0.08 }
efficiency: { model: ${c.efficiency}, serving: 1 }
`;

const CASES: Case[] = [
  // one node, a small batch and a strong batch-speed curve (h(1) = 0.13): the queue fills and drains
  { name: "one node, C 8, Llama 3.1 70B", nodes: 1, maxBatch: 8, batchHalfSpeed: 104, router: "least-loaded", hardware: "h100-sxm-8x", model: "Llama 3.1 70B", efficiency: 1, perS: 9 },
  // several nodes: least-loaded routing with its tie rule, a faster node (H200) and an efficiency lever
  { name: "four nodes, least-loaded, H200, lever 1.5", nodes: 4, maxBatch: 4, batchHalfSpeed: 30, router: "least-loaded", hardware: "h200-sxm-8x", model: "Llama 3.1 405B", efficiency: 1.5, perS: 20 },
  // round-robin, falling back to least-loaded when its turn is full; b = 0 (h = 1 at every n)
  { name: "three nodes, round-robin, b 0", nodes: 3, maxBatch: 6, batchHalfSpeed: 0, router: "round-robin", hardware: "h100-sxm-10x-equiv", model: "DeepSeek-R1", efficiency: 1, perS: 3.5 },
];

describe("the engine agrees with a naive reference simulator on the same arrivals", () => {
  describe.each(CASES)("$name", (c) => {
    const s = scenario(yamlOf(c));
    const list = arrivals(c.nodes * 100 + c.maxBatch, c.perS, s.durationS);
    const r: SimResult = simulate(s, { arrivals: streamOf(list) });
    const ref = referenceSimulate(s, list, c.router);
    const sumOf = (f: (k: SimResult["classes"][number]) => number) => r.classes.reduce((a, k) => a + f(k), 0);

    it("exercises what it should: queries that wait, idle nodes, empty answers", () => {
      expect(ref.completed).toBeGreaterThan(3000);
      expect(ref.waitSumS / ref.completed).toBeGreaterThan(0.01);
      expect(ref.idleNodeWh).toBeGreaterThan(0);
      expect(list.filter((a) => a.outputTokens === 0).length).toBeGreaterThan(20);
    });

    it("the same queries arrive, complete and stay in flight, per class", () => {
      expect(r.arrived).toBe(ref.arrived);
      expect(r.completed).toBe(ref.completed);
      expect(r.inFlight).toBe(ref.inFlight);
      expect(r.classes.map((k) => k.completed)).toEqual(ref.completedByClass);
    });

    it("mean end-to-end latency, wait and time to first token (relative 1e-9)", () => {
      expect(rel(sumOf((k) => k.e2eS.sum) / r.completed, ref.e2eSumS / ref.completed)).toBeLessThan(TOL);
      expect(rel(sumOf((k) => k.waitS.sum), ref.waitSumS)).toBeLessThan(TOL);
      expect(rel(sumOf((k) => k.ttftS.sum), ref.ttftSumS)).toBeLessThan(TOL);
    });

    it("attributed energy, per query and in total, and node energy by component (relative 1e-9)", () => {
      expect(rel(r.attributedWh, ref.attributedWh)).toBeLessThan(TOL);
      expect(rel(sumOf((k) => k.energyWh.sum), ref.perQueryFacilityWhSum)).toBeLessThan(TOL);
      const [p] = r.pools;
      expect(rel(p.gpuBusyWh, ref.gpuBusyWh)).toBeLessThan(TOL);
      expect(rel(p.gpuIdleWh, ref.gpuIdleWh)).toBeLessThan(TOL);
      expect(rel(p.hostWh, ref.hostWh)).toBeLessThan(TOL);
      expect(rel(p.interconnectWh, ref.interconnectWh)).toBeLessThan(TOL);
      expect(rel(p.idleNodeWh, ref.idleNodeWh)).toBeLessThan(TOL);
      expect(rel(p.busyNodeSeconds, ref.busyNodeSeconds)).toBeLessThan(TOL);
      expect(rel(p.activeQuerySeconds, ref.activeQuerySeconds)).toBeLessThan(TOL);
      expect(rel(buildSummary(s, r, { peakRssMb: 0 }).energy.node_wh, ref.nodeWh)).toBeLessThan(TOL);
    });

    it("the time series: arrivals and completions per interval exactly, mean node power to 1e-9", () => {
      expect(r.timeseries.map((row) => row.tS)).toEqual(ref.intervals.map((i) => i.tS));
      expect(r.timeseries.map((row) => [row.arrivals, row.completed])).toEqual(ref.intervals.map((i) => [i.arrivals, i.completed]));
      r.timeseries.forEach((row, i) => {
        const w = (row.gpuBusyMw + row.gpuIdleMw + row.hostMw + row.interconnectMw + row.parkedMw) / 1000;
        expect(rel(w, ref.intervals[i].meanPowerW)).toBeLessThan(TOL);
      });
    });

    it("and the engine's own result is conserved", () => {
      expectConserved(buildSummary(s, r, { peakRssMb: 0 }), r, s);
    });
  });
});

describe("expectConserved fails when one bookkeeping moves by a millionth", () => {
  const c = CASES[1];
  const s = scenario(yamlOf(c));
  const r = simulate(s, { arrivals: streamOf(arrivals(7, c.perS, s.durationS)) });
  const summaryOf = (x: SimResult) => buildSummary(s, x, { peakRssMb: 0 });
  const off = 1 + 1e-6;
  const withPool = (change: Partial<SimResult["pools"][number]>): SimResult => ({ ...r, pools: [{ ...r.pools[0], ...change }] });

  it("holds on the result as it is", () => {
    expectConserved(summaryOf(r), r, s);
  });

  it.each([
    ["attributed energy", { ...r, attributedWh: r.attributedWh * off }],
    ["idle node energy", withPool({ idleNodeWh: r.pools[0].idleNodeWh * off })],
    ["idle GPU energy", withPool({ gpuIdleWh: r.pools[0].gpuIdleWh * off })],
    ["host energy", withPool({ hostWh: r.pools[0].hostWh * off })],
    ["busy node-seconds", withPool({ busyNodeSeconds: r.pools[0].busyNodeSeconds * off })],
    ["one time-series row's power", { ...r, timeseries: r.timeseries.map((row, i) => (i === 3 ? { ...row, hostMw: row.hostMw * off } : row)) }],
    ["one time-series row's arrivals", { ...r, timeseries: r.timeseries.map((row, i) => (i === 3 ? { ...row, arrivals: row.arrivals + 1 } : row)) }],
  ] as [string, SimResult][])("%s", (_, broken) => {
    expect(() => expectConserved(summaryOf(broken), broken, s)).toThrow();
  });
});
