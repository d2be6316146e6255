import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { mergeProgress, mergeResults } from "../sim/engine/merge.ts";
import type { SimProgress } from "../sim/engine/result.ts";
import { simulate, type RunOptions } from "../sim/engine/simulation.ts";
import { buildSummary, type Summary } from "../sim/report/summary.ts";
import { loadScenario } from "../sim/scenario-file/load.ts";
import { shardProblem, shardScenario, shardStreams, streamName } from "../sim/scenario/shard.ts";
import type { Scenario } from "../sim/scenario/types.ts";
import { inferwattInProcess, interruptAfterProgress } from "./cli-helpers.ts";
import { expectConserved } from "./conservation.ts";
import { withoutTiming } from "./sim-helpers.ts";

/** A shard simulated as its worker does: its own random streams, histograms in its progress. */
const simulateShard = (sh: Scenario, options: RunOptions = {}) => simulate(sh, { ...options, streams: shardStreams(sh), progressHistograms: true });

const ROOT = new URL("..", import.meta.url);
const scenarioFile = (f: string) => new URL(`../scenarios/${f}`, import.meta.url).pathname;
const rel = (a: number, b: number) => Math.abs(a / b - 1);

/** The scenario run as `count` shards one after the other in this thread, merged as `--shards` merges them. */
function shardedSummary(s: Scenario, count: number): Summary {
  const results = Array.from({ length: count }, (_, i) => simulateShard(shardScenario(s, i, count)));
  return buildSummary(s, mergeResults(results), { peakRssMb: 0, shards: count });
}

describe("splitting a scenario into shards", () => {
  const s = loadScenario(scenarioFile("baseline-autoscaled.yaml"));

  it("every pool's nodes and autoscaler bounds are dealt out whole, and the arrivals split evenly", () => {
    const shards = [0, 1, 2].map((i) => shardScenario(s, i, 3));
    s.pools.forEach((p, k) => {
      expect(shards.reduce((n, sh) => n + sh.pools[k].nodes, 0)).toBe(p.nodes);
      expect(shards.reduce((n, sh) => n + sh.pools[k].autoscale!.min, 0)).toBe(p.autoscale!.min);
      expect(shards.reduce((n, sh) => n + sh.pools[k].autoscale!.max, 0)).toBe(p.autoscale!.max);
      const sizes = shards.map((sh) => sh.pools[k].nodes);
      expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    });
    for (const sh of shards) expect(sh.workload.queriesPerDay).toBeCloseTo(s.workload.queriesPerDay / 3, 6);
    // each shard draws from random streams of its own; one shard is the scenario itself
    expect(new Set(shards.map((sh) => streamName(sh, "arrivals"))).size).toBe(3);
    expect(shardScenario(s, 0, 1)).toBe(s);
    expect(streamName(s, "arrivals")).toBe("arrivals");
  });

  it("refuses a pool with fewer nodes than shards, and a replayed trace, naming the key", () => {
    const small = loadScenario(scenarioFile("small.yaml"));
    expect(shardProblem(small, 27)).toBeNull();
    expect(shardProblem(small, 28)).toMatch(/^pools\.0\.nodes \(llama-70b\): 27 nodes cannot be split into 28 shards/);
    expect(shardProblem(loadScenario(scenarioFile("trace-conv.yaml")), 2)).toMatch(/^workload\.trace: /);
  });
});

describe("merging results", () => {
  const s = loadScenario(scenarioFile("small.yaml"), { set: ["duration=30m"] });
  const r = simulate(s);

  it("one result merges into itself; the same result twice doubles every count and energy and keeps the quantiles", () => {
    const one = buildSummary(s, mergeResults([r]), { peakRssMb: 0 });
    expect(withoutTiming(one)).toEqual(withoutTiming(buildSummary(s, r, { peakRssMb: 0 })));
    const twice = mergeResults([r, r]);
    expect(twice.arrived).toBe(2 * r.arrived);
    expect(twice.attributedWh).toBe(2 * r.attributedWh);
    expect(twice.pools[0].gpuBusyWh).toBe(2 * r.pools[0].gpuBusyWh);
    expect(twice.pools[0].nodes).toBe(2 * r.pools[0].nodes);
    expect(twice.timeseries).toHaveLength(r.timeseries.length);
    expect(twice.timeseries[2].arrivals).toBe(2 * r.timeseries[2].arrivals);
    expect(twice.timeseries[2].tS).toBe(r.timeseries[2].tS);
    expect(twice.simulatedS).toBe(r.simulatedS);
    for (const [i, c] of r.classes.entries()) {
      expect(twice.classes[i].e2eS.count).toBe(2 * c.e2eS.count);
      expect(twice.classes[i].e2eS.quantile(0.99)).toBe(c.e2eS.quantile(0.99));
      expect(twice.classes[i].energyWh.mean()).toBeCloseTo(c.energyWh.mean(), 12);
    }
  });

  it("each shard draws its own queries", () => {
    const [a, b] = [0, 1].map((i) => simulateShard(shardScenario(s, i, 2)));
    expect(a.arrived).not.toBe(b.arrived);
    expect(a.classes[0].e2eS.sum).not.toBe(b.classes[0].e2eS.sum);
  });
});

describe("the live view of a sharded run", () => {
  it("merges the shards' progress: counts and power add, the clock is the slowest shard's, quantiles of all queries", () => {
    const s = loadScenario(scenarioFile("small.yaml"), { set: ["duration=1h"] });
    // shard 0 stops at its first 5-minute tick, shard 1 at its third (snapshots between ticks are skipped)
    const snapshot = (index: number, stopAt: number): SimProgress => {
      const seen: SimProgress[] = [];
      simulateShard(shardScenario(s, index, 2), {
        progressEveryS: 0,
        now: () => 0,
        onProgress: (p) => (p.simS % 300 === 0 && seen.push(p) === stopAt ? "stop" : undefined),
      });
      return seen[stopAt - 1];
    };
    const parts = [snapshot(0, 1), snapshot(1, 3)];
    const merged = mergeProgress(parts);
    expect(merged.simS).toBe(300);
    expect(parts[1].simS).toBe(900);
    expect(merged.arrived).toBe(parts[0].arrived + parts[1].arrived);
    expect(merged.powerW).toBeCloseTo(parts[0].powerW + parts[1].powerW, 6);
    expect(merged.pools[0].nodes).toBe(s.pools[0].nodes);
    expect(merged.pools[0].maxBatch).toBe(s.pools[0].maxBatch);
    const completed = parts.map((p) => p.histograms!.energyWh.count);
    const pooledMean = (parts[0].whPerQueryMean * completed[0] + parts[1].whPerQueryMean * completed[1]) / (completed[0] + completed[1]);
    expect(merged.whPerQueryMean).toBeCloseTo(pooledMean, 12);
    expect(merged.e2eP99S).toBeGreaterThanOrEqual(Math.min(parts[0].e2eP99S, parts[1].e2eP99S));
    expect(merged.e2eP99S).toBeLessThanOrEqual(Math.max(parts[0].e2eP99S, parts[1].e2eP99S));
    expect(merged.facilityMwSeries).toHaveLength(1);
    expect(merged.facilityMwSeries[0]).toBeCloseTo(parts[0].facilityMwSeries[0] + parts[1].facilityMwSeries[0], 9);
  });
});

describe("inferwatt run --shards", () => {
  const tmp = () => mkdtempSync(join(tmpdir(), "inferwatt-test-"));

  it("runs the shards in worker threads and writes what merging them in one thread gives", async () => {
    const out = join(tmp(), "run");
    // two shards of small.yaml's 27 nodes: 14 and 13
    const r = await inferwattInProcess("run", "scenarios/small.yaml", "--no-tui", "--shards", "2", "--out", out, "--set", "duration=20m");
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const written = JSON.parse(readFileSync(join(out, "summary.json"), "utf8"));
    const expected = shardedSummary(loadScenario(scenarioFile("small.yaml"), { set: ["duration=20m"] }), 2);
    expect(withoutTiming(written)).toEqual(withoutTiming(expected));
    expect(written.sim.shards).toBe(2);
    expect(JSON.parse(readFileSync(join(out, "manifest.json"), "utf8")).shards).toBe(2);
    const ts = readFileSync(join(out, "timeseries.csv"), "utf8").trim().split("\n");
    expect(ts).toHaveLength(1 + 4);
  });

  it("SIGTERM: every shard stops and writes its part; the merged results are marked incomplete, exit 130", async () => {
    const out = join(tmp(), "run");
    const { code } = await interruptAfterProgress(["run", "scenarios/small.yaml", "--shards", "2", "--out", out, "--set", "duration=24h"], "SIGTERM");
    expect(code).toBe(130);
    expect(JSON.parse(readFileSync(join(out, "manifest.json"), "utf8")).incomplete).toBe(true);
    const summary = JSON.parse(readFileSync(join(out, "summary.json"), "utf8"));
    expect(summary.state).toBe("interrupted");
    expect(summary.sim.shards).toBe(2);
    expect(summary.simulated_s).toBeGreaterThan(0);
    expect(summary.simulated_s).toBeLessThan(86_400);
    expectConserved(summary, undefined, loadScenario(scenarioFile("small.yaml"), { set: ["duration=24h"] }));
    // the time series ends at the last interval both shards finished
    const rows = readFileSync(join(out, "timeseries.csv"), "utf8").trim().split("\n");
    const lastS = rows.length > 1 ? Number(rows.at(-1)!.split(",")[0]) : 0;
    expect(lastS % 300).toBe(0);
    expect(lastS).toBeLessThanOrEqual(summary.simulated_s);
  });

  it.each([
    [["scenarios/small.yaml", "--shards", "0"], /--shards: got "0"; expected a whole number >= 1/],
    [["scenarios/small.yaml", "--shards", "28"], /--shards 28: scenarios\/small\.yaml: pools\.0\.nodes \(llama-70b\): 27 nodes cannot be split into 28 shards/],
    [["scenarios/trace-conv.yaml", "--shards", "2"], /workload\.trace: a replayed trace cannot be split into shards/],
    [["scenarios/small.yaml", "--no-tiu"], /unknown option --no-tiu \(did you mean --no-tui\?\)/],
    [["scenarios/small.yaml", "--shard", "2"], /unknown option --shard \(did you mean --shards\?\); expected one of --out, --seed, --set, --no-tui, --verbose, --force, --shards/],
  ])("refuses %j with exit 2 and one line", async (args, message) => {
    const r = await inferwattInProcess("run", ...args, "--no-tui", "--out", join(tmp(), "run"));
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
  });
});
