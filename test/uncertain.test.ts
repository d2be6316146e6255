import { describe, expect, it } from "vitest";
import { percentileSorted, sortedCopy } from "../models/stats.ts";
import { scenario } from "./sim-helpers.ts";
import { parseScenario } from "../sim/scenario-file/load.ts";

const yaml = `
name: u
seed: 3
duration: 1h
workload:
  queries_per_day: 1.0e6
  classes:
    - { name: q, share: 1, input_tokens: { lognormal: { p5: 100, p95: 900 } }, output_tokens: { exponential: { median: 300 } } }
pools:
  - name: p
    model: Llama 3.1 70B
    hardware: { base: h100-sxm-8x, host_busy_w: { lognormal: { p5: 1200, p95: 2000 } } }
    nodes: 4
facility:
  pue: { lognormal: { p5: 1.05, p95: 1.6 } }
  orchestration_overhead: 0.1
efficiency: { model: { lognormal: { p5: 1.5, p95: 10 } } }
`;
const at = (r: number) => parseScenario(yaml, "u.yaml", { replication: r });

describe("uncertain numbers", () => {
  it("a whole-number key takes the nearest whole number of its median or draw", () => {
    const set = ["pools.0.max_batch={ lognormal: { p5: 64, p95: 256 } }", "pools.0.nodes={ lognormal: { p5: 2, p95: 8 } }"];
    // sqrt(64 x 256) = 128 and sqrt(2 x 8) = 4 come out as 127.99999999999997 and 3.999999999999999
    const median = parseScenario(yaml, "u.yaml", { set });
    expect([median.pools[0].maxBatch, median.pools[0].nodes]).toEqual([128, 4]);
    for (let r = 1; r <= 20; r++) {
      const p = parseScenario(yaml, "u.yaml", { set, replication: r }).pools[0];
      expect(Number.isInteger(p.maxBatch) && Number.isInteger(p.nodes)).toBe(true);
      expect(p.nodes).toBeGreaterThanOrEqual(1);
    }
  });

  it("a trace class's token thresholds are whole numbers too", () => {
    const trace = `
name: t
duration: 10m
workload:
  trace: { file: fixtures/traces/azure-conv-2023-head2000.csv }
  classes:
    - { name: long, match: { min_input_tokens: { lognormal: { p5: 64, p95: 256 } } } }
    - { name: rest }
pools:
  - { name: p, model: Llama 3.1 70B, hardware: h100-sxm-8x, nodes: 4 }
facility: { pue: 1.2, orchestration_overhead: 0.1 }
`;
    const s = parseScenario(trace, new URL("./t.yaml", import.meta.url).pathname);
    expect(s.uncertain).toEqual({ "workload.classes.0.match.min_input_tokens": 128 });
  });

  it("a value out of bounds that came from a log-normal says so", () => {
    expect(() => parseScenario(yaml, "u.yaml", { set: ["facility.pue={ lognormal: { p5: 0.5, p95: 1.5 } }"] })).toThrow(
      /facility\.pue: got 0\.866\d*; expected a number >= 1 \(the median sqrt\(p5 p95\) of \{ lognormal: \{ p5: 0\.5, p95: 1\.5 \} \}\)/,
    );
    // an unknown key is not a value out of bounds: no such note
    expect(() => parseScenario(yaml, "u.yaml", { set: ["facility.pu={ lognormal: { p5: 1.1, p95: 1.5 } }"] })).toThrow(/got unknown key "pu" \(did you mean "pue"\?\); expected one of [a-z_, ]+$/);
  });

  it("a single run takes every uncertain number at its median sqrt(p5 p95)", () => {
    const s = scenario(yaml);
    expect(s.facility.pue).toBeCloseTo(Math.sqrt(1.05 * 1.6), 12);
    expect(s.pools[0].hardware.hostBusyW).toBeCloseTo(Math.sqrt(1200 * 2000), 9);
    expect(s.efficiency.model).toBeCloseTo(Math.sqrt(15), 12);
    expect(s.uncertain).toEqual({
      "facility.pue": s.facility.pue,
      "pools.0.hardware.host_busy_w": s.pools[0].hardware.hostBusyW,
      "efficiency.model": s.efficiency.model,
    });
    // a length distribution is not an uncertain number
    expect(s.workload.classes[0].inputTokens).toEqual({ lognormal: { p5: 100, p95: 900 } });
  });

  it("replications draw: deterministic per seed and replication, seeds shifted by r", () => {
    expect(at(4).facility.pue).toBe(at(4).facility.pue);
    expect(at(4).facility.pue).not.toBe(at(5).facility.pue);
    expect(at(4).seed).toBe(3 + 4);
    expect(parseScenario(yaml, "u.yaml", { replication: 4, seed: 10 }).facility.pue).not.toBe(at(4).facility.pue);
  });

  it("over 400 replications the draws have the stated P5 and P95 (within 5 %)", () => {
    const pues = sortedCopy(Array.from({ length: 400 }, (_, i) => at(i + 1).facility.pue));
    expect(Math.abs(percentileSorted(pues, 5) / 1.05 - 1)).toBeLessThan(0.05);
    expect(Math.abs(percentileSorted(pues, 50) / Math.sqrt(1.05 * 1.6) - 1)).toBeLessThan(0.05);
    expect(Math.abs(percentileSorted(pues, 95) / 1.6 - 1)).toBeLessThan(0.05);
  });

  it("a PUE drawn below 1 is taken as 1", () => {
    const draws = Array.from({ length: 400 }, (_, i) => at(i + 1).facility.pue);
    expect(Math.min(...draws)).toBe(1);
    expect(draws.filter((v) => v === 1).length).toBeLessThan(20);
  });

  it("a median out of range is reported: a PUE log-normal centred below 1", () => {
    const low = yaml.replace("pue: { lognormal: { p5: 1.05, p95: 1.6 } }", "pue: { lognormal: { p5: 0.5, p95: 0.9 } }");
    expect(() => parseScenario(low, "low.yaml")).toThrow(/low\.yaml: facility\.pue: got 0\.67\d*; expected a number >= 1/);
  });
});
