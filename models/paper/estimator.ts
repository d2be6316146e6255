import { lognormalSampler } from "../lognormal.ts";
import { makeRng } from "../rng.ts";
import { spread, type Spread } from "../stats.ts";
import { paperTpsModels } from "../throughput.ts";
import { frontierBlend, pool, topByMedian } from "./blend.ts";
import { bootstrapMean, combine, type BootstrapMean } from "./bootstrap-mean.ts";
import { PAPER_PARAMS, type PaperParams, type ParamSetName } from "./params.ts";
import { REGIMES, sampleQueryEnergyWh, type Regime, type Sensitivity } from "./per-query.ts";

export interface PaperOptions extends Sensitivity {
  readonly params?: ParamSetName;
  /** Samples per model and regime; default the paper's 10,000. */
  readonly samples?: number;
  readonly seed?: number;
  /** Bootstrap resamples of the fleet means; default the published code's 1,000. */
  readonly bootstrapResamples?: number;
}

const FLEET_KEYS = [
  "traditional",
  "test_time_scaling",
  "mix_10pct",
  "traditional_improved",
  "test_time_scaling_improved",
  "mix_10pct_improved",
] as const;
export type FleetKey = (typeof FLEET_KEYS)[number];

export interface PaperResult {
  readonly params: ParamSetName;
  readonly seed: number;
  readonly samples: number;
  readonly sensitivity: Sensitivity;
  /** The frontier blend (three highest-energy models, trimmed and pooled), Wh per query. */
  readonly per_query_wh: Record<Regime, Spread>;
  readonly frontier_models: Record<Regime, string[]>;
  readonly per_model: Record<string, Record<Regime, Spread>>;
  /** The blend's traditional energy divided by each efficiency multiplier, and by their product. */
  readonly efficiency: Record<"model" | "serving" | "hardware" | "combined", Spread>;
  /** Bootstrap medians of beta * mean energy for 1e9 queries a day. */
  readonly fleet_gwh_per_day: Record<FleetKey, number>;
  readonly fleet_gwh_per_day_interval: Record<FleetKey, { p5: number; p50: number; p95: number }>;
}

/** The bottom-up Monte Carlo of Oviedo et al., as ../reference/paper-method.md lays it out. */
export function runPaperEstimator(options: PaperOptions = {}): PaperResult {
  const base = PAPER_PARAMS[options.params ?? "joule"];
  const params: PaperParams = {
    ...base,
    samples: options.samples ?? base.samples,
    bootstrapResamples: options.bootstrapResamples ?? base.bootstrapResamples,
  };
  const seed = options.seed ?? 42;
  const sensitivity: Sensitivity = { inputTokens: options.inputTokens, powerProportional: options.powerProportional };

  const samples = new Map<Regime, Map<string, Float64Array>>();
  for (const regime of REGIMES) {
    const byModel = new Map<string, Float64Array>();
    for (const [model, tps] of paperTpsModels()) {
      const nodeMaxKw = params.nodeMaxKwByModel[model] ?? params.nodeMaxKw;
      byModel.set(model, sampleQueryEnergyWh(tps, nodeMaxKw, params, regime, makeRng(seed, `paper/${model}/${regime}`), sensitivity));
    }
    samples.set(regime, byModel);
  }

  const perModel: Record<string, Record<Regime, Spread>> = {};
  for (const model of paperTpsModels().keys()) {
    perModel[model] = {
      traditional: spread(samples.get("traditional")!.get(model)!),
      test_time_scaling: spread(samples.get("test_time_scaling")!.get(model)!),
    };
  }

  const frontier = {} as Record<Regime, string[]>;
  const blend = {} as Record<Regime, Float64Array>;
  const fleet = {} as Record<FleetKey, BootstrapMean>;
  for (const regime of REGIMES) {
    const byModel = samples.get(regime)!;
    frontier[regime] = topByMedian(byModel, 3);
    const chosen = frontier[regime].map((m) => byModel.get(m)!);
    blend[regime] = frontierBlend(chosen);
    const untrimmed = pool(chosen);
    const rng = makeRng(seed, `paper/fleet/${regime}`);
    fleet[regime] = scaleBy(bootstrapMean(untrimmed, params.bootstrapResamples, rng), params.beta);
    const improve = params.improvedServing[regime];
    const improved = divideBy(untrimmed, lognormalSampler(makeRng(seed, `paper/improved/${regime}`), improve.p5, improve.p95));
    fleet[`${regime}_improved`] = scaleBy(bootstrapMean(improved, params.bootstrapResamples, rng), params.beta);
  }
  const s = params.testTimeScalingShare;
  fleet.mix_10pct = combine(1 - s, fleet.traditional, s, fleet.test_time_scaling);
  fleet.mix_10pct_improved = combine(1 - s, fleet.traditional_improved, s, fleet.test_time_scaling_improved);

  const traditional = blend.traditional;
  const lever = (name: "model" | "serving" | "hardware") =>
    lognormalSampler(makeRng(seed, `paper/lever/${name}`), params.levers[name].p5, params.levers[name].p95);
  const model = lever("model");
  const serving = lever("serving");
  const hardware = lever("hardware");
  const efficiency = {
    model: spread(divideBy(traditional, lever("model"))),
    serving: spread(divideBy(traditional, lever("serving"))),
    hardware: spread(divideBy(traditional, lever("hardware"))),
    combined: spread(divideBy(traditional, () => model() * serving() * hardware())),
  };

  return {
    params: params.name,
    seed,
    samples: params.samples,
    sensitivity,
    per_query_wh: { traditional: spread(blend.traditional), test_time_scaling: spread(blend.test_time_scaling) },
    frontier_models: frontier,
    per_model: perModel,
    efficiency,
    fleet_gwh_per_day: Object.fromEntries(FLEET_KEYS.map((k) => [k, fleet[k].p50])) as Record<FleetKey, number>,
    fleet_gwh_per_day_interval: Object.fromEntries(
      FLEET_KEYS.map((k) => [k, { p5: fleet[k].p5, p50: fleet[k].p50, p95: fleet[k].p95 }]),
    ) as Record<FleetKey, { p5: number; p50: number; p95: number }>,
  };
}

function divideBy(values: Float64Array, divisor: () => number): Float64Array {
  return values.map((v) => v / divisor());
}

function scaleBy(b: BootstrapMean, factor: number): BootstrapMean {
  const replicates = b.replicates.map((v) => v * factor);
  return { p5: b.p5 * factor, p50: b.p50 * factor, p95: b.p95 * factor, replicates };
}
