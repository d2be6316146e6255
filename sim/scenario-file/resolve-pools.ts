import { didYouMean } from "./did-you-mean.ts";
import { gotExpected, type Problem } from "../scenario/errors.ts";
import { sizePhysicalPool } from "../fleet/physical-sizing.ts";
import { hardwareBaseName, resolveHardware } from "./resolve-hardware.ts";
import { resolveModel } from "./resolve-model.ts";
import { checkNotPhysical, isPhysicalModel, resolvePhysicalNode } from "./resolve-physical.ts";
import { seconds } from "./seconds.ts";
import type { RawPool } from "./schema.ts";
import type { Pool, QueryClass } from "../scenario/types.ts";
import type { TpsModel } from "../../models/throughput.ts";

const SHARE_TOLERANCE = 1e-6;

/** The pools with models and hardware looked up and each class's share spelled out. */
export function resolvePools(raw: readonly RawPool[], classes: readonly QueryClass[], dir: string, problems: Problem[]): Pool[] {
  const classNames = classes.map((c) => c.name);
  const pools = raw.map((p, i): Pool | undefined => {
    const path = `pools.${i}`;
    if (raw.findIndex((q) => q.name === p.name) < i) problems.push({ path: `${path}.name`, message: gotExpected(p.name, "a name no other pool has") });
    const hardware = resolveHardware(p.hardware, `${path}.hardware`, dir, problems);
    const classShares = resolveShares(p.share, raw.length, classNames, `${path}.share`, problems);
    if (isPhysicalModel(p.model)) {
      const physical = resolvePhysicalNode({ ...p, model: p.model }, hardware, hardware && hardwareBaseName(p.hardware, dir), path, problems);
      if (!physical || !hardware || !classShares) return undefined;
      const tps = physicalTps(physical, p.max_batch, classes, classShares, path, problems);
      if (!tps) return undefined;
      // tps is the node model's own throughput on this GPU: the profile's tps_multiplier (the paper's H100
      // regression scaled to other hardware) does not apply, so work = L_out / tps wherever it is computed
      const own = { ...hardware, tpsMultiplier: 1, sources: { ...hardware.sources, tps_multiplier: "1: a pool on the physical node has its own throughput (model: { architecture })" } };
      return { name: p.name, modelName: physical.architecture, tps, hardware: own, classShares, maxBatch: p.max_batch, router: p.router, nodes: p.nodes!, physical };
    }
    checkNotPhysical(p, path, problems);
    const model = resolveModel(p.model, `${path}.model`, problems);
    if (!model || !hardware || !classShares) return undefined;
    return {
      name: p.name,
      modelName: model.name,
      tps: model.tps,
      hardware: p.batch_half_speed === undefined ? hardware : { ...hardware, batchHalfSpeed: p.batch_half_speed },
      classShares,
      maxBatch: p.max_batch,
      router: p.router,
      ...resolveNodes(p, hardware.wakeDelayS, path, problems),
    };
  });
  const resolved = pools.filter((p): p is Pool => p !== undefined);
  if (resolved.length === raw.length) checkShareSums(resolved, classNames, problems);
  return resolved;
}

/**
 * A physical pool's `tps`, for what reads work as the paper's L_out / TPS (sizing, offered work): the
 * constant mean L_out / (node-seconds per query at the memory-limited full batch B*, prefill included;
 * sim/fleet/physical-sizing.ts), so that E[L_out] / TPS is the node time the mean query of the pool's
 * class mix takes. A problem when not one mean query's KV reservation fits beside the weights.
 */
function physicalTps(
  physical: NonNullable<Pool["physical"]>,
  maxBatch: number,
  classes: readonly QueryClass[],
  classShares: Readonly<Record<string, number>>,
  path: string,
  problems: Problem[],
): TpsModel | undefined {
  const sizing = sizePhysicalPool(physical, maxBatch, classes, classShares);
  if (sizing.batch >= 1) return { kind: "constant", tokensPerS: sizing.outputTokensPerS };
  problems.push({
    path: `${path}.model`,
    message: gotExpected(
      physical.architecture,
      `a model whose KV cache holds at least one query: the node keeps ${sizing.kvCapacityTokens} tokens of KV cache beside the weights, ` +
        `and a query of this pool reserves ${Math.round(sizing.reservationTokens)} (input + output tokens) on average`,
    ),
  });
  return undefined;
}

/** A fixed pool's node count, or an autoscaled pool's physical size and rule. */
function resolveNodes(p: RawPool, profileWakeDelayS: number, path: string, problems: Problem[]): Pick<Pool, "nodes" | "autoscale"> {
  const a = p.autoscale;
  // the schema made sure there is a node count or autoscale.max
  if (!a) return { nodes: p.nodes! };
  const nodes = (p.nodes ?? a.max)!;
  const max = a.max ?? nodes;
  if (max > nodes) problems.push({ path: `${path}.autoscale.max`, message: gotExpected(max, `at most the pool's ${nodes} nodes`) });
  if (a.min > max) problems.push({ path: `${path}.autoscale.min`, message: gotExpected(a.min, `at most autoscale.max (${max})`) });
  const intervalS = seconds(a.interval, `${path}.autoscale.interval`, problems, true);
  const wakeDelayS = a.wake_delay === undefined ? profileWakeDelayS : seconds(a.wake_delay, `${path}.autoscale.wake_delay`, problems, false);
  return {
    nodes,
    autoscale: { targetUtilization: a.target_utilization, reserve: a.reserve, min: a.min, max, intervalS, wakeDelayS },
  };
}

function resolveShares(
  raw: RawPool["share"],
  poolCount: number,
  classNames: readonly string[],
  path: string,
  problems: Problem[],
): Record<string, number> | undefined {
  if (raw === undefined && poolCount > 1) {
    problems.push({ path, message: gotExpected(undefined, "a share (required when there are several pools)") });
    return undefined;
  }
  if (raw === undefined || typeof raw === "number") return Object.fromEntries(classNames.map((c) => [c, raw ?? 1]));
  const unknown = Object.keys(raw).filter((c) => !classNames.includes(c));
  for (const c of unknown) {
    const guess = didYouMean(c, classNames);
    const hint = guess ? ` (did you mean "${guess}"?)` : "";
    problems.push({ path: `${path}.${c}`, message: `got unknown class "${c}"${hint}; expected one of ${classNames.join(", ")}` });
  }
  return unknown.length > 0 ? undefined : Object.fromEntries(classNames.map((c) => [c, raw[c] ?? 0]));
}

/** Every query of every class goes somewhere: a class's shares over the pools sum to 1. */
function checkShareSums(pools: readonly Pool[], classNames: readonly string[], problems: Problem[]): void {
  for (const c of classNames) {
    const sum = pools.reduce((s, p) => s + p.classShares[c], 0);
    if (Math.abs(sum - 1) > SHARE_TOLERANCE) {
      const terms = pools.map((p) => `${p.name} ${p.classShares[c]}`).join(" + ");
      problems.push({ path: "pools", message: `got shares of class "${c}" summing to ${sum} (${terms}); expected a sum of 1` });
    }
  }
}
