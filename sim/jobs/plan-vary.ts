import { batchSpeed } from "../../models/batching.ts";
import { sizePhysicalPool } from "../fleet/physical-sizing.ts";
import { UsageError } from "../scenario/errors.ts";
import type { Pool } from "../scenario/types.ts";
import type { PlanBase } from "./plan-scenarios.ts";

type Tree = Record<string, unknown>;

/** The keys `inferwatt plan --vary` chooses besides the node count. */
export const VARY_KEYS = ["max_batch", "autoscale.target_utilization"] as const;
export type VaryKey = (typeof VARY_KEYS)[number];

/** Values given for a key, "default" for the documented set, null: the key is not varied. */
export interface Vary {
  readonly maxBatch: readonly number[] | "default" | null;
  readonly targetUtilization: readonly number[] | "default" | null;
}

export const NO_VARY: Vary = { maxBatch: null, targetUtilization: null };

/**
 * --vary max_batch without values: the pool's own max_batch and the powers of two below it down to 16.
 * Powers of two because latency and energy move with log(batch) (step time t(B) = t0 + t1 B, power
 * logistic in log2 B, models/power.ts); not below 16 because the node's speed there is at most
 * 16 (b + C) / (C (b + 16)) of its full-batch speed (0.19 on the shipped H100 profile, b = 104, C = 256),
 * so each query's energy rises several-fold for a latency gain a few more nodes at the full batch buy
 * cheaper; not above the pool's own because that is the serving engine's configured cap (and on the
 * regression, TPS beyond it is an extrapolation of t(B)).
 */
export const MIN_DEFAULT_BATCH = 16;

/**
 * --vary autoscale.target_utilization without values: 0.5-0.9 in steps of 0.1, the paper's assumed
 * utilization band (0.4-0.9) without its bottom, where an autoscaled fleet keeps more than twice the
 * nodes its work needs on.
 */
export const DEFAULT_TARGET_UTILIZATIONS = [0.5, 0.6, 0.7, 0.8, 0.9] as const;

const EXPECTED = `expected ${VARY_KEYS.map((k) => `${k}[=v1,v2,...]`).join(" or ")}, e.g. --vary max_batch=64,128,256 or --vary autoscale.target_utilization`;

/** The --vary flags (each once): a UsageError naming the flag when a key or a value is wrong. */
export function parseVary(texts: readonly string[]): Vary {
  let maxBatch: Vary["maxBatch"] = null;
  let targetUtilization: Vary["targetUtilization"] = null;
  for (const text of texts) {
    const m = /^([a-z_.]+)(?:=(.*))?$/.exec(text.trim());
    const key = m?.[1] as VaryKey | undefined;
    if (!m || !VARY_KEYS.includes(key!)) throw new UsageError(`--vary: got "${text}"; ${EXPECTED}`);
    const list = m[2] === undefined ? "default" : m[2].split(",").map((v) => v.trim());
    const bad = (v: string, want: string) => new UsageError(`--vary ${text}: got "${v}"; expected ${want}, comma-separated (or no "=" for the default set)`);
    if (key === "max_batch") {
      if (maxBatch !== null) throw new UsageError(`--vary max_batch: given twice; expected it once, with every value: --vary max_batch=v1,v2,...`);
      maxBatch = list === "default" ? list : list.map((v) => (/^\d+$/.test(v) && Number(v) >= 1 && Number(v) <= 1_000_000 ? Number(v) : bad2(bad(v, "whole numbers from 1 to 1,000,000"))));
    } else {
      if (targetUtilization !== null) throw new UsageError(`--vary autoscale.target_utilization: given twice; expected it once, with every value`);
      targetUtilization = list === "default" ? list : list.map((v) => (v !== "" && Number(v) > 0 && Number(v) <= 1 ? Number(v) : bad2(bad(v, "numbers in (0, 1]"))));
    }
  }
  return { maxBatch, targetUtilization };
}

const bad2 = (e: Error): never => {
  throw e;
};

/** One configuration of a pool besides its node count: what planned.yaml writes for it. */
export interface Variant {
  readonly maxBatch: number;
  /** The autoscaler's target; null for a fixed pool. */
  readonly targetUtilization: number | null;
  /** Keys merged into the pool's YAML (empty for the pool as the file has it). */
  readonly patch: Tree;
  /** "max_batch 64, target_utilization 0.7", or "" when nothing is varied. */
  readonly label: string;
}

/**
 * Every pool's variants: the cross product of the values of the keys varied (a key not varied, or not
 * applying to the pool, at the pool's own value), the pool's own configuration first. UsageError: a key
 * varied that applies to no pool, or a pool it cannot be varied on.
 */
export function poolVariants(base: PlanBase, vary: Vary): Variant[][] {
  const s = base.scenario;
  if (vary.targetUtilization !== null && !s.pools.some((p) => p.autoscale))
    throw new UsageError(`--vary autoscale.target_utilization: no pool of ${base.file} has an autoscale block; expected at least one autoscaled pool (pools.<name>.autoscale)`);
  const rawPools = base.tree.pools as Tree[];
  return s.pools.map((pool, i) => {
    const batches = vary.maxBatch === null ? [pool.maxBatch] : batchCandidates(base, pool, vary.maxBatch);
    const targets = pool.autoscale ? (vary.targetUtilization === null ? [pool.autoscale.targetUtilization] : unique(vary.targetUtilization === "default" ? [...DEFAULT_TARGET_UTILIZATIONS] : vary.targetUtilization)) : [null];
    if (batches.some((c) => c !== pool.maxBatch) && !pool.physical && typeof rawPools[i].hardware === "object" && !("base" in (rawPools[i].hardware as Tree)))
      throw new UsageError(
        `--vary max_batch: pools.${pool.name}.hardware is a file; expected the profile by name or { base, ... } (the plan rescales the pool's tps_multiplier with the batch, see docs/command-line.md#inferwatt-plan)`,
      );
    return batches.flatMap((c) => targets.map((u) => variant(rawPools[i], pool, c, u, vary)));
  });
}

function batchCandidates(base: PlanBase, pool: Pool, values: readonly number[] | "default"): number[] {
  if (values !== "default") return unique(values);
  // the KV memory caps a physical pool's batch: values above what it holds add nothing beyond the pool's own
  const cap = pool.physical ? Math.min(pool.maxBatch, sizePhysicalPool(pool.physical, pool.maxBatch, base.scenario.workload.classes, pool.classShares).memoryBatch) : pool.maxBatch;
  const out = [pool.maxBatch];
  for (let c = 2 ** Math.ceil(Math.log2(cap)) / 2; c >= MIN_DEFAULT_BATCH; c /= 2) if (c < cap) out.push(c);
  return unique(out);
}

const unique = <T>(xs: readonly T[]) => [...new Set(xs)];

/**
 * A pool at max_batch C and target u. On the paper's regression the node's throughput at full batch is
 * TPS at the pool's own max_batch C0; at a cap C the engine would give the node TPS at C queries, so the
 * plan scales tps_multiplier by h(C) = C (b + C0) / (C0 (b + C)) (models/batching.ts): the node's speed
 * with n queries is then TPS h_C0(n) for every n <= C, as the step time t(B) = t0 + t1 B says; capping the
 * batch invents no throughput. The physical node models the batch itself.
 */
function variant(raw: Tree, pool: Pool, maxBatch: number, u: number | null, vary: Vary): Variant {
  const patch: Tree = {};
  if (maxBatch !== pool.maxBatch) {
    patch.max_batch = maxBatch;
    if (!pool.physical) {
      const tpsMultiplier = pool.hardware.tpsMultiplier * batchSpeed(maxBatch, pool.maxBatch, pool.hardware.batchHalfSpeed);
      patch.hardware = typeof raw.hardware === "string" ? { base: raw.hardware, tps_multiplier: tpsMultiplier } : { ...(raw.hardware as Tree), tps_multiplier: tpsMultiplier };
    }
  }
  if (u !== null && u !== pool.autoscale!.targetUtilization) patch.autoscale = { ...(raw.autoscale as Tree), target_utilization: u };
  const label = [
    ...(vary.maxBatch !== null ? [`max_batch ${maxBatch}`] : []),
    ...(vary.targetUtilization !== null && u !== null ? [`target_utilization ${u}`] : []),
  ].join(", ");
  return { maxBatch, targetUtilization: u, patch, label };
}
