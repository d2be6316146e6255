import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { mergeResults } from "../sim/engine/merge.ts";
import { Simulation } from "../sim/engine/simulation.ts";
import { buildSummary, type Summary } from "../sim/report/summary.ts";
import { loadScenario } from "../sim/scenario/load.ts";
import { shardProblem, shardScenario, streamName } from "../sim/scenario/shard.ts";
import type { Scenario } from "../sim/scenario/types.ts";
import { withoutTiming } from "./sim-helpers.ts";

const ROOT = new URL("..", import.meta.url);
const scenarioFile = (f: string) => new URL(`../scenarios/${f}`, import.meta.url).pathname;
const rel = (a: number, b: number) => Math.abs(a / b - 1);

/** The scenario run as `count` shards one after the other in this thread, merged as `--shards` merges them. */
function shardedSummary(s: Scenario, count: number): Summary {
  const results = Array.from({ length: count }, (_, i) => new Simulation(shardScenario(s, i, count)).runToEnd());
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

describe("a sharded run agrees with one simulation of the whole fleet", () => {
  // baseline.yaml's 4,082 nodes in three pools, ten simulated minutes after a two-minute warmup: about 6 million queries
  const s = loadScenario(scenarioFile("baseline.yaml"), { set: ["duration=12m", "warmup=2m"] });
  const whole = buildSummary(s, new Simulation(s).runToEnd(), { peakRssMb: 0 });

  it.each([2, 4])("%d shards: energy within 1 %, p99 latency within 5 %, every query counted once", (count) => {
    const sharded = shardedSummary(s, count);
    expect(whole.queries.arrived).toBeGreaterThan(5e6);
    expect(rel(sharded.energy.facility_wh, whole.energy.facility_wh)).toBeLessThan(0.01);
    expect(rel(sharded.per_query_wh.attributed.mean, whole.per_query_wh.attributed.mean)).toBeLessThan(0.01);
    expect(rel(sharded.latency_s.e2e.p99, whole.latency_s.e2e.p99)).toBeLessThan(0.05);
    expect(rel(sharded.latency_s.e2e.p50, whole.latency_s.e2e.p50)).toBeLessThan(0.05);
    // Poisson counts: the shards' arrivals add to the whole's within a few standard deviations
    expect(Math.abs(sharded.queries.arrived - whole.queries.arrived)).toBeLessThan(5 * Math.sqrt(whole.queries.arrived));
    // merged exactly: conservation and the ledger hold on the merged result as on a single one
    expect(sharded.queries.arrived).toBe(sharded.queries.completed + sharded.queries.in_flight);
    expect(rel(sharded.energy.ledger.attributed_wh + sharded.energy.ledger.idle_wh, sharded.energy.facility_wh)).toBeLessThan(1e-9);
    expect(sharded.fleet.nodes).toBe(whole.fleet.nodes);
    expect(sharded.sim.shards).toBe(count);
  });
});

describe("inferwatt run --shards", () => {
  const inferwatt = (...args: string[]) =>
    spawnSync(process.execPath, ["bin/inferwatt.js", ...args], { cwd: ROOT, encoding: "utf8", env: { ...process.env, CI: "true" } });
  const tmp = () => mkdtempSync(join(tmpdir(), "inferwatt-test-"));

  it("runs the shards in worker threads and writes what merging them in one thread gives", () => {
    const out = join(tmp(), "run");
    const r = inferwatt("run", "scenarios/small.yaml", "--no-tui", "--shards", "3", "--out", out, "--set", "duration=20m");
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const written = JSON.parse(readFileSync(join(out, "summary.json"), "utf8"));
    const expected = shardedSummary(loadScenario(scenarioFile("small.yaml"), { set: ["duration=20m"] }), 3);
    expect(withoutTiming(written)).toEqual(withoutTiming(expected));
    expect(written.sim.shards).toBe(3);
    expect(JSON.parse(readFileSync(join(out, "manifest.json"), "utf8")).shards).toBe(3);
    const ts = readFileSync(join(out, "timeseries.csv"), "utf8").trim().split("\n");
    expect(ts).toHaveLength(1 + 4);
  });

  it.each([
    [["scenarios/small.yaml", "--shards", "0"], /--shards: got "0"; expected a whole number >= 1/],
    [["scenarios/small.yaml", "--shards", "28"], /--shards 28: scenarios\/small\.yaml: pools\.0\.nodes \(llama-70b\): 27 nodes cannot be split into 28 shards/],
    [["scenarios/trace-conv.yaml", "--shards", "2"], /workload\.trace: a replayed trace cannot be split into shards/],
  ])("refuses %j with exit 2 and one line", (args, message) => {
    const r = inferwatt("run", ...args, "--no-tui", "--out", join(tmp(), "run"));
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
  });
});
