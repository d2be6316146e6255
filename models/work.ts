import { predictTps, type TpsModel } from "./throughput.ts";

/**
 * A query's work in node-seconds at full batch, the paper's L_out / TPS(L_in, L_out), times `scale`
 * (1 / (efficiency levers x hardware throughput multiplier)). A zero-token answer has no work.
 */
export function queryWorkNodeS(tps: TpsModel, inputTokens: number, outputTokens: number, scale: number): number {
  return outputTokens === 0 ? 0 : (outputTokens / predictTps(tps, inputTokens, outputTokens)) * scale;
}
