import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { knownHardwareProfiles, loadHardwareProfile } from "../models/hardware.ts";
import { nodePowerW } from "../models/power.ts";
import { predictTps, tpsModelByName } from "../models/throughput.ts";
import { scenario, simulate, singlePool } from "./sim-helpers.ts";

const rel = (a: number, b: number) => Math.abs(a / b - 1);

/** A profile file's own keys, read as plain YAML (not through the loader), with its base's under them. */
function fileKeys(name: string): Record<string, any> {
  const doc = parse(readFileSync(new URL(`../models/data/${name}.yaml`, import.meta.url), "utf8"));
  if (!doc.base) return doc;
  const base = fileKeys(doc.base);
  return { ...base, ...doc, gpu_active_w: { ...base.gpu_active_w, ...doc.gpu_active_w }, sources: { ...base.sources, ...doc.sources } };
}

/** P_node(n) from a profile file's numbers, written out here (DESIGN.md, "Power and energy"). */
function filePowerW(k: Record<string, any>, n: number): number {
  const a = k.gpu_active_w;
  const gpu = a.low + (a.high - a.low) / (1 + Math.exp(-a.steepness * (Math.log2(n) - a.log2_batch_mid)));
  return k.gpus * gpu + k.host_busy_w + k.interconnect_w;
}

const LEVERS = [
  { name: "h200-sxm-8x", tpsMultiplier: 1.5, fullBatchKw: 6.72 },
  { name: "b200-8x", tpsMultiplier: 2.25, fullBatchKw: 9.43 },
];

describe("hardware levers: H200 and B200 node profiles", () => {
  it("ship with the H100 profiles", () => {
    expect(knownHardwareProfiles()).toEqual(expect.arrayContaining(["h100-sxm-8x", "h200-sxm-8x", "b200-8x"]));
  });

  it.each(LEVERS)("$name loads with the multiplier and the full-batch node power its file states", ({ name, tpsMultiplier, fullBatchKw }) => {
    const p = loadHardwareProfile(name);
    const k = fileKeys(name);
    expect(p.name).toBe(name);
    expect(p.gpus).toBe(8);
    expect(p.tpsMultiplier).toBe(tpsMultiplier);
    expect(rel(nodePowerW(p, 256), filePowerW(k, 256))).toBeLessThan(1e-12);
    // the header comment of the file gives the full-batch power in kW to two decimals
    expect(nodePowerW(p, 256) / 1000).toBeCloseTo(fullBatchKw, 2);
    expect(nodePowerW(p, 0)).toBe(k.gpus * k.gpu_idle_w + k.host_idle_w + k.interconnect_w);
  });

  it.each(LEVERS)("$name names a source for every value", ({ name }) => {
    const p = loadHardwareProfile(name);
    // the gpu: block holds its own sources (models/node/gpu-spec.ts requires one per value)
    const keys = Object.keys(fileKeys(name)).filter((key) => !["base", "name", "sources", "gpu"].includes(key));
    for (const key of keys) expect(p.sources[key], `source of ${key}`).toMatch(/\w{4,}/);
  });

  it("H200 is the H100 node's power at 1.5x the throughput; B200 draws more and does more", () => {
    const h100 = loadHardwareProfile("h100-sxm-8x");
    const h200 = loadHardwareProfile("h200-sxm-8x");
    const b200 = loadHardwareProfile("b200-8x");
    for (const n of [0, 1, 16, 256]) expect(nodePowerW(h200, n)).toBe(nodePowerW(h100, n));
    // energy per unit of work at full batch, relative to H100: 0.67 and 0.62
    expect(nodePowerW(h200, 256) / h200.tpsMultiplier / nodePowerW(h100, 256)).toBeCloseTo(1 / 1.5, 12);
    expect(nodePowerW(b200, 256) / b200.tpsMultiplier / nodePowerW(h100, 256)).toBeCloseTo(0.623, 3);
    expect(nodePowerW(b200, 256)).toBeGreaterThan(nodePowerW(h100, 256));
  });
});

describe("a saturated node charges each query P_node(C) x W / tps_multiplier", () => {
  const toFacility = 1.1 * 1.2;
  const on = (hardware: string, yaml: string) => yaml.replace("hardware: h100-sxm-8x", `hardware: ${hardware}`);

  it.each(LEVERS)("$name, constant throughput, fixed lengths", ({ name, tpsMultiplier }) => {
    const p = loadHardwareProfile(name);
    // C = 16, W = 1000 / 1000 / m node-s; arrivals at 1.5x the node's capacity m queries/s keep it at n = C.
    // m from the table above (the profiles' stated multipliers), not read back from the loaded profile
    const m = tpsMultiplier;
    const yaml = on(name, singlePool({ queriesPerDay: 1.5 * m * 86_400, duration: "2h", warmup: "10m", output: "{ fixed: 1000 }", maxBatch: 16 }));
    expect(yaml).toContain(`hardware: ${name}`);
    const s = simulate(scenario(yaml));
    const expectedWh = ((nodePowerW(p, 16) * (1 / m)) / 3600) * toFacility;
    expect(s.per_class.q.completed).toBeGreaterThan(1000 * m);
    expect(rel(s.per_query_wh.attributed.mean, expectedWh)).toBeLessThan(1e-6);
    expect(rel(s.per_query_wh.attributed.p50, expectedWh)).toBeLessThan(0.01);
    expect(rel(s.energy.overhead_factor!, toFacility)).toBeLessThan(1e-6);
  });

  it.each(LEVERS)("$name, Llama 3.1 405B at (500, 300) tokens: the paper's P(C) x L_out / TPS, divided by the multiplier", ({ name, tpsMultiplier }) => {
    const p = loadHardwareProfile(name);
    const w = 300 / predictTps(tpsModelByName("Llama 3.1 405B"), 500, 300) / tpsMultiplier;
    const yaml = on(name, singlePool({ queriesPerDay: (1.5 * 86_400) / w, duration: "1h", warmup: "10m", output: "{ fixed: 300 }", maxBatch: 64, model: "Llama 3.1 405B" }));
    const s = simulate(scenario(yaml));
    expect(rel(s.per_query_wh.attributed.mean, ((nodePowerW(p, 64) * w) / 3600) * toFacility)).toBeLessThan(0.01);
  });
});
