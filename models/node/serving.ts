import type { NodeCalibration } from "./calibration.ts";
import type { NodeModel } from "./node-model.ts";

/** A node serving a steady stream at a constant batch, as the ML.ENERGY runs did. */
export interface ServingPrediction {
  /** Median inter-token latency: the decode step, with the prefill the median step carries. */
  readonly itlP50S: number;
  /** Mean step: decode plus the prompts admitted per step, prefilled in the same steps (chunked prefill). */
  readonly meanStepS: number;
  readonly outputTokensPerS: number;
  readonly gpuW: number;
  /** All the replica's GPUs, per output token. */
  readonly jPerOutputToken: number;
  readonly kvTokens: number;
}

/**
 * Steady state at `batch` running sequences, prompts of `promptTokens`, answers of `outputTokens`:
 * batch / outputTokens requests finish each step and as many prompts are prefilled in the steps.
 */
export function predictServing(node: NodeModel, cal: NodeCalibration, batch: number, promptTokens: number, outputTokens: number): ServingPrediction {
  const contextTokens = promptTokens + cal.contextOutputFactor * outputTokens;
  // the server cannot hold more context than fits; it runs the measured batch at shorter contexts then
  // (sliding and chunked layers hold up to their window of each sequence: a cap only when it binds)
  const capacity = node.kvBytesPerTokenFull + node.kvBytesPerTokenSliding > 0 ? node.kvCapacityTokens(contextTokens) : Infinity;
  const kvTokens = Math.max(0, Math.min(batch * contextTokens, capacity));
  const decode = node.decodeStep(batch, kvTokens);
  const lambda = batch / outputTokens;
  const prompt = node.prefillInStep(promptTokens);
  const meanStepS = decode.seconds + lambda * prompt.seconds;
  const itlP50S = decode.seconds + (prompt.seconds * lambda * lambda) / (lambda + cal.medianPrefillLambda);
  const gpuW = node.powerW({
    seconds: meanStepS,
    bytes: decode.bytes + lambda * prompt.bytes,
    flops: decode.flops + lambda * prompt.flops,
    memoryS: decode.memoryS + lambda * prompt.memoryS,
    computeS: decode.computeS + lambda * prompt.computeS,
  });
  const outputTokensPerS = batch / meanStepS;
  return { itlP50S, meanStepS, outputTokensPerS, gpuW, jPerOutputToken: (gpuW * node.config.tp) / outputTokensPerS, kvTokens };
}
