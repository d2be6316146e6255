import { describe, expect, it } from "vitest";
import { mergeResults } from "../../sim/engine/merge.ts";
import { simulate } from "../../sim/engine/simulation.ts";
import { buildSummary } from "../../sim/report/summary.ts";
import { shardScenario, shardStreams } from "../../sim/scenario/shard.ts";
import type { Scenario } from "../../sim/scenario/types.ts";
import { expectConserved } from "../conservation.ts";
import { scenarioFile } from "../sim-helpers.ts";

// npm run test:long: a sharded run against one simulation of the whole fleet, at the size sharding is
// meant for (millions of queries; about half a minute each on a 2-core machine).

const rel = (a: number, b: number) => Math.abs(a / b - 1);
const loadScenario = (f: string, opts: { set: string[] }) => scenarioFile(f, opts.set);
const shipped = (f: string) => `scenarios/${f}`;

/**
 * The scenario run as `count` shards one after the other in this thread, merged as `--shards` merges
 * them (as test/sharding.test.ts's shardedSummary: a shard must be simulated as its worker does).
 */
function shardedRun(s: Scenario, count: number) {
  const result = mergeResults(Array.from({ length: count }, (_, i) => {
    const shard = shardScenario(s, i, count);
    return simulate(shard, { streams: shardStreams(shard) });
  }));
  return { summary: buildSummary(s, result, { peakRssMb: 0, shards: count }), result };
}

describe("a sharded run agrees with one simulation of the whole fleet", () => {
  // baseline.yaml's 4,082 nodes in three pools, ten simulated minutes after a two-minute warmup: about 6 million queries
  const s = loadScenario(shipped("baseline.yaml"), { set: ["duration=12m", "warmup=2m"] });
  const whole = buildSummary(s, simulate(s), { peakRssMb: 0 });

  it.each([2, 4])("%d shards: energy within 1 %, p99 latency within 5 %, every query counted once", (count) => {
    const { summary: sharded, result } = shardedRun(s, count);
    expect(whole.queries.arrived).toBeGreaterThan(5e6);
    expect(rel(sharded.energy.facility_wh, whole.energy.facility_wh)).toBeLessThan(0.01);
    expect(rel(sharded.per_query_wh.attributed.mean, whole.per_query_wh.attributed.mean)).toBeLessThan(0.01);
    expect(rel(sharded.latency_s.e2e.p99, whole.latency_s.e2e.p99)).toBeLessThan(0.05);
    expect(rel(sharded.latency_s.e2e.p50, whole.latency_s.e2e.p50)).toBeLessThan(0.05);
    // Poisson counts: the shards' arrivals add to the whole's within a few standard deviations
    expect(Math.abs(sharded.queries.arrived - whole.queries.arrived)).toBeLessThan(5 * Math.sqrt(whole.queries.arrived));
    // merged exactly: the counts, the ledger, power x node-hours and the time series hold on the merged result as on a single one
    expectConserved(sharded, result, s);
    expect(sharded.fleet.nodes).toBe(whole.fleet.nodes);
    expect(sharded.sim.shards).toBe(count);
  });
});

describe("a sharded autoscaled fleet agrees with one simulation", () => {
  it("baseline-autoscaled at a fifth of its traffic (about 490 of 4,082 nodes on): 2 shards within 1 % on energy, 5 % on p99", () => {
    const s = loadScenario(shipped("baseline-autoscaled.yaml"), { set: ["duration=70m", "warmup=10m", "workload.queries_per_day=2e8"] });
    const whole = buildSummary(s, simulate(s), { peakRssMb: 0 });
    const { summary: sharded, result } = shardedRun(s, 2);
    expectConserved(sharded, result, s);
    expect(whole.fleet.nodes_parked_mean).toBeGreaterThan(3000);
    expect(rel(sharded.energy.facility_wh, whole.energy.facility_wh)).toBeLessThan(0.01);
    expect(rel(sharded.latency_s.e2e.p99, whole.latency_s.e2e.p99)).toBeLessThan(0.05);
    // each shard rounds its target up: at most one node more on, plus the autoscaler's own noise
    expect(Math.abs(sharded.fleet.nodes_on_mean - whole.fleet.nodes_on_mean)).toBeLessThan(5);
    expect(sharded.fleet.nodes_on_mean + sharded.fleet.nodes_parked_mean + sharded.fleet.nodes_waking_mean).toBeCloseTo(4082, 6);
  });
});

