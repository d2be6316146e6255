import { describe, expect, it } from "vitest";
import { batchSpeed } from "../models/batching.ts";
import { parseDurationS } from "../models/duration.ts";
import { applyHardwareOverrides, knownHardwareProfiles, loadHardwareProfile } from "../models/hardware.ts";
import { defaultBatchThroughputPoints, fitDefaultBatchHalfSpeed, fitGpuActivePower, loadPowerRows, logisticW } from "../models/power-fit.ts";
import { gpuPowerW, nodePowerComponentsW, nodePowerW } from "../models/power.ts";

const DGX_H100_RATED_W = 10200;
const h100 = loadHardwareProfile("h100-sxm-8x");
const r1Node = loadHardwareProfile("h100-sxm-10x-equiv");
const fitted = fitGpuActivePower();

describe("GPU power fit to power-vs-batch-h100.csv", () => {
  it("uses the 10 multi-GPU rows (70B TP4, 405B FP8 TP8), not the 1-GPU 8B rows", () => {
    const rows = loadPowerRows();
    expect(rows).toHaveLength(10);
    expect(rows.every((r) => r.gpus === 4 || r.gpus === 8)).toBe(true);
    expect(rows.find((r) => r.gpus === 4 && r.wPerGpu === 637)?.batch).toBe(898.5); // avg_batch, not max_num_seqs 1024
  });

  it("reproduces every used row within 5 %", () => {
    const errors = loadPowerRows().map((r) => ({ model: r.model, batch: r.batch, relErr: logisticW(fitted, r.batch) / r.wPerGpu - 1 }));
    const maxAbs = Math.max(...errors.map((e) => Math.abs(e.relErr)));
    console.log(`GPU power fit: max relative error ${(maxAbs * 100).toFixed(2)} %`, fitted);
    expect(maxAbs).toBeLessThan(0.05);
  });

  it("rises from low to high around batch 2^x0", () => {
    expect(fitted.lowW).toBeGreaterThan(380);
    expect(fitted.highW).toBeLessThan(700); // H100 SXM TDP
    expect(fitted.log2BatchMid).toBeGreaterThan(5);
    expect(fitted.log2BatchMid).toBeLessThan(8);
  });

  it("matches the shipped h100-sxm-8x logistic within 1 % at n = 1, 8, 64, 256", () => {
    for (const n of [1, 8, 64, 256]) {
      expect(Math.abs(gpuPowerW(h100, n) / logisticW(fitted, n) - 1)).toBeLessThan(0.01);
    }
  });
});

describe("batch at half speed", () => {
  const b = fitDefaultBatchHalfSpeed();

  it("is fitted on the 405B FP8 TP8 rows, lies in 80..250 and equals the shipped value within 2 %", () => {
    expect(defaultBatchThroughputPoints().map((p) => p.batch)).toEqual([8, 128, 256]);
    expect(b).toBeGreaterThan(80);
    expect(b).toBeLessThan(250);
    expect(Math.abs(h100.batchHalfSpeed / b - 1)).toBeLessThan(0.02);
  });

  it("gives h(C) = 1, h = 1 for b = 0, h(0) = 0, and rises with n", () => {
    expect(batchSpeed(256, 256, b)).toBeCloseTo(1, 12);
    expect(batchSpeed(1, 256, 0)).toBe(1);
    expect(batchSpeed(17, 256, 0)).toBe(1);
    expect(batchSpeed(0, 256, b)).toBe(0);
    // At n = b the node runs at (b + C) / (2 C) of full speed.
    expect(batchSpeed(100, 256, 100)).toBeCloseTo(356 / 512, 12);
    let previous = 0;
    for (let n = 1; n <= 256; n++) {
      const h = batchSpeed(n, 256, b);
      expect(h).toBeGreaterThan(previous);
      previous = h;
    }
  });
});

describe("node power", () => {
  it("at full batch draws 0.55..0.75 of the DGX H100 rating", () => {
    const fraction = nodePowerW(h100, 256) / DGX_H100_RATED_W;
    expect(fraction).toBeGreaterThan(0.55);
    expect(fraction).toBeLessThan(0.75);
  });

  it("is idle GPUs + idle host + interconnect at n = 0, and its components sum to it", () => {
    expect(nodePowerW(h100, 0)).toBe(8 * h100.gpuIdleW + h100.hostIdleW + h100.interconnectW);
    for (const n of [0, 1, 8, 64, 256]) {
      const c = nodePowerComponentsW(h100, n);
      expect(c.gpuW + c.hostW + c.interconnectW).toBeCloseTo(nodePowerW(h100, n), 9);
    }
    expect(nodePowerComponentsW(h100, 1).hostW).toBe(h100.hostBusyW);
  });

  it("of the DeepSeek-R1 10-GPU equivalent is 1.25 x the 8-GPU node at full batch (12.8 / 10.2 kW)", () => {
    expect(r1Node.gpus).toBe(10);
    expect(Math.abs(nodePowerW(r1Node, 256) / nodePowerW(h100, 256) / 1.25 - 1)).toBeLessThan(0.01);
  });
});

describe("parseDurationS", () => {
  it.each([
    ["90m", 5400],
    ["24h", 86400],
    ["3600s", 3600],
    ["1.5h", 5400],
    ["5m", 300],
    ["2d", 172800],
    ["45", 45],
    [120, 120],
    [0, 0],
  ] as const)("%s -> %d s", (input, seconds) => {
    expect(parseDurationS(input)).toBe(seconds);
  });

  it.each(["", "5 minutes", "h", "-5m", "1.5.2h", "5w"])("rejects %j, naming it", (input) => {
    expect(() => parseDurationS(input)).toThrow(RangeError);
    expect(() => parseDurationS(input)).toThrow(`"${input}"`);
  });

  it("rejects negative and non-finite numbers", () => {
    expect(() => parseDurationS(-1)).toThrow(/-1/);
    expect(() => parseDurationS(Number.NaN)).toThrow(RangeError);
  });
});

describe("hardware profiles", () => {
  it("loads the shipped 8-GPU profile in camelCase with every value sourced", () => {
    expect(h100.gpus).toBe(8);
    expect(h100.gpuIdleW).toBe(110);
    expect(h100.wakeDelayS).toBe(300);
    expect(h100.tpsMultiplier).toBe(1);
    const sourced = ["gpu_idle_w", "gpu_active_w", "host_idle_w", "host_busy_w", "interconnect_w", "batch_half_speed", "prefill_tokens_per_s"];
    for (const key of sourced) expect(h100.sources[key]).toMatch(/\w{3}/);
  });

  it("resolves base: the 10-GPU profile inherits the GPU curve and keeps its own sources", () => {
    expect(r1Node.name).toBe("h100-sxm-10x-equiv");
    expect(r1Node.gpuActiveW).toEqual(h100.gpuActiveW);
    expect(r1Node.hostBusyW).toBe(1.25 * h100.hostBusyW);
    expect(r1Node.sources.host_busy_w).toMatch(/1\.25/);
    expect(r1Node.sources.gpu_idle_w).toBe(h100.sources.gpu_idle_w);
  });

  it("names the known profiles when a name is unknown", () => {
    expect(knownHardwareProfiles()).toEqual(expect.arrayContaining(["h100-sxm-8x", "h100-sxm-10x-equiv"]));
    expect(() => loadHardwareProfile("z900-sxm-8x")).toThrow(RangeError);
    expect(() => loadHardwareProfile("z900-sxm-8x")).toThrow(/z900-sxm-8x.*b200-8x, h100-sxm-10x-equiv, h100-sxm-8x, h200-sxm-8x/);
    expect(() => loadHardwareProfile("../data/h100-sxm-8x")).toThrow(/unknown hardware profile/);
  });

  it("applies snake_case overrides, a partial gpu_active_w, and drops the stale source", () => {
    const p = applyHardwareOverrides(h100, { gpu_idle_w: 90, host_busy_w: 2000, gpu_active_w: { high: 700 }, wake_delay: "90s" });
    expect(p.gpuIdleW).toBe(90);
    expect(p.hostBusyW).toBe(2000);
    expect(p.gpuActiveW).toEqual({ ...h100.gpuActiveW, highW: 700 });
    expect(p.wakeDelayS).toBe(90);
    expect(p.sources.gpu_idle_w).toBeUndefined();
    expect(p.sources.host_idle_w).toBe(h100.sources.host_idle_w);
    expect(nodePowerW(p, 0) - nodePowerW(h100, 0)).toBe(8 * (90 - 110));
    expect(h100.gpuIdleW).toBe(110); // the base is not mutated
  });

  it("throws a RangeError naming the key and the expected value on a bad override", () => {
    expect(() => applyHardwareOverrides(h100, { gpu_idel_w: 90 })).toThrow(/"gpu_idel_w" is unknown; expected one of: .*gpu_idle_w/);
    expect(() => applyHardwareOverrides(h100, { gpu_active_w: { mid: 6 } })).toThrow(/"gpu_active_w.mid" is unknown/);
    expect(() => applyHardwareOverrides(h100, { host_busy_w: "lots" })).toThrow(/"host_busy_w" must be a number of watts >= 0, got "lots"/);
    expect(() => applyHardwareOverrides(h100, { gpus: 7.5 })).toThrow(/"gpus" must be a positive integer/);
    expect(() => applyHardwareOverrides(h100, { wake_delay: "soon" })).toThrow(/"wake_delay" must be a duration/);
    expect(() => applyHardwareOverrides(h100, { gpu_active_w: { steepness: 0 } })).toThrow(RangeError);
  });
});
