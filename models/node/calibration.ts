import { readFileSync } from "node:fs";
import { dataFile } from "../data-dir.ts";

/** Efficiency factors of the node model, fitted by scripts/calibrate.ts on the H100 measurements. */
export interface NodeCalibration {
  /** Achieved fraction of HBM bandwidth reading weights and KV cache. */
  readonly bandwidthFraction: number;
  /** Achieved fraction of HBM bandwidth reading the KV cache (paged attention kernels). */
  readonly kvBandwidthFraction: number;
  /** Achieved fraction of dense tensor FLOP/s in decode (matrix and attention work). */
  readonly flopsFraction: number;
  /** Routed-expert GEMMs' FLOP/s relative to dense ones (many small grouped GEMMs). */
  readonly expertFlopsFactor: number;
  /** GEMMs on weights the GPU has no tensor cores for (MXFP4 on Hopper), dequantized in the kernel: FLOP/s relative to native. */
  readonly weightOnlyFlopsFactor: number;
  /** Achieved fraction of dense tensor FLOP/s in prefill. */
  readonly prefillFlopsFraction: number;
  /** Fixed time per decode step (scheduler, sampling, launch), seconds. */
  readonly stepOverheadS: number;
  /** Time per layer per step not accounted for by bytes or FLOPs (kernel boundaries), seconds. */
  readonly layerOverheadS: number;
  /** Extra time per layer per step with FP8 weights scaled per channel or tensor (dynamic per-token FP8 quantization of the activations), seconds. */
  readonly fp8LayerOverheadS: number;
  /** Same, with block-scaled FP8 weights (128 x 128 blocks: per-token-group activation quantization before each GEMM, block-scaled GEMM kernels), seconds. */
  readonly fp8BlockLayerOverheadS: number;
  /** Time per running sequence per step (scheduling, sampling, output handling), seconds. */
  readonly sequenceOverheadS: number;
  /** Latency of one tensor-parallel all-reduce (tp > 1), seconds. */
  readonly allReduceS: number;
  /** Fixed time per MoE layer per step (routing, top-k, sorting tokens by expert, grouped-GEMM launch), seconds. */
  readonly moeLayerOverheadS: number;
  /**
   * Extra fixed time per MoE layer with shared experts (Llama 4, DeepSeek): the shared expert is a separate
   * MLP (gate-up GEMM, activation, down GEMM, add) launched beside the routed experts; the GPU waits between
   * these small kernels at low batch, so this time draws base power. Seconds.
   */
  readonly sharedExpertLayerOverheadS: number;
  /**
   * Prompts per step at which half the prefill load shows in the median inter-token latency:
   * median step = decode + prefill per prompt x lambda^2 / (lambda + this).
   */
  readonly medianPrefillLambda: number;
  /**
   * Nuisance parameter of the measurements, not of the node: the mean context a running sequence holds is
   * prompt + this x output. Output lengths with coefficient of variation cv give (1 + cv^2) / 2 (0.5 if all
   * equal, 1 if exponential); the runs do not publish their spread, so it is fitted.
   */
  readonly contextOutputFactor: number;
  /** GPU power = idle + (max - idle) (base + memory t_mem / t + compute FLOP/s / peak FLOP/s): t_mem / t the share of time in HBM-bound kernels. */
  readonly power: { readonly base: number; readonly memory: number; readonly compute: number };
}

export interface CalibrationFile {
  readonly calibration: NodeCalibration;
  readonly provenance: Readonly<Record<string, unknown>>;
}

export const CALIBRATION_FILE = "node-calibration.json";

/** The shipped calibration (models/data/node-calibration.json, written by npm run calibrate). */
export function loadNodeCalibration(): NodeCalibration {
  const path = dataFile(CALIBRATION_FILE);
  const doc = JSON.parse(readFileSync(path, "utf8")) as CalibrationFile;
  const c = doc.calibration;
  const numbers = [c?.bandwidthFraction, c?.kvBandwidthFraction, c?.expertFlopsFactor, c?.weightOnlyFlopsFactor, c?.flopsFraction, c?.prefillFlopsFraction, c?.stepOverheadS, c?.layerOverheadS, c?.allReduceS, c?.moeLayerOverheadS, c?.sharedExpertLayerOverheadS, c?.fp8LayerOverheadS, c?.fp8BlockLayerOverheadS, c?.sequenceOverheadS, c?.medianPrefillLambda, c?.contextOutputFactor, c?.power?.base, c?.power?.memory, c?.power?.compute];
  if (!numbers.every((v) => typeof v === "number" && Number.isFinite(v))) throw new RangeError(`${path}: "calibration" must hold every factor as a number; run npm run calibrate`);
  return c;
}
