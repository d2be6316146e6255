import { readCsv } from "./csv.ts";
import { dataFile } from "./data-dir.ts";
import { fitBatchHalfSpeed, type BatchThroughputPoint } from "./batching.ts";
import type { GpuActivePower } from "./hardware-types.ts";

export interface PowerRow {
  readonly model: string;
  readonly gpus: number;
  /** Measured mean batch where the table has it, else the configured max_num_seqs. */
  readonly batch: number;
  readonly wPerGpu: number;
  readonly tokensPerS: number;
}

/**
 * Rows of power-vs-batch-h100.csv from tensor-parallel runs (gpus > 1). The 1-GPU Llama-3.1-8B rows are
 * left out: a small model alone on one GPU has no all-reduce stalls and is compute-bound at small batch,
 * so it draws 486-688 W where the TP4/TP8 runs a node actually serves draw 408-637 W.
 */
export function loadPowerRows(path = dataFile("power-vs-batch-h100.csv")): PowerRow[] {
  return readCsv(path)
    .filter((r) => Number(r.gpus) > 1)
    .map((r) => ({
      model: r.model,
      gpus: Number(r.gpus),
      batch: Number(r.avg_batch || r.max_num_seqs),
      wPerGpu: Number(r.w_per_gpu),
      tokensPerS: Number(r.output_tok_s),
    }));
}

export function logisticW(p: GpuActivePower, batch: number): number {
  return p.lowW + (p.highW - p.lowW) / (1 + Math.exp(-p.steepness * (Math.log2(batch) - p.log2BatchMid)));
}

/**
 * Least relative squared error fit of the logistic: a grid over x0 in [0, 12] and k in [0.05, 4] in steps of 0.01, and for each the best
 * (P_lo, P_hi) in closed form, since the curve is linear in them. Deterministic.
 */
export function fitLogistic(points: readonly { batch: number; powerW: number }[]): GpuActivePower {
  let best = { err: Infinity, fit: { lowW: 0, highW: 0, log2BatchMid: 0, steepness: 0 } };
  for (let i = 0; i <= 1200; i++) {
    const x0 = i / 100;
    for (let j = 5; j <= 400; j++) {
      const k = j / 100;
      // Minimise sum (lo a_i + hi c_i - 1)^2 with a_i = (1 - s_i) / y_i, c_i = s_i / y_i.
      let aa = 0, ac = 0, cc = 0, a1 = 0, c1 = 0;
      for (const p of points) {
        const s = 1 / (1 + Math.exp(-k * (Math.log2(p.batch) - x0)));
        const a = (1 - s) / p.powerW;
        const c = s / p.powerW;
        aa += a * a; ac += a * c; cc += c * c; a1 += a; c1 += c;
      }
      const det = aa * cc - ac * ac;
      if (!(Math.abs(det) > 1e-30)) continue;
      const lowW = (a1 * cc - c1 * ac) / det;
      const highW = (c1 * aa - a1 * ac) / det;
      const fit = { lowW, highW, log2BatchMid: x0, steepness: k };
      let err = 0;
      for (const p of points) err += (logisticW(fit, p.batch) / p.powerW - 1) ** 2;
      if (err < best.err) best = { err, fit };
    }
  }
  return best.fit;
}

/** The GPU active-power logistic of the shipped h100-sxm-8x profile, refitted from the table. */
export function fitGpuActivePower(path = dataFile("power-vs-batch-h100.csv")): GpuActivePower {
  return fitLogistic(loadPowerRows(path).map((r) => ({ batch: r.batch, powerW: r.wPerGpu })));
}

/**
 * b of the shipped profile, from the Llama-3.1-405B FP8 TP8 rows: the only runs on a whole 8-GPU node
 * serving a frontier-size model, which is what the profile describes. (The 70B TP4 rows give a similar b
 * but on half a node.)
 */
export function defaultBatchThroughputPoints(path = dataFile("power-vs-batch-h100.csv")): BatchThroughputPoint[] {
  return loadPowerRows(path)
    .filter((r) => r.gpus === 8)
    .map((r) => ({ batch: r.batch, tokensPerS: r.tokensPerS }));
}

export function fitDefaultBatchHalfSpeed(path = dataFile("power-vs-batch-h100.csv")): number {
  return fitBatchHalfSpeed(defaultBatchThroughputPoints(path));
}
