import { describe, expect, it } from "vitest";
import { loadNodeCalibration } from "../models/node/calibration.ts";
import { loadModelSpec } from "../models/node/catalog.ts";
import { loadGpuSpec } from "../models/node/gpu-spec.ts";
import { buildNodeModel } from "../models/node/node-model.ts";
import { poolDemand, sizePools } from "../sim/fleet/offered-work.ts";
import { physicalSizing } from "../sim/fleet/physical-sizing.ts";
import { parseScenario } from "../sim/scenario-file/load.ts";
import { inferwattInProcess } from "./cli-helpers.ts";

// inferwatt size on a pool of the physical node (sim/fleet/physical-sizing.ts): capacity at the batch the
// KV memory allows, checked against the node model by hand.

const node = buildNodeModel(
  { model: loadModelSpec("llama-3.1-405b"), gpu: loadGpuSpec("h100-sxm-8x"), precision: "fp8", kvPrecision: "fp8", tp: 8, ep: 1 },
  loadNodeCalibration(),
);
/** (0.9 x 80 GB - 405.853e9 B / 8) / 32256 B per token (126 layers x K and V x 8 heads x 128 x 1 B, over 8 GPUs). */
const KV_TOKENS = 659_361;
const fixed = (input: number, output: number, weight = 1) => ({ weight, inputTokens: { fixed: input }, outputTokens: { fixed: output } });

describe("physicalSizing", () => {
  it("short queries: max_batch binds; node-s per query = L_out t(B, K) / B + prefill(L_in)", () => {
    const z = physicalSizing(node, 256, [fixed(500, 300)]);
    expect(z.kvCapacityTokens).toBe(KV_TOKENS);
    expect(z.reservationTokens).toBe(800);
    expect(z.memoryBatch).toBe(Math.floor(KV_TOKENS / 800)); // 824
    expect(z.batch).toBe(256);
    expect(z.kvTokens).toBe(256 * (500 + 150));
    const t = node.decodeStep(256, 256 * 650).seconds;
    expect(z.decodeStepS).toBe(t);
    expect(z.prefillS).toBe(node.prefill(500).seconds);
    expect(z.nodeSPerQuery).toBeCloseTo((300 * t) / 256 + node.prefill(500).seconds, 12);
    expect(z.outputTokensPerS).toBeCloseTo(300 / z.nodeSPerQuery, 9);
    // the figures themselves, so a change to the node model or its calibration shows here
    expect(t).toBeGreaterThan(0.03);
    expect(t).toBeLessThan(0.08);
  });

  it("long answers: the KV memory binds, B* = floor(659361 / 8500) = 77", () => {
    const z = physicalSizing(node, 256, [fixed(500, 8000)]);
    expect(z.memoryBatch).toBe(77);
    expect(z.batch).toBe(77);
    const t = node.decodeStep(77, 77 * (500 + 4000)).seconds;
    expect(z.nodeSPerQuery).toBeCloseTo((8000 * t) / 77 + node.prefill(500).seconds, 12);
    // a smaller max_batch binds first
    expect(physicalSizing(node, 64, [fixed(500, 8000)]).batch).toBe(64);
  });

  it("a class mix: means weighted by the classes' shares, the mean prefill over the classes' inputs", () => {
    const z = physicalSizing(node, 256, [fixed(1000, 200, 0.75), fixed(200, 2200, 0.25)]);
    expect(z.meanInputTokens).toBeCloseTo(800, 12);
    expect(z.meanOutputTokens).toBeCloseTo(700, 12);
    // a running query's reservation, weighted by its stay (L_out steps): (0.75 x 1200 x 200 + 0.25 x 2400 x 2200) / 700
    expect(z.reservationTokens).toBeCloseTo(1_500_000 / 700, 9);
    expect(z.memoryBatch).toBe(Math.floor(KV_TOKENS / (1_500_000 / 700))); // 307
    expect(z.batch).toBe(256);
    // its context, weighted the same way: (0.75 x 1100 x 200 + 0.25 x 1300 x 2200) / 700
    const t = node.decodeStep(256, (256 * 880_000) / 700).seconds;
    const prefill = 0.75 * node.prefill(1000).seconds + 0.25 * node.prefill(200).seconds;
    expect(z.nodeSPerQuery).toBeCloseTo((700 * t) / 256 + prefill, 12);
  });

  it("exponential outputs: the analytic mean median / ln 2; a reservation larger than the cache gives B* = 0", () => {
    const z = physicalSizing(node, 256, [{ weight: 1, inputTokens: { fixed: 500 }, outputTokens: { exponential: { median: 5000 } } }]);
    expect(z.meanOutputTokens).toBeCloseTo(5000 / Math.LN2, 9);
    // E[L_out^2] / E[L_out] = 2 m for an exponential of mean m: a running query reserves 500 + 2 m
    expect(z.memoryBatch).toBe(Math.floor(KV_TOKENS / (500 + (2 * 5000) / Math.LN2))); // 44
    expect(z.batch).toBe(44);
    const none = physicalSizing(node, 256, [fixed(700_000, 10)]);
    expect([none.batch, none.nodeSPerQuery, none.outputTokensPerS]).toEqual([0, Infinity, 0]);
  });
});

describe("sizePools and inferwatt size on a physical pool", () => {
  const text = (nodes: number, efficiency = "") => `name: sized
workload:
  queries_per_day: 8.64e8
  diurnal: { peak_to_trough: 2.0, peak_hour: 15 }
  classes:
    - { name: chat, share: 1.0, input_tokens: { fixed: 500 }, output_tokens: { fixed: 300 } }
pools:
  - { name: frontier, model: { architecture: llama-3.1-405b, precision: fp8 }, hardware: h100-sxm-8x, nodes: ${nodes} }
facility: { pue: 1.2, orchestration_overhead: 0.1 }
${efficiency}`;

  it("nodes = ceil(peak rate x node-s per query / U); the levers divide the work; the pool's tps gives the same demand", () => {
    const s = parseScenario(text(1), "sized.yaml");
    const z = physicalSizing(node, 256, [fixed(500, 300)]);
    // 1e4 queries/s on average; peak_to_trough 2 around a mean of 1: the peak is 4/3 of the mean
    const peak = 1e4 * (4 / 3);
    const [row] = sizePools(s, 0.8);
    expect(row.peakRatePerS).toBeCloseTo(peak, 6);
    expect(row.meanWorkNodeS).toBeCloseTo(z.nodeSPerQuery, 12);
    expect(row.nodes).toBe(Math.ceil((peak * z.nodeSPerQuery) / 0.8));
    expect(row.physical?.batch).toBe(256);
    const levers = parseScenario(text(1, "efficiency: { model: 2 }"), "sized.yaml");
    expect(sizePools(levers, 0.8)[0].meanWorkNodeS).toBeCloseTo(z.nodeSPerQuery / 2, 12);
    // the autoscaler's demand estimate reads the pool's tps: the same node-seconds per query
    expect(poolDemand(s, s.pools[0], 1000)).toBeCloseTo(1e4 * z.nodeSPerQuery, 6);
  });

  it("size prints the memory-limited batch and where node-s per query comes from", async () => {
    const r = await inferwattInProcess("size", "scenarios/physical/physical-tts-all.yaml");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/llama-405b\s+121961\s+15432\.1\s+6\.3224\n/);
    expect(r.stdout).toContain("llama-405b: llama-3.1-405b fp8 (KV cache fp8), tensor parallel 8 on h100-sxm-8x\n");
    expect(r.stdout).toContain(`  KV cache ${KV_TOKENS} tokens / 14927 reserved per running query (input + output, weighted by its stay): memory-limited batch 44\n`);
    expect(r.stdout).toMatch(/ {2}full batch B\* = min\(max_batch 256, 44\) = 44; decode step \d+\.\d\d ms at 339393 tokens of context\n/);
    expect(r.stdout).toMatch(/ {2}node-s per query = 7213\.5 output tokens x \d+\.\d\d ms \/ 44 \+ prefill \d+\.\d\d ms\n$/);
  });
});
