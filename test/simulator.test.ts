import { describe, expect, it } from "vitest";
import { loadHardwareProfile } from "../models/hardware.ts";
import { nodePowerW } from "../models/power.ts";
import { predictTps, tpsModelByName } from "../models/throughput.ts";
import { expectConserved } from "./conservation.ts";
import { scenario, simulate, simulateWithResult, singlePool, withoutTiming } from "./sim-helpers.ts";

const rel = (a: number, b: number) => Math.abs(a / b - 1);

describe("queueing theory: one node as an M/G/1 processor-sharing server", () => {
  // b = 0 makes h(n) = 1 for every n (a plain work-conserving server); max_batch 100000 is no cap.
  // Constant 1000 tokens/s and a mean of 1000 output tokens: E[S] = 1 s, so the rate sets rho.
  const run = (rho: number, output: string) =>
    simulate(
      scenario(
        singlePool({ queriesPerDay: rho * 86_400, duration: "300000s", warmup: "2000s", output, maxBatch: 100_000, batchHalfSpeed: 0 }),
      ),
    );

  it.each([0.5, 0.8])("exponential lengths, rho %d: mean response E[S] / (1 - rho) within 5 %%", (rho) => {
    const s = run(rho, `{ exponential: { median: ${1000 * Math.LN2} } }`);
    expect(s.queries.completed).toBeGreaterThan(100_000);
    expect(rel(s.latency_s.e2e.mean, 1 / (1 - rho))).toBeLessThan(0.05);
    expect(s.latency_s.wait.p99).toBe(0);
  });

  it.each([0.5, 0.8])("deterministic lengths, rho %d: the same mean (processor sharing is insensitive)", (rho) => {
    const s = run(rho, "{ fixed: 1000 }");
    expect(rel(s.latency_s.e2e.mean, 1 / (1 - rho))).toBeLessThan(0.05);
    // the node is busy a fraction rho of the time
    expect(Math.abs(s.utilization.busy_node_fraction - rho)).toBeLessThan(0.02);
  });
});

describe("Little's law on multi-node runs", () => {
  it.each(["least-loaded", "power-of-two", "round-robin", "random"])(
    "%s: mean queries in service = throughput x mean time in service (within 2 %%)",
    (router) => {
      // 20 nodes of max batch 32 near saturation, so some queries wait in the pool queue too.
      const s = simulate(
        scenario(
          singlePool({ queriesPerDay: 0.95 * 20 * 86_400, duration: "4h", warmup: "10m", output: "{ exponential: { median: 693 } }", nodes: 20, maxBatch: 32, router }),
        ),
      );
      const inService = s.utilization.mean_active_per_node * 20;
      const throughput = s.queries.completed / s.simulated_s;
      const serviceS = s.latency_s.e2e.mean - s.latency_s.wait.mean;
      expect(rel(inService, throughput * serviceS)).toBeLessThan(0.02);
    },
  );

  it("least-loaded spreads load: no query waits while any node has room", () => {
    const s = simulate(scenario(singlePool({ queriesPerDay: 0.5 * 20 * 86_400, duration: "2h", output: "{ fixed: 1000 }", nodes: 20, maxBatch: 64 })));
    expect(s.latency_s.wait.p99).toBe(0);
  });
});

describe("the paper's formula: a node held full charges each query P(C) x W", () => {
  const h100 = loadHardwareProfile("h100-sxm-8x");
  const toFacility = 1.1 * 1.2;

  it("constant throughput, fixed lengths: every query is charged P(C) W (1 + overhead) PUE", () => {
    // C = 16, W = 1000 / 1000 = 1 node-s; arrivals at 1.5x capacity keep the node at n = C after warmup.
    const s = simulate(scenario(singlePool({ queriesPerDay: 1.5 * 86_400, duration: "3h", warmup: "10m", output: "{ fixed: 1000 }", maxBatch: 16 })));
    const expectedWh = (nodePowerW(h100, 16) * 1) / 3600 * toFacility;
    expect(s.per_class.q.completed).toBeGreaterThan(1000);
    expect(rel(s.per_query_wh.attributed.mean, expectedWh)).toBeLessThan(1e-6);
    expect(rel(s.per_query_wh.attributed.p50, expectedWh)).toBeLessThan(0.01);
    // at n = C the node does exactly the paper's work, so the overhead factor is (1 + overhead) x PUE
    expect(rel(s.energy.overhead_factor!, toFacility)).toBeLessThan(1e-6);
  });

  it("Llama 3.1 405B regression at (500, 300) tokens, the paper's own P(C) x L_out / TPS", () => {
    const w = 300 / predictTps(tpsModelByName("Llama 3.1 405B"), 500, 300);
    const s = simulate(
      scenario(singlePool({ queriesPerDay: (1.5 * 86_400) / w, duration: "1h", warmup: "10m", output: "{ fixed: 300 }", maxBatch: 64, model: "Llama 3.1 405B" })),
    );
    const expectedWh = (nodePowerW(h100, 64) * w) / 3600 * toFacility;
    expect(rel(s.per_query_wh.attributed.mean, expectedWh)).toBeLessThan(0.01);
  });
});

describe("conservation", () => {
  const multi = `
name: conservation
seed: 11
duration: 3h
warmup: 15m
timeseries_interval: 10m
workload:
  queries_per_day: 3.0e5
  diurnal: { peak_to_trough: 3, peak_hour: 2 }
  classes:
    - { name: short, share: 0.8, input_tokens: { fixed: 500 }, output_tokens: { exponential: { median: 300 } } }
    - { name: long, share: 0.2, input_tokens: { lognormal: { p5: 100, p95: 4000 } }, output_tokens: { exponential: { median: 3000 } } }
pools:
  - { name: a, model: Llama 3.1 70B, hardware: h100-sxm-8x, share: 0.6, nodes: 3, max_batch: 64, router: power-of-two }
  - { name: b, model: DeepSeek-R1, hardware: h100-sxm-10x-equiv, share: 0.4, nodes: 5, max_batch: 128 }
facility: { pue: 1.3, orchestration_overhead: 0.05 }
`;
  const sc = scenario(multi);
  const { summary: s, result } = simulateWithResult(sc);

  it("arrived = completed + in flight, per class and overall", () => {
    expect(s.queries.arrived).toBeGreaterThan(20_000);
    expect(s.queries.in_flight).toBeGreaterThan(0);
    expect(s.queries.arrived).toBe(s.queries.completed + s.queries.in_flight);
    expect(s.per_class.short.completed + s.per_class.long.completed).toBe(s.queries.completed);
    expect(s.per_class.short.arrived + s.per_class.long.arrived).toBe(s.queries.arrived);
  });

  it("the ledger, power x node-hours per component and the time series agree (expectConserved, relative 1e-9)", () => {
    expect(s.energy.ledger.idle_wh).toBeGreaterThan(0);
    // rows every 10 min from the first tick after the warmup (20 min; that row covers the 5 min since 15 min) to 3 h
    expect(result.timeseries).toHaveLength(17);
    expectConserved(s, result, sc);
  });

  it("a fixed fleet is powered for the whole measured time: interconnect energy = 8 nodes' interconnect power x 2 h 45 min", () => {
    // the interconnect is always on: 8 nodes, (5 x 375 + 3 x 300) W, for the 2 h 45 min after warmup (numbers from the profiles)
    expect(rel(s.energy.by_component.interconnect_wh, (5 * 375 + 3 * 300) * 2.75)).toBeLessThan(1e-9);
    expect(s.fleet.nodes_on_mean).toBeCloseTo(8, 9);
  });

  it("GWh/day is the time series' mean facility power over a day", () => {
    // the rows' node power (a second integration, per interval) weighted by their intervals, x overhead and PUE x 24 h
    let fromS = 15 * 60;
    let mwS = 0;
    for (const r of result.timeseries) {
      mwS += ((r.gpuBusyMw + r.gpuIdleMw + r.hostMw + r.interconnectMw + r.parkedMw) / 1e9) * (r.tS - fromS);
      fromS = r.tS;
    }
    const meanFacilityMw = (mwS / (2.75 * 3600)) * 1.05 * 1.3;
    expect(rel(s.energy.gwh_per_day, (meanFacilityMw * 24) / 1000)).toBeLessThan(1e-9);
  });
});

describe("determinism", () => {
  const yaml = singlePool({ queriesPerDay: 5e6, duration: "20m", output: "{ exponential: { median: 300 } }", nodes: 10, router: "power-of-two", model: "Llama 3.1 70B" });

  it("the same scenario and seed give an identical summary (timing fields aside)", () => {
    const a = simulate(scenario(yaml));
    const b = simulate(scenario(yaml));
    expect(JSON.stringify(withoutTiming(a))).toBe(JSON.stringify(withoutTiming(b)));
  });

  it("another seed gives other numbers", () => {
    const a = simulate(scenario(yaml));
    const c = simulate(scenario(yaml, ["seed=8"]));
    expect(c.queries.arrived).not.toBe(a.queries.arrived);
  });
});
