import { describe, expect, it } from "vitest";
import { loadHardwareProfile } from "../models/hardware.ts";
import { loadNodeCalibration } from "../models/node/calibration.ts";
import { buildNodeModel, type NodeModel } from "../models/node/node-model.ts";
import type { SimResult } from "../sim/engine/result.ts";
import { simulate } from "../sim/engine/simulation.ts";
import { buildSummary } from "../sim/report/summary.ts";
import { expectConserved } from "./conservation.ts";
import {
  expectedFigures,
  expectMatches,
  facilityWhPerJ,
  kvCapacityTokens,
  nodeConfig,
  physicalNode,
  physicalYaml,
  referenceNode,
  rel,
  streamOf,
  withPhysicalPool,
  type ExactArrival,
} from "./physical-reference.ts";
import { scenario, withoutTiming } from "./sim-helpers.ts";

// The physical node in the fleet (issue #15), held to test/physical-reference.ts: a brute-force,
// step-by-step simulation of one node. The first block tests the reference itself (by hand sums and
// closed forms); the others run the engine (sim/engine/simulation.ts) on a hand-built scenario whose
// pool carries `physical`, fed exact arrivals, and compare every exact figure of its result: sums,
// minima and maxima of the histograms (kept exactly), energies, node-seconds.
//
// The cross-checks only admit queries at t = 0, at departures, or on an idle node: there the engine's
// continuous decode (processor sharing) coincides with the steps. Every power evaluation there must be
// inside the node model's clamp [idleW, maxW], where step energy is linear in K (checked below).

const cal = loadNodeCalibration();
const hw = loadHardwareProfile("h100-sxm-8x");
/** Llama 3.1 405B in FP8 on the 8 H100s of the profile, tensor parallel 8: the default HBM split (C_kv 329,680 tokens). */
const config = nodeConfig({ architecture: "llama-3.1-405b", profile: "h100-sxm-8x", precision: "fp8", tp: 8 });
const M: NodeModel = buildNodeModel(config, cal);
const G = config.tp;
const busyExtraW = hw.hostBusyW + hw.interconnectW;
const TOL = 1e-9;

/** Node joules of a decode step / a prefill, by hand from the node model. */
const stepJ = (n: number, k: number) => {
  const w = M.decodeStep(n, k);
  return (G * M.powerW(w) + busyExtraW) * w.seconds;
};
const prefillJ = (tokens: number) => {
  const w = M.prefill(tokens);
  return (G * M.powerW(w) + busyExtraW) * w.seconds;
};

function run(arrivals: readonly ExactArrival[], durationS: number, maxBatch = 256): { s: ReturnType<typeof scenario>; r: SimResult } {
  const classes = Math.max(...arrivals.map((a) => a.classIndex)) + 1;
  const s = withPhysicalPool(scenario(physicalYaml({ classes, durationS, maxBatch })), physicalNode("llama-3.1-405b", config, cal), maxBatch);
  return { s, r: simulate(s, { arrivals: streamOf(arrivals) }) };
}

describe("the reference node (test/physical-reference.ts) itself", () => {
  it("the setting: the profile's GPUs are the model's, no sliding window, and the power clamp does not bind in the range used", () => {
    expect(config.tp).toBe(hw.gpus);
    expect(config.gpu.idleW).toBe(hw.gpuIdleW);
    expect(M.window).toBe(0);
    expect(M.kvBytesPerTokenSliding).toBe(0);
    expect(kvCapacityTokens(M)).toBe(329_680);
    for (const n of [1, 2, 4, 5, 8, 64, 256]) {
      for (const k of [0, 1_000, 10_000, 100_000, 329_680]) {
        const p = M.powerW(M.decodeStep(n, k));
        expect(p).toBeGreaterThan(config.gpu.idleW);
        expect(p).toBeLessThan(config.gpu.maxW);
      }
    }
    for (const tokens of [1, 50, 100, 120, 300, 800, 2000, 4000]) {
      const p = M.powerW(M.prefill(tokens));
      expect(p).toBeGreaterThan(config.gpu.idleW);
      expect(p).toBeLessThan(config.gpu.maxW);
    }
  });

  it("batch 1, one query: departure = prefill + the sum of its L_out steps at K = L_in + j; energy the hand sum", () => {
    const inT = 100;
    const outT = 64;
    const ref = referenceNode(M, hw, { maxBatch: 256, queries: [{ arrivalS: 2, inTokens: inT, outTokens: outT }], untilS: 60 });
    let seconds = M.prefill(inT).seconds;
    let joules = prefillJ(inT);
    const first = 2 + seconds;
    for (let j = 0; j < outT; j++) {
      seconds += M.decodeStep(1, inT + j).seconds;
      joules += stepJ(1, inT + j);
    }
    const [q] = ref.queries;
    expect(q.admittedS).toBe(2);
    expect(q.waitS).toBe(0);
    expect(rel(q.firstTokenS, first)).toBeLessThan(1e-15);
    expect(rel(q.departS, 2 + seconds)).toBeLessThan(1e-14);
    expect(rel(q.energyJ, joules)).toBeLessThan(1e-14);
    expect(rel(q.prefillJ, prefillJ(inT))).toBeLessThan(1e-15);
    expect(rel(q.tpotS, (q.departS - first) / outT)).toBeLessThan(1e-15);
    expect(ref.steps).toBe(outT);
    expect(ref.powerClamped).toBe(0);
    // the node: busy = the query's energy; idle before and after it at G idle + host idle + interconnect
    expect(rel(ref.busyJ, joules)).toBeLessThan(1e-14);
    const idleW = G * config.gpu.idleW + hw.hostIdleW + hw.interconnectW;
    expect(rel(ref.idleJ, idleW * (60 - seconds))).toBeLessThan(1e-12);
    expect(rel(ref.busyS, seconds)).toBeLessThan(1e-14);
    expect(rel(ref.gpuBusyJ + ref.gpuIdleJ + ref.hostJ + ref.interconnectJ, ref.busyJ + ref.idleJ)).toBeLessThan(1e-14);
    // resident context: L_in through the prefill, L_in + j through step j
    let kv = inT * M.prefill(inT).seconds;
    for (let j = 0; j < outT; j++) kv += (inT + j) * M.decodeStep(1, inT + j).seconds;
    expect(rel(ref.kvTokenSeconds, kv)).toBeLessThan(1e-14);
    expect(rel(ref.activeQuerySeconds, seconds)).toBeLessThan(1e-14);
  });

  it("decode at batch 1 is linear in K: L_out (a + c L_in) + c L_out (L_out - 1) / 2 equals the loop (1e-12)", () => {
    const a = M.decodeStep(1, 0).seconds;
    const c = M.secondsPerKvToken;
    for (const [inT, outT] of [[100, 64], [1, 1], [2000, 900], [50_000, 3_000]]) {
      const ref = referenceNode(M, hw, { maxBatch: 1, queries: [{ arrivalS: 0, inTokens: inT, outTokens: outT }] });
      const decodeS = ref.queries[0].departS - ref.queries[0].firstTokenS;
      expect(rel(decodeS, outT * (a + c * inT) + (c * outT * (outT - 1)) / 2)).toBeLessThan(1e-12);
    }
  });

  it("several queries at t = 0: prefills one after another, then steps of the whole batch; a step's energy shared equally", () => {
    const qs = [
      { arrivalS: 0, inTokens: 300, outTokens: 2 },
      { arrivalS: 0, inTokens: 800, outTokens: 3 },
    ];
    const ref = referenceNode(M, hw, { maxBatch: 256, queries: qs });
    const t0 = M.prefill(300).seconds;
    const t1 = t0 + M.prefill(800).seconds;
    const [a, b] = ref.queries;
    expect([a.prefillStartS, a.firstTokenS, b.prefillStartS]).toEqual([0, t0, t0]);
    expect(rel(b.firstTokenS, t1)).toBeLessThan(1e-15);
    // steps: (2, 1100), (2, 1102), then b alone at 1100 + 2 + 2 = 1104 minus 302 of a = 802
    const s1 = M.decodeStep(2, 1100).seconds;
    const s2 = M.decodeStep(2, 1102).seconds;
    const s3 = M.decodeStep(1, 802).seconds;
    expect(rel(a.departS, t1 + s1 + s2)).toBeLessThan(1e-14);
    expect(rel(b.departS, t1 + s1 + s2 + s3)).toBeLessThan(1e-14);
    expect(rel(a.energyJ, prefillJ(300) + (stepJ(2, 1100) + stepJ(2, 1102)) / 2)).toBeLessThan(1e-14);
    expect(rel(b.energyJ, prefillJ(800) + (stepJ(2, 1100) + stepJ(2, 1102)) / 2 + stepJ(1, 802))).toBeLessThan(1e-14);
    // a is prefilled first: b's TTFT includes a's prefill
    expect(rel(b.ttftS, t1)).toBeLessThan(1e-15);
    expect(ref.maxActive).toBe(2);
    expect(rel(ref.prefillJ, prefillJ(300) + prefillJ(800))).toBeLessThan(1e-14);
    // kv: a prompt counts from its admission (both at t = 0: 1100 through both prefills), then the steps' K
    const kv = 1100 * t1 + 1100 * s1 + 1102 * s2 + 802 * s3;
    expect(rel(ref.kvTokenSeconds, kv)).toBeLessThan(1e-14);
  });

  it("an output of 0 tokens departs at the end of its prefill", () => {
    const ref = referenceNode(M, hw, { maxBatch: 8, queries: [{ arrivalS: 1, inTokens: 500, outTokens: 0 }] });
    expect(ref.queries[0].departS).toBe(1 + M.prefill(500).seconds);
    expect(ref.queries[0].decodeJ).toBe(0);
    expect(ref.steps).toBe(0);
  });

  it("an admission mid-step pauses the step for the prefill; the step then finishes with its own batch", () => {
    const s0 = M.prefill(100).seconds;
    const step = M.decodeStep(1, 100).seconds;
    const mid = s0 + step / 2;
    const ref = referenceNode(M, hw, { maxBatch: 8, queries: [{ arrivalS: 0, inTokens: 100, outTokens: 1 }, { arrivalS: mid, inTokens: 200, outTokens: 1 }] });
    const [a, b] = ref.queries;
    expect(b.admittedS).toBe(mid);
    expect(b.prefillStartS).toBe(mid);
    expect(rel(a.departS, mid + M.prefill(200).seconds + step / 2)).toBeLessThan(1e-14);
    expect(rel(b.departS, a.departS + M.decodeStep(1, 200).seconds)).toBeLessThan(1e-14);
  });
});

describe("engine: one query at batch 1 (a short prompt) is the node model's prefill and steps, exactly", () => {
  const inT = 100;
  const outT = 64;
  const arrivals: ExactArrival[] = [{ arrivalS: 0, inTokens: inT, outTokens: outT, classIndex: 0 }];
  const durationS = 120;
  const ref = referenceNode(M, hw, { maxBatch: 256, queries: arrivals, untilS: durationS });
  const { s, r } = run(arrivals, durationS);

  it("e2e, TTFT, TPOT and energy equal the hand sums (relative 1e-9)", () => {
    let e2e = M.prefill(inT).seconds;
    let joules = prefillJ(inT);
    for (let j = 0; j < outT; j++) {
      e2e += M.decodeStep(1, inT + j).seconds;
      joules += stepJ(1, inT + j);
    }
    const [k] = r.classes;
    expect(k.completed).toBe(1);
    expect(rel(k.e2eS.sum, e2e)).toBeLessThan(TOL);
    expect(rel(k.ttftS.sum, M.prefill(inT).seconds)).toBeLessThan(TOL);
    expect(rel(k.tpotS.sum, (e2e - M.prefill(inT).seconds) / outT)).toBeLessThan(TOL);
    expect(k.waitS.sum).toBeLessThan(TOL);
    expect(rel(k.energyWh.sum, joules * facilityWhPerJ(s))).toBeLessThan(TOL);
    expect(rel(r.attributedWh, joules / 3600)).toBeLessThan(TOL);
    expect(rel(k.prefillWh, prefillJ(inT) * facilityWhPerJ(s))).toBeLessThan(TOL);
    expect(rel(k.decodeWh, (joules - prefillJ(inT)) * facilityWhPerJ(s))).toBeLessThan(TOL);
  });

  it("and every other figure equals the reference's", () => {
    expect(ref.powerClamped).toBe(0);
    expectMatches(r, expectedFigures(s, arrivals, ref));
  });
});

describe("engine: decode is exact with queries of different lengths arriving at t = 0, and one on an idle node later", () => {
  // every query its own class: the class histograms' sums, minima and maxima are its exact figures
  const arrivals: ExactArrival[] = [
    { arrivalS: 0, inTokens: 300, outTokens: 50, classIndex: 0 },
    { arrivalS: 0, inTokens: 800, outTokens: 120, classIndex: 1 },
    { arrivalS: 0, inTokens: 120, outTokens: 200, classIndex: 2 },
    { arrivalS: 0, inTokens: 2000, outTokens: 80, classIndex: 3 },
    { arrivalS: 100, inTokens: 300, outTokens: 60, classIndex: 4 },
  ];
  const durationS = 300;
  const ref = referenceNode(M, hw, { maxBatch: 256, queries: arrivals, untilS: durationS });
  const { s, r } = run(arrivals, durationS);

  it("the scenario does what it should: four share decode, the fifth finds the node idle", () => {
    expect(ref.powerClamped).toBe(0);
    expect(ref.maxActive).toBe(4);
    expect(Math.max(...ref.queries.slice(0, 4).map((q) => q.departS))).toBeLessThan(100);
    expect(ref.queries[4].waitS).toBe(0);
    expect(ref.queries.map((q) => q.admittedS)).toEqual([0, 0, 0, 0, 100]);
  });

  it("every departure, TTFT, TPOT and every energy equals the reference's (relative 1e-9)", () => {
    expectMatches(r, expectedFigures(s, arrivals, ref));
  });

  it("conservation holds", () => {
    expectConserved(buildSummary(s, r, { peakRssMb: 0 }), r, s);
  });
});

describe("engine: a physical pool on generated arrivals", () => {
  const yaml = physicalYaml({ classes: 2, durationS: 900, warmupS: 60, queriesPerDay: 30 * 1440, maxBatch: 256, seed: 5 });
  const make = () => withPhysicalPool(scenario(yaml), physicalNode("llama-3.1-405b", config, cal), 256);

  it("is conserved (queries, ledger, power x time, time series)", () => {
    const s = make();
    const r = simulate(s);
    expect(r.completed).toBeGreaterThan(200);
    expect(r.pools[0].physical).toBeDefined();
    expectConserved(buildSummary(s, r, { peakRssMb: 0 }), r, s);
  });

  it("is deterministic: the same seed twice gives the same result", () => {
    const s = make();
    const a = simulate(s);
    const b = simulate(make());
    const strip = (x: SimResult) => ({ ...x, wallS: 0 });
    expect(strip(b)).toEqual(strip(a));
    expect(withoutTiming(buildSummary(s, b, { peakRssMb: 0 }))).toEqual(withoutTiming(buildSummary(s, a, { peakRssMb: 0 })));
  });
});

describe("the efficiency levers on the physical node", () => {
  it("divide a lone query's prefill and decode times, and the dynamic energy drawn in them, by model x serving", () => {
    const arrivals: ExactArrival[] = [{ arrivalS: 0, inTokens: 700, outTokens: 90, classIndex: 0 }];
    const base = withPhysicalPool(scenario(physicalYaml({ classes: 1, durationS: 60 })), physicalNode("llama-3.1-405b", config, cal), 256);
    const faster = { ...base, efficiency: { model: 2, serving: 1.5 } };
    const r1 = simulate(base, { arrivals: streamOf(arrivals) });
    const r3 = simulate(faster, { arrivals: streamOf(arrivals) });
    // everything the node model times is 3x shorter; power (base and dynamic) is the same, so busy energy is 3x smaller
    expect(rel(r3.classes[0].e2eS.sum * 3, r1.classes[0].e2eS.sum)).toBeLessThan(TOL);
    expect(rel(r3.classes[0].ttftS.sum * 3, r1.classes[0].ttftS.sum)).toBeLessThan(TOL);
    expect(rel(r3.classes[0].energyWh.sum * 3, r1.classes[0].energyWh.sum)).toBeLessThan(TOL);
    expect(rel(r3.pools[0].busyNodeSeconds * 3, r1.pools[0].busyNodeSeconds)).toBeLessThan(TOL);
  });
});
