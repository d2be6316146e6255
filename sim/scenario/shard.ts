import { makeRng, type StreamFactory } from "../../models/rng.ts";
import type { Pool, Scenario } from "./types.ts";

/** Shard `index` (0-based) of `count`: this scenario is that share of a larger one. */
export interface ShardOf {
  readonly index: number;
  readonly count: number;
}

/** Most shards a run may be split into. */
export const MAX_SHARDS = 64;

/**
 * Why the scenario cannot be split into `count` shards (one line naming the key), or null when it can.
 * Every pool needs at least one node per shard, and a replayed trace is one stream of queries that
 * cannot be dealt out without changing what each shard sees.
 */
export function shardProblem(s: Scenario, count: number): string | null {
  if (count === 1) return null;
  if (s.workload.trace) return `workload.trace: a replayed trace cannot be split into shards; run it with --shards 1`;
  for (const [i, p] of s.pools.entries()) {
    const nodes = p.autoscale ? p.autoscale.max : p.nodes;
    if (nodes < count) return `pools.${i}.nodes (${p.name}): ${nodes} nodes cannot be split into ${count} shards; use at most --shards ${nodes}`;
  }
  return null;
}

/**
 * Shard `index` of `count`: every pool keeps floor(n / count) of its n nodes (the first n mod count
 * shards one more), its autoscaler's min and max split the same way (but a min of at least 1 stays at
 * least 1 in every shard), and the shard receives 1 / count of the arrivals (a Poisson process split
 * in count independent ones). Its random streams are its own. Routing then happens within the shard:
 * a query only ever sees the nodes of its shard, and each shard's autoscaler rounds its own target up.
 */
export function shardScenario(s: Scenario, index: number, count: number): Scenario {
  const problem = shardProblem(s, count);
  if (problem) throw new Error(problem);
  if (count === 1) return s;
  const part = (n: number) => Math.floor(n / count) + (index < n % count ? 1 : 0);
  const pools: Pool[] = s.pools.map((p) => ({
    ...p,
    nodes: part(p.nodes),
    // a pool that keeps at least one node on keeps one in every shard (so up to count - 1 more in all)
    ...(p.autoscale ? { autoscale: { ...p.autoscale, min: p.autoscale.min > 0 ? Math.max(1, part(p.autoscale.min)) : 0, max: part(p.autoscale.max) } } : {}),
  }));
  return {
    ...s,
    pools,
    workload: { ...s.workload, queriesPerDay: s.workload.queriesPerDay / count },
    shard: { index, count },
  };
}

/** The name of a random stream in this scenario: a shard's streams differ from every other shard's. */
export function streamName(s: Scenario, name: string): string {
  return s.shard ? `${name}/shard ${s.shard.index + 1} of ${s.shard.count}` : name;
}

/** The random streams of a scenario that may be a shard: each shard draws from streams of its own. */
export function shardStreams(s: Scenario): StreamFactory {
  return (name) => makeRng(s.seed, streamName(s, name));
}
