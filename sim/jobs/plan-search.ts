import { latencyFloor } from "../fleet/latency-floor.ts";
import { sizePools } from "../fleet/offered-work.ts";
import type { PlanCandidate } from "../report/plan-files.ts";
import type { Summary } from "../report/summary.ts";
import type { Scenario } from "../scenario/types.ts";
import type { Slo } from "./plan-slo.ts";
import type { Variant } from "./plan-vary.ts";

/** One simulated candidate: a pool alone with `nodes` nodes (in one of its variants) over the shortened span (fields: the report's PlanCandidate). */
export interface Tried extends PlanCandidate {
  /** Index into the pool's variants (plan-vary.ts; 0 without --vary). */
  readonly variantIndex: number;
}

/** Simulates pool `poolIndex` in variant `variantIndex` with `nodes` nodes, on the plan's seed (offset 0) or a second one (1). */
export type Evaluate = (poolIndex: number, variantIndex: number, nodes: number, seedOffset: 0 | 1) => Promise<Tried>;

/** How one pool's search ended (with --vary: the search of its chosen variant, the others in `variants`). */
export interface PoolPlan {
  readonly pool: string;
  /** The variant of the chosen count (infeasible: of the best reached). */
  readonly variantIndex: number;
  readonly variant: Variant;
  /** With --vary: every variant's search, in the pool's variant order; else this one alone. */
  readonly variants: readonly VariantPlan[];
  /** Nodes that carry the peak's work at full batch (utilization 1): the plan never goes below (the queue would grow through the peak). */
  readonly stableNodes: number;
  /** inferwatt size's count (utilization 0.8): where the search starts. */
  readonly sizedNodes: number;
  /** The fewest nodes found to meet every SLO, on the plan's seed and a second one; null: infeasible. */
  readonly chosen: Tried | null;
  /** The most nodes that missed an SLO below the chosen count (its neighbour when the resolution is 1 node). */
  readonly below: Tried | null;
  /** The search's resolution near the chosen count: max(1, floor(nodes / 256)). */
  readonly resolution: number;
  /** Infeasible: the candidate with the lowest latencies reached (the most nodes tried). */
  readonly best: Tried;
  /** How the search ended, in a sentence. */
  readonly note: string;
}

/** One variant's search (its PoolPlan, `variants` empty). */
export type VariantPlan = PoolPlan & {
  /** An autoscaled pool's chosen count run alone over the full scenario (plan.ts, chooseOnFullSpan). */
  readonly fullSpan?: { readonly summary: Summary; readonly values: readonly (number | null)[]; readonly meets: boolean };
};

export interface SearchOptions {
  readonly scenario: Scenario;
  /** Each pool's variants (at least one each) and the scenario each is sized and floored on. */
  readonly variants: readonly (readonly { readonly variant: Variant; readonly scenario: Scenario }[])[];
  readonly slos: readonly Slo[];
  readonly evaluate: Evaluate;
  /** Cores (the candidates run on them through `evaluate`; the search itself does not depend on them). */
  readonly cores: number;
}

/** The search's resolution at `nodes`: one node up to 511, then 1/256 of the count (0.4 % of the energy at most). */
export const resolution = (nodes: number) => Math.max(1, Math.floor(nodes / 256));

/** Growth of the count while no candidate meets the SLOs, and how far (times the sizing) before it gives up. */
const GROW = 1.5;
const MAX_OVER_SIZED = 16;
/** Steps up when a count passes on one seed and fails on the other, before the search gives up. */
const MAX_GUARD_STEPS = 8;

/**
 * Searches every pool, and every variant of each, at once (pools share no queue and no node, so each is
 * searched on its own); a pool's variant of least energy at the peak among those that met every SLO wins.
 */
export async function searchPools(opts: SearchOptions): Promise<PoolPlan[]> {
  const sizing = new Map<Scenario, { at08: ReturnType<typeof sizePools>; at1: ReturnType<typeof sizePools> }>();
  const sized = (s: Scenario) => {
    if (!sizing.has(s)) sizing.set(s, { at08: sizePools(s, 0.8), at1: sizePools(s, 1) });
    return sizing.get(s)!;
  };
  const units = opts.variants.flatMap((vs, i) => vs.map((v, k) => ({ i, k, scenario: v.scenario })));
  const plans = await Promise.all(
    units.map(({ i, k, scenario }) => {
      const { at08, at1 } = sized(scenario);
      return searchPool({ ...opts, scenario }, i, k, at1[i].nodes, Math.max(at1[i].nodes, at08[i].nodes));
    }),
  );
  return opts.variants.map((vs, i) => pickVariant(vs.map((v) => v.variant), plans.filter((_, u) => units[u].i === i), opts.slos));
}

/**
 * Energies equal to 1e-9 (a batch cap that never binds gives the same run, up to the rounding of its
 * tps_multiplier) count as a tie.
 */
export const byEnergy = (a: Summary, b: Summary) => {
  const d = a.energy.gwh_per_day - b.energy.gwh_per_day;
  return Math.abs(d) <= 1e-9 * Math.max(a.energy.gwh_per_day, b.energy.gwh_per_day) ? 0 : d;
};

/** On a tie, the pool as the file has it (then the order the values were given in: the sort is stable). */
export const ownFirst = (a: Variant, b: Variant) => (Object.keys(a.patch).length === 0 ? 0 : 1) - (Object.keys(b.patch).length === 0 ? 0 : 1);

/** A pool's plan from its variants' searches: the least energy at the peak among those met; infeasible: the lowest latency reached. */
function pickVariant(variants: readonly Variant[], plans: readonly PoolPlan[], slos: readonly Slo[]): PoolPlan {
  const all: VariantPlan[] = [...plans];
  if (plans.length === 1) return { ...plans[0], variants: all };
  const met = plans.filter((p) => p.chosen).sort((a, b) => byEnergy(a.chosen!.summary, b.chosen!.summary) || ownFirst(a.variant, b.variant));
  const pick = met[0] ?? [...plans].sort((a, b) => worst(a.best, slos) - worst(b.best, slos))[0];
  const gwh = (p: PoolPlan) => (p.chosen ? `${p.chosen.nodes} nodes, ${p.chosen.summary.energy.gwh_per_day.toPrecision(4)} GWh/day` : "missed");
  const others = plans.filter((p) => p !== pick).map((p) => `${p.variant.label}: ${gwh(p)}`);
  const note = met.length > 0
    ? `${pick.variant.label}, the least energy at the peak of the ${variants.length} tried: ${pick.note} (others: ${others.join("; ")})`
    : `infeasible with every one of the ${variants.length} tried; the lowest latency at ${pick.variant.label}: ${pick.note}`;
  return { ...pick, note, variants: all };
}

/**
 * Candidates a round of the bracket search simulates, spread around the estimate: a constant, so that
 * the counts tried, and so the plan, depend on the scenario and seed alone, not on the machine's cores
 * or on when other pools' searches end (they did: the same plan chose 2,769 or 2,777 nodes from run to
 * run). Two a round keep both cores busy when one pool is left.
 */
const POINTS_PER_ROUND: number = 2;

async function searchPool(opts: SearchOptions, i: number, k: number, stableNodes: number, sizedNodes: number): Promise<PoolPlan> {
  const { scenario: s, slos } = opts;
  const pool = s.pools[i];
  const variant = opts.variants[i][k].variant;
  const memo = new Map<string, Promise<Tried>>();
  const ev = (nodes: number, seedOffset: 0 | 1 = 0) => {
    const key = `${nodes}/${seedOffset}`;
    if (!memo.has(key)) memo.set(key, opts.evaluate(i, k, nodes, seedOffset));
    return memo.get(key)!;
  };
  const result = (chosen: Tried | null, below: Tried | null, best: Tried, note: string): PoolPlan => ({
    pool: pool.name,
    variantIndex: k,
    variant,
    variants: [],
    stableNodes,
    sizedNodes,
    chosen,
    below,
    resolution: resolution(chosen?.nodes ?? best.nodes),
    best,
    note,
  });

  // a target below what a query alone on a node reaches cannot be met by any count: one candidate shows what is reached
  const blocked = slos.flatMap((slo) => {
    const f = latencyFloor(s, pool, slo.className);
    const floorS = f ? f[slo.metric] : null;
    return f && floorS !== null && floorS > slo.targetS ? [`${slo.text}: the p99 cannot go below ${floorS.toPrecision(3)} s because ${f.why}`] : [];
  });
  if (blocked.length > 0) {
    const best = await ev(2 * sizedNodes);
    return result(null, null, best, `infeasible: ${blocked.join("; ")} (at ${best.nodes} nodes, twice the sizing, the p99 reached is ${showValues(best, slos)}, at ${best.summary.energy.gwh_per_day.toPrecision(3)} GWh/day in the peak hour)`);
  }

  const first = await Promise.all(stableNodes < sizedNodes ? [ev(stableNodes), ev(sizedNodes)] : [ev(sizedNodes)]);
  let hi: Tried | null = first.find((t) => t.meets) ?? null;
  let lo: Tried | null = first.filter((t) => !t.meets && (!hi || t.nodes < hi.nodes)).at(-1) ?? null;
  if (hi && hi.nodes === stableNodes) {
    const g = await ev(stableNodes, 1);
    if (g.meets) return result(hi, null, hi, `met at ${stableNodes} nodes, the fewest that carry the peak hour's work at full batch (utilization 1); the plan goes no lower`);
    lo = g;
    hi = first.length > 1 && first[1]!.meets ? first[1]! : null;
  }
  let n = sizedNodes;
  let prev: Tried | null = first.length > 1 ? first[0]! : null;
  while (!hi) {
    // extrapolated from the last two misses (log p99 / target linear in the count), 5 % beyond, within 1.1x-2x; else 1.5x
    const a = prev ? Math.log(worst(prev, slos)) : NaN;
    const b = Math.log(worst(lo!, slos));
    const guess = a > b && b > 0 && Number.isFinite(a) ? lo!.nodes + ((lo!.nodes - prev!.nodes) * b) / (a - b) : NaN;
    n = Number.isFinite(guess) ? Math.min(2 * n, Math.max(Math.ceil(1.1 * n), Math.ceil(guess * 1.05))) : Math.ceil(n * GROW);
    prev = lo;
    if (n > MAX_OVER_SIZED * sizedNodes) {
      return result(null, lo, lo!, `infeasible: not met with up to ${lo!.nodes} nodes (${MAX_OVER_SIZED}x inferwatt size's count); p99 reached ${showValues(lo!, slos)}, at ${lo!.summary.energy.gwh_per_day.toPrecision(3)} GWh/day in the peak hour`);
    }
    const t = await ev(n);
    if (t.meets) hi = t;
    else lo = t;
    // an autoscaler that keeps well under the ceiling on is not held back by it: more nodes change nothing
    if (pool.autoscale && !t.meets && t.summary.fleet.nodes_on_mean < 0.9 * t.nodes) {
      return result(null, lo, t, `infeasible at target_utilization ${pool.autoscale.targetUtilization}: with ${t.nodes} nodes the autoscaler keeps ${t.summary.fleet.nodes_on_mean.toFixed(1)} on at the peak on average and misses (${showValues(t, slos)}); more nodes do not help`);
    }
  }

  // between the most nodes that failed and the fewest that met: interpolation of log(p99 / target) in the count
  // (regula falsi, the points spread around the estimate when several fit in a round), falling back to
  // bisection for a round whenever the last one did not halve the bracket
  const bisect = async () => {
    let lastShrink = 0;
    while (lo && hi && hi.nodes - lo.nodes > resolution(hi.nodes)) {
      const span = hi.nodes - lo.nodes;
      const m = POINTS_PER_ROUND;
      const a = Math.log(worst(lo, slos));
      const b = Math.log(worst(hi, slos));
      let wanted: number[];
      if (lastShrink <= 0.5 && Number.isFinite(a) && a > 0 && b <= 0 && a > b) {
        const estimate = lo.nodes + (span * a) / (a - b);
        const d = Math.max(resolution(hi.nodes), Math.round(span * 0.03));
        wanted = Array.from({ length: m }, (_, j) => Math.round(estimate + (m === 1 ? 0 : d * (2 * j - (m - 1)))));
      } else wanted = Array.from({ length: m }, (_, j) => lo!.nodes + Math.round((span * (j + 1)) / (m + 1)));
      const points = [...new Set(wanted.map((p) => Math.min(hi!.nodes - 1, Math.max(lo!.nodes + 1, p))))];
      const rs = (await Promise.all(points.map((p) => ev(p)))).sort((x, y) => x.nodes - y.nodes);
      // latency is monotone in nodes only up to noise: the fewest that passed bound the search, the most that failed below them the other end
      hi = rs.find((r) => r.meets) ?? hi;
      lo = [lo, ...rs].filter((r) => !r.meets && r.nodes < hi!.nodes).at(-1)!;
      lastShrink = (hi.nodes - lo.nodes) / span;
    }
  };
  await bisect();

  // noise guard: the chosen count must also pass on a second seed; if not, step up until it does on both
  for (let k = 0; ; k++) {
    const h: Tried = hi!;
    const g = await ev(h.nodes, 1);
    if (g.meets) break;
    if (k >= MAX_GUARD_STEPS) {
      return result(null, lo, h, `infeasible: ${h.nodes} nodes met the SLOs on the plan's seed but not on a second one, and ${MAX_GUARD_STEPS} steps up did not settle it`);
    }
    lo = g;
    let next = h.nodes;
    for (;;) {
      next += resolution(next);
      const t = await ev(next);
      if (t.meets) break;
      lo = t;
    }
    hi = await ev(next);
  }
  const h: Tried = hi!;
  const below = lo;
  const note = below
    ? h.nodes - below.nodes === 1
      ? `met at ${h.nodes} nodes on two seeds; ${below.nodes} nodes missed (${showValues(below, slos)})`
      : `met at ${h.nodes} nodes on two seeds; ${below.nodes} nodes missed (${showValues(below, slos)}); resolution ${resolution(h.nodes)} nodes`
    : `met at ${h.nodes} nodes on two seeds`;
  return result(h, below, h, note);
}

/** The largest p99 / target over the SLOs: above 1 the candidate misses one (0 when no SLO is about its queries). */
function worst(t: Tried, slos: readonly Slo[]): number {
  return Math.max(0, ...t.values.map((v, k) => (v === null ? 0 : v / slos[k].targetS)));
}

/** "ttft_p99=0.84 s, e2e_p99=61.2 s": a candidate's figures for the SLOs. */
export function showValues(t: Tried, slos: readonly Slo[]): string {
  return slos.map((slo, k) => `${slo.text.split("=")[0]}=${fmtS(t.values[k])}`).join(", ");
}

export const fmtS = (v: number | null) => (v === null ? "-" : Number.isFinite(v) ? `${v.toPrecision(3)} s` : "none completed");
