import { describe, expect, it } from "vitest";
import { loadNodeCalibration } from "../models/node/calibration.ts";
import { loadModelSpec } from "../models/node/catalog.ts";
import { loadGpuSpec } from "../models/node/gpu-spec.ts";
import { simulate } from "../sim/engine/simulation.ts";
import { buildSummary } from "../sim/report/summary.ts";
import type { Scenario } from "../sim/scenario/types.ts";
import { expectConserved } from "./conservation.ts";
import { scenario, withoutTiming } from "./sim-helpers.ts";

/** A scenario whose one pool runs Llama 3.1 405B FP8 on the physical node (H100 x 8). */
function physicalScenario(opts: { qpd: number; nodes: number; duration: string; warmup?: string; router?: string; reasoningMedian?: number }): Scenario {
  const s = scenario(`
name: phys
seed: 7
duration: ${opts.duration}
warmup: ${opts.warmup ?? "0s"}
timeseries_interval: 1m
workload:
  queries_per_day: ${opts.qpd}
  classes:
    - { name: q, share: 0.9, input_tokens: { fixed: 1000 }, output_tokens: { exponential: { median: 300 } } }
    - { name: r, share: 0.1, input_tokens: { fixed: 1000 }, output_tokens: { exponential: { median: ${opts.reasoningMedian ?? 4000} } } }
pools:
  - { name: p, model: Llama 3.1 405B, hardware: h100-sxm-8x, max_batch: 256, nodes: ${opts.nodes}, router: ${opts.router ?? "least-loaded"} }
facility: { pue: 1.2, orchestration_overhead: 0.1 }
`);
  const physical = {
    architecture: "llama-3.1-405b",
    calibration: loadNodeCalibration(),
    config: { model: loadModelSpec("llama-3.1-405b"), gpu: loadGpuSpec("h100-sxm-8x"), precision: "fp8" as const, kvPrecision: "fp8" as const, tp: 8, ep: 1 },
  };
  return { ...s, pools: [{ ...s.pools[0], physical }] };
}

describe("the physical node in the fleet", () => {
  for (const router of ["least-loaded", "power-of-two", "round-robin", "random"])
    it(`conserves energy and queries (${router}, with a warmup, queues building)`, () => {
      const s = physicalScenario({ qpd: 4e6, nodes: 12, duration: "6m", warmup: "1m", router });
      const result = simulate(s);
      const summary = buildSummary(s, result, { peakRssMb: 0 });
      expectConserved(summary, result, s);
      const ph = result.pools[0].physical!;
      expect(ph.waitedForMemory).toBeGreaterThan(0);
      expect(result.pools[0].maxActivePerNode).toBeLessThanOrEqual(256);
      // resident KV never exceeds the capacity of the busy nodes
      expect(ph.kvTokenSeconds).toBeLessThanOrEqual(ph.kvCapacityTokens * result.pools[0].busyNodeSeconds);
    });

  it("gives the same results for the same seed", () => {
    const s = physicalScenario({ qpd: 2e6, nodes: 8, duration: "3m" });
    const a = buildSummary(s, simulate(s), { peakRssMb: 0 });
    const b = buildSummary(s, simulate(s), { peakRssMb: 0 });
    expect(withoutTiming(a)).toEqual(withoutTiming(b));
  });
});
