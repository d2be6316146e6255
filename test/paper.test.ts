import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { lognormalFromP5P95, lognormalMean } from "../models/lognormal.ts";
import { runPaperEstimator, type PaperResult } from "../models/paper/estimator.ts";
import { inferwattInProcess } from "./cli-helpers.ts";

// Copied from the study's reproduction targets (paper-targets.json): the published abstracts and an
// independent re-implementation of the authors' code.
const targets = JSON.parse(readFileSync(new URL("./paper-targets.json", import.meta.url), "utf8"));
const within = (actual: number, expected: number, rel: number) =>
  expect(Math.abs(actual / expected - 1), `${actual} vs ${expected}`).toBeLessThanOrEqual(rel);

describe("inferwatt paper reproduces Oviedo et al.", () => {
  let joule: PaperResult;
  let v1: PaperResult;
  beforeAll(() => {
    joule = runPaperEstimator({ params: "joule" });
    v1 = runPaperEstimator({ params: "v1" });
  });

  it("joule: frontier blend median and IQR of traditional queries", () => {
    const t = targets.reproduced.joule.traditional;
    within(joule.per_query_wh.traditional.p50, t.p50, 0.03);
    within(joule.per_query_wh.traditional.p25, t.p25, 0.06);
    within(joule.per_query_wh.traditional.p75, t.p75, 0.06);
  });

  it("joule: test-time scaling median and IQR", () => {
    const t = targets.reproduced.joule.test_time_scaling;
    within(joule.per_query_wh.test_time_scaling.p50, t.p50, 0.03);
    within(joule.per_query_wh.test_time_scaling.p25, t.p25, 0.06);
    within(joule.per_query_wh.test_time_scaling.p75, t.p75, 0.06);
  });

  it("v1: medians of both regimes (0.34 Wh headline)", () => {
    within(v1.per_query_wh.traditional.p50, targets.reproduced.v1.traditional.p50, 0.03);
    within(v1.per_query_wh.test_time_scaling.p50, targets.reproduced.v1.test_time_scaling.p50, 0.03);
  });

  it("picks DeepSeek-R1, Llama 3.1 405B and Nemotron Ultra as the frontier blend", () => {
    expect(joule.frontier_models.traditional).toEqual(["DeepSeek-R1", "Llama 3.1 405B", "Llama-3.1 Nemotron Ultra 253B"]);
    expect(joule.frontier_models.test_time_scaling).toEqual(joule.frontier_models.traditional);
  });

  it("per-model medians within 5 % of the reproduced table", () => {
    for (const [model, t] of Object.entries(targets.reproduced.joule.per_model_p50) as [string, { traditional: number; test_time_scaling: number }][]) {
      within(joule.per_model[model].traditional.p50, t.traditional, 0.05);
      within(joule.per_model[model].test_time_scaling.p50, t.test_time_scaling, 0.05);
    }
  });

  it("fleet GWh/day for 1e9 queries: traditional, 10 % mix, improved mix", () => {
    const t = targets.reproduced.joule.fleet_gwh_per_day;
    within(joule.fleet_gwh_per_day.traditional, t.traditional, 0.05);
    within(joule.fleet_gwh_per_day.mix_10pct, t.mix_10pct, 0.05);
    within(joule.fleet_gwh_per_day.mix_10pct_improved, t.mix_10pct_improved, 0.08);
    within(joule.fleet_gwh_per_day.test_time_scaling, t.test_time_scaling, 0.05);
    within(joule.fleet_gwh_per_day.traditional_improved, t.traditional_improved, 0.08);
  });

  it("the mix is 0.9 traditional + 0.1 test-time scaling, replicate by replicate", () => {
    const f = joule.fleet_gwh_per_day_interval;
    expect(f.mix_10pct.p5).toBeLessThan(joule.fleet_gwh_per_day.mix_10pct);
    within(joule.fleet_gwh_per_day.mix_10pct, 0.9 * joule.fleet_gwh_per_day.traditional + 0.1 * joule.fleet_gwh_per_day.test_time_scaling, 0.01);
  });

  it("efficiency pathways: the blend divided by each lever", () => {
    const t = targets.reproduced.joule.efficiency_p50;
    within(joule.efficiency.model.p50, t.model, 0.05);
    within(joule.efficiency.serving.p50, t.serving, 0.05);
    within(joule.efficiency.hardware.p50, t.hardware, 0.05);
    // combined: median lever product is sqrt(1.5*10)*sqrt(1.5*5)*sqrt(1.5*2.5) = 20.5
    within(joule.efficiency.combined.p50, joule.per_query_wh.traditional.p50 / Math.sqrt(15 * 7.5 * 3.75), 0.1);
  });

  it("the published abstracts' figures, to the precision they are printed", () => {
    const p = targets.published.joule;
    expect(joule.per_query_wh.traditional.p50.toFixed(2)).toBe(p.traditional.p50.toFixed(2));
    expect(joule.fleet_gwh_per_day.traditional.toFixed(1)).toBe(p.fleet_gwh_per_day.traditional.toFixed(1));
    expect(joule.fleet_gwh_per_day.mix_10pct.toFixed(1)).toBe(p.fleet_gwh_per_day.mix_10pct.toFixed(1));
    expect(joule.fleet_gwh_per_day.mix_10pct_improved.toFixed(1)).toBe(p.fleet_gwh_per_day.mix_10pct_improved.toFixed(1));
    expect(v1.per_query_wh.traditional.p50.toFixed(2)).toBe(targets.published.v1.traditional.p50.toFixed(2));
  });
});

describe("paper sensitivity analyses", () => {
  it("5000 input tokens: Llama 405B and DeepSeek-R1 rise to ~2.5-3.4 Wh, Nemotron stays ~0.2 Wh", () => {
    const r = runPaperEstimator({ params: "joule", inputTokens: 5000, samples: 10_000, bootstrapResamples: 10 });
    within(r.per_model["Llama 3.1 405B"].traditional.p50, 2.49, 0.05);
    within(r.per_model["DeepSeek-R1"].traditional.p50, 3.42, 0.05);
    within(r.per_model["Llama-3.1 Nemotron Ultra 253B"].traditional.p50, 0.2, 0.05);
    within(r.per_query_wh.traditional.p50, 2.149, 0.05);
  });

  it("500 input tokens charged at 1/30 gives the table's 0.330 Wh", () => {
    const r = runPaperEstimator({ params: "joule", inputTokens: 500, bootstrapResamples: 10 });
    within(r.per_query_wh.traditional.p50, 0.33, 0.03);
  });

  it("power proportionality: Nemotron's constant TPS gives PU = 0.80 exactly", () => {
    const pp = runPaperEstimator({ params: "joule", powerProportional: true, bootstrapResamples: 10 });
    // Nemotron: E = PUE * 10.2 kW * 0.8 * L / 5200 / 3.6; PUE and L independent, so the mean is the product of means:
    // E[PUE] of the log-normal (1.05, 1.6), E[L] = 300 / ln 2.
    const meanPue = lognormalMean(lognormalFromP5P95(1.05, 1.6));
    const expected = (meanPue * 10.2 * 0.8 * (300 / Math.LN2)) / 5200 / 3.6;
    within(pp.per_model["Llama-3.1 Nemotron Ultra 253B"].traditional.mean, expected, 0.03);
  });
});

describe("inferwatt paper command", () => {
  const run = (...args: string[]) => inferwattInProcess("paper", ...args);

  it("--json prints the result object, same seed same numbers", async () => {
    const a = await run("--json", "--samples", "500", "--seed", "7");
    const b = await run("--json", "--samples", "500", "--seed", "7");
    expect(a.status).toBe(0);
    const ja = JSON.parse(a.stdout);
    expect(ja.params).toBe("joule");
    expect(ja.per_query_wh.traditional.p50).toBeGreaterThan(0.2);
    expect(Object.keys(ja.fleet_gwh_per_day)).toContain("mix_10pct_improved");
    expect(a.stdout).toBe(b.stdout);
    const c = JSON.parse((await run("--json", "--samples", "500", "--seed", "8")).stdout);
    expect(c.per_query_wh.traditional.p50).not.toBe(ja.per_query_wh.traditional.p50);
  });

  it.each([
    [["--params", "v3"], /--params: got "v3"; expected one of joule, v1/],
    [["--samples", "-1"], /--samples: got "-1"; expected a whole number/],
    [["--bogus"], /unknown option --bogus; expected one of --params, --samples/],
    [["--sample", "10"], /unknown option --sample \(did you mean --samples\?\)/],
    [["--seed"], /--seed: got nothing; expected a value after it/],
  ])("bad arguments %j: one line on stderr, exit 2", async (args, message) => {
    const r = await run(...args);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stdout).toBe("");
  });
});
