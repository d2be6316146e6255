import { lengthSampler } from "../lengths.ts";
import { lognormalSampler } from "../lognormal.ts";
import type { Rng } from "../rng.ts";
import { predictTps, type TpsModel } from "../throughput.ts";
import type { PaperParams } from "./params.ts";

export type Regime = "traditional" | "test_time_scaling";
export const REGIMES: readonly Regime[] = ["traditional", "test_time_scaling"];

/** Options of the paper's sensitivity analyses. */
export interface Sensitivity {
  /** L_in instead of 500; the charged length becomes L_out + L_in / 30 (input weighted at 1/30). */
  readonly inputTokens?: number;
  /** PU = 0.24 + 0.56 min(TPS / TPS_max, 1) instead of an independent draw (the published code's values). */
  readonly powerProportional?: boolean;
}

/** Largest observed throughput of a model (its cap), for power proportionality. */
function maxTps(m: TpsModel): number {
  return m.kind === "constant" ? m.tokensPerS : m.capTokensPerS;
}

/**
 * Per-query energy samples in Wh at the facility boundary:
 * E = PUE * P_max * PU * L_out / TPS(L_in, L_out) / 3600 * 1000  (P_max in kW).
 * L_out = round(Exponential with the regime's median); a zero-token answer costs nothing.
 */
export function sampleQueryEnergyWh(
  tps: TpsModel,
  nodeMaxKw: number,
  params: PaperParams,
  regime: Regime,
  rng: Rng,
  sensitivity: Sensitivity = {},
): Float64Array {
  const drawOut = lengthSampler({ exponential: { median: params.outputMedian[regime] } }, rng);
  const drawPu = lognormalSampler(rng, params.powerUtilization.p5, params.powerUtilization.p95);
  const drawPue = lognormalSampler(rng, params.pue.p5, params.pue.p95);
  const inputTokens = sensitivity.inputTokens ?? params.inputTokens;
  const inputCharge = sensitivity.inputTokens === undefined ? 0 : inputTokens / 30;
  const tpsMax = maxTps(tps);
  const out = new Float64Array(params.samples);
  for (let i = 0; i < out.length; i++) {
    const outputTokens = drawOut();
    const pu = drawPu();
    const pue = drawPue();
    const tokensPerS = predictTps(tps, inputTokens, outputTokens);
    const utilization = sensitivity.powerProportional ? 0.24 + 0.56 * Math.min(tokensPerS / tpsMax, 1) : pu;
    const chargedTokens = outputTokens === 0 ? 0 : outputTokens + inputCharge;
    out[i] = (pue * nodeMaxKw * utilization * chargedTokens) / tokensPerS / 3.6;
  }
  return out;
}
