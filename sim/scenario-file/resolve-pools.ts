import { didYouMean } from "./did-you-mean.ts";
import { gotExpected, type Problem } from "../scenario/errors.ts";
import { resolveHardware } from "./resolve-hardware.ts";
import { resolveModel } from "./resolve-model.ts";
import { seconds } from "./seconds.ts";
import type { RawPool } from "./schema.ts";
import type { Pool } from "../scenario/types.ts";

const SHARE_TOLERANCE = 1e-6;

/** The pools with models and hardware looked up and each class's share spelled out. */
export function resolvePools(raw: readonly RawPool[], classNames: readonly string[], dir: string, problems: Problem[]): Pool[] {
  const pools = raw.map((p, i): Pool | undefined => {
    const path = `pools.${i}`;
    if (raw.findIndex((q) => q.name === p.name) < i) problems.push({ path: `${path}.name`, message: gotExpected(p.name, "a name no other pool has") });
    const model = resolveModel(p.model, `${path}.model`, problems);
    const hardware = resolveHardware(p.hardware, `${path}.hardware`, dir, problems);
    const classShares = resolveShares(p.share, raw.length, classNames, `${path}.share`, problems);
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
