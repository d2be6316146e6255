/**
 * The two parameter sets of Oviedo et al., "Energy Use of AI Inference" (arXiv 2509.20241):
 * `v1` is arXiv v1 (Sept 2025, 0.34 Wh); `joule` is v2 / the Joule 2026 journal version (0.31 Wh).
 */
export type ParamSetName = "joule" | "v1";
export const PARAM_SET_NAMES: readonly ParamSetName[] = ["joule", "v1"];

export interface PaperParams {
  readonly name: ParamSetName;
  /** Node maximum power P_max in kW, 8x H100 (DGX H100 rating 10.2 kW in the journal version). */
  readonly nodeMaxKw: number;
  /** P_max for models the paper serves on more GPUs (DeepSeek-R1: a 10-GPU equivalent). */
  readonly nodeMaxKwByModel: Readonly<Record<string, number>>;
  /** Fraction of P_max drawn, log-normal by P5/P95 (not clipped). */
  readonly powerUtilization: { readonly p5: number; readonly p95: number };
  readonly pue: { readonly p5: number; readonly p95: number };
  readonly inputTokens: number;
  /** Median output tokens of the exponential length distribution, per regime. */
  readonly outputMedian: { readonly traditional: number; readonly test_time_scaling: number };
  readonly samples: number;
  /** Fleet overhead beta = 1.10 * 1.076 * 1.12 (the paper's fleet section). */
  readonly beta: number;
  /** Efficiency pathway multipliers (divide energy), log-normal by P5/P95. */
  readonly levers: {
    readonly model: { readonly p5: number; readonly p95: number };
    readonly serving: { readonly p5: number; readonly p95: number };
    readonly hardware: { readonly p5: number; readonly p95: number };
  };
  /** Serving multiplier of the "improved" fleet figures, per regime. */
  readonly improvedServing: {
    readonly traditional: { readonly p5: number; readonly p95: number };
    readonly test_time_scaling: { readonly p5: number; readonly p95: number };
  };
  readonly testTimeScalingShare: number;
  readonly bootstrapResamples: number;
}

const common = {
  powerUtilization: { p5: 0.4, p95: 0.9 },
  pue: { p5: 1.05, p95: 1.6 },
  inputTokens: 500,
  outputMedian: { traditional: 300, test_time_scaling: 5000 },
  samples: 10_000,
  beta: 1.1 * 1.076 * 1.12,
  levers: { model: { p5: 1.5, p95: 10 }, serving: { p5: 1.5, p95: 5 }, hardware: { p5: 1.5, p95: 2.5 } },
  improvedServing: { traditional: { p5: 1.5, p95: 3.5 }, test_time_scaling: { p5: 1.5, p95: 3 } },
  testTimeScalingShare: 0.1,
  bootstrapResamples: 1000,
} as const;

export const PAPER_PARAMS: Readonly<Record<ParamSetName, PaperParams>> = {
  joule: { name: "joule", nodeMaxKw: 10.2, nodeMaxKwByModel: { "DeepSeek-R1": 12.8 }, ...common },
  v1: { name: "v1", nodeMaxKw: 11.3, nodeMaxKwByModel: { "DeepSeek-R1": 14.1 }, ...common },
};
