import { readFileSync } from "node:fs";
import { stringify } from "yaml";
import { applySet } from "../scenario-file/set.ts";
import { loadScenario, scenarioFromTree } from "../scenario-file/load.ts";
import { parseYamlText } from "../scenario-file/yaml-text.ts";
import { UsageError } from "../scenario/errors.ts";
import type { Scenario } from "../scenario/types.ts";

type Tree = Record<string, unknown>;

/** The scenario a plan starts from: as the file, --set and --seed give it, resolved and as a YAML tree. */
export interface PlanBase {
  readonly file: string;
  /** The file's YAML tree with --set applied and the seed written in. */
  readonly tree: Tree;
  readonly scenario: Scenario;
}

/** The scenario to plan; a UsageError for what plan cannot search (a trace replay). */
export function planBase(file: string, set: readonly string[], seed: number | undefined): PlanBase {
  const scenario = loadScenario(file, { set, seed });
  if (scenario.workload.trace) throw new UsageError(`${file}: workload.trace: plan needs generated arrivals (a trace replay has no peak hour to shorten the search to); not yet supported`);
  const raw = applySet(parseYamlText(readFileSync(file, "utf8"), file), set) as Tree;
  return { file, tree: { ...raw, seed: scenario.seed }, scenario };
}

/**
 * The shortened span a candidate is simulated over: a warm-up, then one hour at the peak of the day's
 * arrival profile (the busiest hour, the one a fixed fleet must be sized for), with the profile turned so
 * that the peak falls there. A scenario without a daily cycle and no longer than the span runs as it is.
 */
export interface Span {
  readonly warmupS: number;
  readonly durationS: number;
  /** The raw `workload.diurnal` of the candidates. */
  readonly diurnal: unknown;
  readonly text: string;
}

export const PEAK_SPAN_S = 3600;

export function coarseSpan(base: PlanBase): Span {
  const s = base.scenario;
  const d = s.workload.diurnal;
  const raw = (base.tree.workload as Tree).diurnal ?? "none";
  if (d.kind === "hourly") {
    // whole hours: the hour before the peak as the warm-up (its own rate), then the peak hour
    const p = d.multipliers.indexOf(Math.max(...d.multipliers));
    const turned = d.multipliers.map((_, i) => d.multipliers[(p - 1 + i + 24) % 24]);
    return { warmupS: 3600, durationS: 7200, diurnal: { hourly: turned }, text: `hour ${p} of the hourly profile (its peak) after hour ${(p + 23) % 24} as warm-up` };
  }
  const warmupS = 1800;
  if (d.kind === "none" && s.durationS <= warmupS + PEAK_SPAN_S) {
    return { warmupS: s.warmupS, durationS: s.durationS, diurnal: raw, text: "the whole scenario (no daily cycle, not longer than the span)" };
  }
  // sinusoid: the peak at 1:00, the middle of the measured hour [0:30, 1:30]; the rate there is within 0.4 % of the peak
  const diurnal = d.kind === "sinusoid" ? { peak_to_trough: d.peakToTrough, peak_hour: (warmupS + PEAK_SPAN_S / 2) / 3600 } : raw;
  const what = d.kind === "sinusoid" ? `the hour around the daily peak (${d.peakHour}:00 in the scenario)` : "one hour (no daily cycle)";
  return { warmupS, durationS: warmupS + PEAK_SPAN_S, diurnal, text: `${what} after 30 min of warm-up at the rate before it` };
}

/** The pool's share of all queries (its classes' shares times its share of each). */
export function poolShare(s: Scenario, poolIndex: number): number {
  const pool = s.pools[poolIndex];
  return s.workload.classes.reduce((sum, c) => sum + c.share * (pool.classShares[c.name] ?? 0), 0);
}

/**
 * One pool alone with `nodes` nodes over the span (null: the scenario's own): the queries it receives in the fleet (its share of each
 * class's Poisson stream is a Poisson stream of its own), nothing else. Pools do not share queues or nodes,
 * so a pool's latency does not depend on the others.
 */
export function poolCandidateTree(base: PlanBase, poolIndex: number, nodes: number, span: Span | null, patch: Tree = {}): Tree {
  const s = base.scenario;
  const pool = s.pools[poolIndex];
  const share = poolShare(s, poolIndex);
  const workload = base.tree.workload as Tree;
  const rawClasses = workload.classes as Tree[];
  const classes = rawClasses.flatMap((c, k) => {
    const w = s.workload.classes[k].share * (pool.classShares[s.workload.classes[k].name] ?? 0);
    return w > 0 ? [{ ...c, share: w / share }] : [];
  });
  const { share: _dropped, ...rawPool } = (base.tree.pools as Tree[])[poolIndex];
  const tree = {
    ...base.tree,
    name: `${s.name}-${pool.name}`,
    workload: { ...workload, queries_per_day: s.workload.queriesPerDay * share, classes },
    pools: [withNodes({ ...rawPool, ...patch }, nodes)],
  };
  return span ? withSpan(tree, span) : { ...tree, replications: 1 };
}

/**
 * The whole fleet with these node counts per pool (the full scenario's span unless `span` is given), each
 * pool's keys in `patches` (plan-vary.ts) merged in.
 */
export function fleetTree(base: PlanBase, nodes: readonly number[], span?: Span, patches?: readonly Tree[]): Tree {
  const tree = { ...base.tree, pools: (base.tree.pools as Tree[]).map((p, i) => withNodes({ ...p, ...patches?.[i] }, nodes[i])) };
  return span ? withSpan(tree, span) : tree;
}

/**
 * A pool with `nodes` nodes. An autoscaled pool's nodes are the ceiling its autoscaler may use: its
 * `autoscale.max` becomes the count (and `min` at most that).
 */
function withNodes(pool: Tree, nodes: number): Tree {
  const a = pool.autoscale as Tree | undefined;
  if (!a) return { ...pool, nodes };
  return { ...pool, nodes, autoscale: { ...a, max: nodes, ...(typeof a.min === "number" && a.min > nodes ? { min: nodes } : {}) } };
}

function withSpan(tree: Tree, span: Span): Tree {
  return {
    ...tree,
    duration: `${span.durationS}s`,
    warmup: `${span.warmupS}s`,
    timeseries_interval: `${Math.min(900, span.durationS - span.warmupS)}s`,
    workload: { ...(tree.workload as Tree), diurnal: span.diurnal },
    replications: 1,
  };
}

/** A tree as a resolved scenario (named after the plan's file in errors). */
export const treeScenario = (base: PlanBase, tree: Tree, seed?: number) => scenarioFromTree(tree, base.file, seed === undefined ? {} : { seed });

/** planned.yaml: the scenario with the chosen node counts (and keys varied), runnable with inferwatt run. */
export function plannedYaml(base: PlanBase, nodes: readonly number[], header: readonly string[], patches?: readonly Tree[]): string {
  return header.map((l) => `# ${l}`).join("\n") + "\n" + stringify(fleetTree(base, nodes, undefined, patches), { lineWidth: 0 });
}
