import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { nodePowerW } from "../../models/power.ts";
import type { SimProgress } from "../engine/result.ts";
import type { PlanVerification } from "../report/plan-files.ts";
import type { Summary } from "../report/summary.ts";
import type { Scenario } from "../scenario/types.ts";
import { shardProblem } from "../scenario/shard.ts";
import type { RunOutcome } from "./execute.ts";
import { runCandidate } from "./plan-run.ts";
import { coarseSpan, fleetTree, poolCandidateTree, treeScenario, type PlanBase, type Span } from "./plan-scenarios.ts";
import { byEnergy, ownFirst, searchPools, type PoolPlan, type Tried, type VariantPlan } from "./plan-search.ts";
import { meetsAll, sloValue, type Slo } from "./plan-slo.ts";
import type { Variant } from "./plan-vary.ts";
import { runPool } from "./run-pool.ts";
import type { RunJob } from "./run-job.ts";

/** What the plan tells its watcher (the live view or the plain lines): each simulation by a key of its own. */
export interface PlanEvents {
  readonly onStart?: (key: number, label: string) => void;
  readonly onProgress?: (key: number, p: SimProgress) => void;
  /** A candidate's figures, or (tried null) a verification run's. */
  readonly onDone?: (key: number, summary: Summary, tried: Tried | null) => void;
}

/** A full-scenario run of a configuration: the chosen one, and with --verify-below the one under it (fields: the report's PlanVerification, and whether it ended early). */
export interface Verification extends PlanVerification {
  readonly label: "chosen" | "below";
  readonly incomplete: boolean;
}

export interface PlanResult {
  readonly span: Span;
  readonly pools: readonly PoolPlan[];
  readonly tried: readonly Tried[];
  readonly feasible: boolean;
  readonly verifications: readonly Verification[];
  readonly interrupted: boolean;
  readonly wallS: number;
}

export interface PlanOptions {
  readonly base: PlanBase;
  readonly slos: readonly Slo[];
  /** Each pool's variants (plan-vary.ts poolVariants; one each without --vary). */
  readonly variants: readonly (readonly Variant[])[];
  readonly cores: number;
  /** Where the verification runs write their results folders (`verify-chosen/`, `verify-below/`). */
  readonly dir: string;
  /** Also run the configuration one resolution step below the chosen one on the full scenario. */
  readonly verifyBelow: boolean;
  readonly events?: PlanEvents;
  readonly verbose?: boolean;
}

class Interrupted extends Error {}

type Config = { label: "chosen" | "below"; nodes: number[] };

/** The keys each pool's chosen variant writes into its YAML (nothing without --vary). */
export const chosenPatches = (pools: readonly PoolPlan[]) => pools.map((p) => p.variant.patch);

/** Searches, then verifies on the full scenario; stop() ends the simulations running and starts no more. */
export function startPlan(opts: PlanOptions): { done: Promise<PlanResult>; stop(): void } {
  const { base, slos, events = {} } = opts;
  const started = performance.now();
  const span = coarseSpan(base);
  const tried: Tried[] = [];
  const running = new Set<{ stop(): void }>();
  let stopped = false;
  let keys = 0;
  const slots = limiter(opts.cores);

  // each variant resolved once (the search sizes it and takes its latency floor); the pool's own is the base
  const variantScenarios = opts.variants.map((vs, i) =>
    vs.map((variant) => ({
      variant,
      scenario:
        Object.keys(variant.patch).length === 0
          ? base.scenario
          : treeScenario(base, fleetTree(base, base.scenario.pools.map((p) => p.nodes), undefined, opts.variants.map((_, j) => (j === i ? variant.patch : {})))),
    })),
  );

  const evaluate = (poolIndex: number, variantIndex: number, nodes: number, seedOffset: 0 | 1) =>
    slots(async (): Promise<Tried> => {
      if (stopped) throw new Interrupted();
      const seed = base.scenario.seed + seedOffset;
      const variant = opts.variants[poolIndex][variantIndex];
      const scenario = treeScenario(base, poolCandidateTree(base, poolIndex, nodes, span, variant.patch), seed);
      const key = keys++;
      const pool = base.scenario.pools[poolIndex].name;
      events.onStart?.(key, `${pool} ${nodes}${variant.label ? ` (${variant.label})` : ""}${seedOffset ? " seed+1" : ""}`);
      const handle = runCandidate(scenario, (p) => events.onProgress?.(key, p));
      running.add(handle);
      const summary = await handle.done.finally(() => running.delete(handle));
      if (stopped || summary.state !== "completed") throw new Interrupted();
      const t: Tried = { id: tried.length + 1, pool, poolIndex, variantIndex, nodes, maxBatch: variant.maxBatch, targetUtilization: variant.targetUtilization, seed, summary, values: slos.map((slo) => sloValue(summary, slo)), meets: meetsAll(summary, slos) };
      tried.push(t);
      events.onDone?.(key, summary, t);
      return t;
    });

  const done = (async (): Promise<PlanResult> => {
    const finish = (pools: readonly PoolPlan[], verifications: Verification[], interrupted: boolean): PlanResult => ({
      span,
      pools,
      tried,
      feasible: pools.length > 0 && pools.every((p) => p.chosen !== null),
      verifications,
      interrupted,
      wallS: (performance.now() - started) / 1000,
    });
    let pools: PoolPlan[];
    try {
      pools = await searchPools({ scenario: base.scenario, variants: variantScenarios, slos, evaluate, cores: opts.cores });
      pools = await Promise.all(pools.map((p, i) => (base.scenario.pools[i].autoscale && p.variants.length > 1 ? chooseOnFullSpan(i, p) : p)));
    } catch (e) {
      if (e instanceof Interrupted) return finish([], [], true);
      throw e;
    }
    if (stopped) return finish(pools, [], true);
    if (!pools.every((p) => p.chosen)) return finish(pools, [], false);
    const configs: Config[] = [{ label: "chosen", nodes: pools.map((p) => p.chosen!.nodes) }];
    if (opts.verifyBelow && pools.some((p) => p.below)) configs.push({ label: "below", nodes: pools.map((p) => p.below?.nodes ?? p.chosen!.nodes) });
    const verifications = await verify(configs, chosenPatches(pools));
    return finish(pools, verifications, stopped || verifications.some((v) => v.incomplete));
  })();

  /**
   * An autoscaled pool's variants, each at its chosen ceiling, alone over the full scenario: the peak hour
   * cannot rank them (the ceiling binds there, so targets differ only off-peak, where the autoscaler keeps
   * fewer nodes on). The least energy among those that meet every SLO over the full scenario wins; when
   * none does, the peak hour's choice stays (the verification shows the miss).
   */
  async function chooseOnFullSpan(poolIndex: number, p: PoolPlan): Promise<PoolPlan> {
    const runs: VariantPlan[] = await Promise.all(
      p.variants.map((v) =>
        v.chosen
          ? slots(async (): Promise<VariantPlan> => {
              if (stopped) throw new Interrupted();
              const scenario = treeScenario(base, poolCandidateTree(base, poolIndex, v.chosen!.nodes, null, v.variant.patch));
              const key = keys++;
              events.onStart?.(key, `${p.pool} ${v.chosen!.nodes} (${v.variant.label}): full scenario`);
              const handle = runCandidate(scenario, (x) => events.onProgress?.(key, x));
              running.add(handle);
              const summary = await handle.done.finally(() => running.delete(handle));
              if (stopped || summary.state !== "completed") throw new Interrupted();
              events.onDone?.(key, summary, null);
              return { ...v, fullSpan: { summary, values: slos.map((slo) => sloValue(summary, slo)), meets: meetsAll(summary, slos) } };
            })
          : Promise.resolve(v),
      ),
    );
    const met = runs.filter((v) => v.fullSpan?.meets).sort((a, b) => byEnergy(a.fullSpan!.summary, b.fullSpan!.summary) || ownFirst(a.variant, b.variant));
    const day = (v: VariantPlan) => (v.fullSpan ? `${v.fullSpan.summary.energy.gwh_per_day.toPrecision(4)} GWh/day, ${v.fullSpan.meets ? "meets" : "misses"}` : "not met at the peak");
    const all = runs.map((v) => `${v.variant.label}: ${day(v)}`).join("; ");
    if (met.length === 0) return { ...p, variants: runs, note: `${p.note}; over the full scenario none met every SLO (${all})` };
    const w = met[0];
    return { ...w, variants: runs, note: `${w.variant.label}, the least energy over the full scenario among those that meet every SLO there (${all}); at the peak: ${w.note}` };
  }

  // the chosen configuration (and the one below) on the full scenario: the whole fleet, the whole span, the plan's seed
  async function verify(configs: Config[], patches: readonly Record<string, unknown>[]): Promise<Verification[]> {
    const scenarios = configs.map((c) => treeScenario(base, fleetTree(base, c.nodes, undefined, patches)));
    // one run: split over the cores when the fleet is large enough to shard (docs/how-it-works.md, Sharding)
    const nodes = scenarios[0].pools.reduce((s, p) => s + p.nodes, 0);
    const shards = configs.length === 1 && nodes >= 512 && opts.cores > 1 && shardProblem(scenarios[0], opts.cores) === null ? opts.cores : 1;
    const jobs: RunJob[] = configs.map((c, i) => {
      const outDir = join(opts.dir, `verify-${c.label}`);
      mkdirSync(outDir, { recursive: true });
      return { file: base.file, scenario: scenarios[i], set: [], shards, outDir, verbose: opts.verbose ?? false };
    });
    const firstKey = keys;
    keys += jobs.length;
    const pool = runPool(
      jobs,
      {
        onStart: (i) => events.onStart?.(firstKey + i, `verify ${configs[i].label}: full scenario`),
        onProgress: (i, p) => events.onProgress?.(firstKey + i, p),
        onDone: (i, o) => events.onDone?.(firstKey + i, o.summary, null),
      },
      opts.cores,
    );
    running.add(pool);
    const outcomes = await pool.done.finally(() => running.delete(pool));
    return outcomes.flatMap((o: RunOutcome | null, i) =>
      o
        ? [
            {
              label: configs[i].label,
              nodes: configs[i].nodes,
              maxBatch: scenarios[i].pools.map((p) => p.maxBatch),
              outDir: o.outDir,
              summary: o.summary,
              values: slos.map((slo) => sloValue(o.summary, slo)),
              meets: meetsAll(o.summary, slos),
              incomplete: o.incomplete,
              powerUtilization: powerUtilization(scenarios[i], o.summary),
            },
          ]
        : [],
    );
  }

  return {
    done,
    stop: () => {
      stopped = true;
      for (const h of running) h.stop();
    },
  };
}

function powerUtilization(s: Scenario, summary: Summary): number | null {
  if (s.pools.some((p) => p.physical) || summary.simulated_s <= 0) return null;
  const fullW = s.pools.reduce((sum, p) => sum + p.nodes * nodePowerW(p.hardware, p.maxBatch), 0);
  return summary.energy.node_wh / ((fullW * summary.simulated_s) / 3600);
}

/** Runs at most `n` of the functions given to it at once, the others in order as slots free up. */
function limiter(n: number) {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async <T>(fn: () => Promise<T>): Promise<T> => {
    // a freed slot passes straight to the first waiting function, so none can jump the queue
    if (active >= n) await new Promise<void>((resolve) => waiting.push(resolve));
    else active++;
    try {
      return await fn();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else active--;
    }
  };
}
