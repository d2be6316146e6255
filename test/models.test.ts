import { describe, expect, it } from "vitest";
import { lengthMean, lengthSampler } from "../models/lengths.ts";
import { lognormalFromP5P95, lognormalSampler } from "../models/lognormal.ts";
import { makeRng } from "../models/rng.ts";
import { percentileSorted, sortedCopy } from "../models/stats.ts";
import { paperTpsModels, predictTps, tpsModelByName } from "../models/throughput.ts";

describe("throughput regression", () => {
  // Coefficients an independent re-implementation of the paper's code got (paper-method.md).
  it.each([
    ["Llama 3.1 405B", 9.762, -0.585, 0.227, 4572.2],
    ["Llama 3.1 70B", 10.824, -0.562, 0.262, 17464.0],
    ["Mixtral 8x22B", 11.225, -0.553, 0.252, 25150.0],
    ["DeepSeek-R1", 10.559, -0.539, -0.005, 1300.0],
  ])("%s: b0 %d, b1 %d, b2 %d, cap %d", (name, b0, b1, b2, cap) => {
    const m = tpsModelByName(name);
    if (m.kind !== "regression") throw new Error("expected a regression");
    expect(m.b0).toBeCloseTo(b0, 2);
    expect(m.b1).toBeCloseTo(b1, 2);
    expect(m.b2).toBeCloseTo(b2, 2);
    expect(m.capTokensPerS).toBeCloseTo(cap, 0);
  });

  it("Nemotron Ultra has two rows: constant 5200 tokens/s", () => {
    expect(tpsModelByName("Llama-3.1 Nemotron Ultra 253B")).toEqual({ kind: "constant", tokensPerS: 5200 });
  });

  it("predictions follow the fit and stop at the cap", () => {
    const m = tpsModelByName("Llama 3.1 405B");
    // the rounded published coefficients agree to within 1 %
    const rounded = Math.exp(9.762 - 0.585 * Math.log(500) + 0.227 * Math.log(300));
    expect(Math.abs(predictTps(m, 500, 300) / rounded - 1)).toBeLessThan(0.01);
    expect(predictTps(m, 1, 1e6)).toBeCloseTo(4572.23, 2);
  });

  it("an unknown model's error lists the known ones", () => {
    expect(() => tpsModelByName("GPT-9")).toThrow(/unknown model "GPT-9"; known models: .*DeepSeek-R1/);
    expect(paperTpsModels().size).toBe(5);
  });
});

describe("log-normal from (P5, P95)", () => {
  it("median is sqrt(P5 P95), and the percentiles hit P5 and P95", () => {
    const { mu, sigma } = lognormalFromP5P95(0.4, 0.9);
    expect(Math.exp(mu)).toBeCloseTo(Math.sqrt(0.36), 12);
    expect(Math.exp(mu - 1.6448536269514722 * sigma)).toBeCloseTo(0.4, 12);
    expect(Math.exp(mu + 1.6448536269514722 * sigma)).toBeCloseTo(0.9, 12);
  });

  it("samples: empirical P5, median, P95 within 2 %", () => {
    const draw = lognormalSampler(makeRng(1, "test"), 1.05, 1.6);
    const s = sortedCopy(Array.from({ length: 100_000 }, draw));
    expect(percentileSorted(s, 5) / 1.05).toBeCloseTo(1, 1);
    expect(Math.abs(percentileSorted(s, 50) / Math.sqrt(1.05 * 1.6) - 1)).toBeLessThan(0.02);
    expect(Math.abs(percentileSorted(s, 95) / 1.6 - 1)).toBeLessThan(0.02);
  });

  it("rejects a bad range", () => {
    expect(() => lognormalFromP5P95(0, 1)).toThrow(RangeError);
    expect(() => lognormalFromP5P95(2, 1)).toThrow(/p5 <= p95/);
  });
});

describe("token length samplers", () => {
  it("exponential by median: half the draws fall below the median, mean = median / ln 2", () => {
    const draw = lengthSampler({ exponential: { median: 300 } }, makeRng(3, "len"));
    const xs = Array.from({ length: 100_000 }, draw);
    const below = xs.filter((x) => x < 300).length / xs.length;
    expect(Math.abs(below - 0.5)).toBeLessThan(0.01);
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(Math.abs(mean / (300 / Math.LN2) - 1)).toBeLessThan(0.01);
    expect(xs.every(Number.isInteger)).toBe(true);
  });

  it("fixed and log-normal lengths; analytic means", () => {
    expect(lengthSampler({ fixed: 500 }, makeRng(1, "x"))()).toBe(500);
    expect(lengthMean({ exponential: { median: 300 } })).toBeCloseTo(432.8, 1);
    const draw = lengthSampler({ lognormal: { p5: 100, p95: 900 } }, makeRng(4, "ln"));
    const xs = sortedCopy(Array.from({ length: 50_000 }, draw));
    expect(Math.abs(percentileSorted(xs, 50) / 300 - 1)).toBeLessThan(0.02);
  });

  it("rejects a median that is not positive", () => {
    expect(() => lengthSampler({ exponential: { median: 0 } }, makeRng(1, "x"))).toThrow(/invalid median/);
  });
});

describe("seeded determinism", () => {
  it("same seed and stream, same numbers; another stream or seed, others", () => {
    const a = Array.from({ length: 5 }, makeRng(42, "arrivals"));
    const b = Array.from({ length: 5 }, makeRng(42, "arrivals"));
    const c = Array.from({ length: 5 }, makeRng(42, "lengths"));
    const d = Array.from({ length: 5 }, makeRng(43, "arrivals"));
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    expect(a).not.toEqual(d);
  });
});
