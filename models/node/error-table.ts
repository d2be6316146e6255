import type { NodeCalibration } from "./calibration.ts";
import { knownModels, loadModelSpec } from "./catalog.ts";
import { loadGpuSpec, type GpuSpec } from "./gpu-spec.ts";
import { loadMeasuredRows, type MeasuredRow } from "./measurements.ts";
import { buildNodeModel, type NodeModel } from "./node-model.ts";
import { predictServing, type ServingPrediction } from "./serving.ts";

/** The profile whose gpu: block is the GPU the measurements ran on. */
export const MEASURED_ON = "h100-sxm-8x";

/**
 * Whole models held back from the fit (about a quarter of the text rows), so their error is a
 * prediction: one of each kind (small dense, sliding-window dense, 70B TP4, small MoE, large MoE in
 * BF16 and FP8, FP4 MoE).
 */
export const HELD_BACK_MODELS: readonly string[] = [
  "Qwen/Qwen3-14B",
  "google/gemma-3-27b-it",
  "meta-llama/Llama-3.3-70B-Instruct",
  "Qwen/Qwen3-Coder-30B-A3B-Instruct",
  "Qwen/Qwen3-235B-A22B-Thinking-2507",
  "Qwen/Qwen3-235B-A22B-Thinking-2507-FP8",
  "openai/gpt-oss-20b",
];

export type Split = "fitted" | "held-back" | "multimodal";
export const METRICS = ["itl", "tps", "gpuW", "jPerToken"] as const;
export type Metric = (typeof METRICS)[number];

export interface ErrorRow {
  readonly row: MeasuredRow;
  readonly split: Split;
  readonly predicted: ServingPrediction;
  /** predicted / measured - 1, per metric. */
  readonly error: Readonly<Record<Metric, number>>;
}

export interface ErrorTable {
  readonly rows: ErrorRow[];
  /** Rows the model cannot predict, with why. */
  readonly skipped: { row: MeasuredRow; reason: string }[];
}

export function splitOf(row: MeasuredRow): Split {
  if (row.multimodal) return "multimodal";
  return HELD_BACK_MODELS.includes(row.modelId) ? "held-back" : "fitted";
}

/** Node models for the measured configurations, built once per (model, precision, tp, ep, HBM share). */
export function measuredNodes(gpu: GpuSpec = loadGpuSpec(MEASURED_ON)) {
  const known = new Set(knownModels());
  const specs = new Map<string, ReturnType<typeof loadModelSpec>>();
  return (row: MeasuredRow, cal: NodeCalibration): NodeModel | undefined => {
    if (!known.has(row.catalogName)) return undefined;
    let spec = specs.get(row.catalogName);
    if (!spec) specs.set(row.catalogName, (spec = loadModelSpec(row.catalogName)));
    return buildNodeModel({ model: spec, gpu, precision: row.precision, kvPrecision: "bf16", tp: row.tp, ep: row.ep, hbmUsableFraction: row.hbmUsableFraction }, cal);
  };
}

export function predictRow(node: NodeModel, cal: NodeCalibration, row: MeasuredRow): ErrorRow["predicted"] {
  return predictServing(node, cal, row.batch, row.promptTokens, row.outputTokens);
}

/** Every measured row predicted with `cal`, beside what was measured. */
export function errorTable(cal: NodeCalibration, rows: MeasuredRow[] = loadMeasuredRows()): ErrorTable {
  const nodeFor = measuredNodes();
  const out: ErrorRow[] = [];
  const skipped: ErrorTable["skipped"] = [];
  for (const row of rows) {
    const node = nodeFor(row, cal);
    if (!node) {
      skipped.push({ row, reason: `no catalog entry "${row.catalogName}" (the architecture table has no parameter count for it)` });
      continue;
    }
    const p = predictRow(node, cal, row);
    out.push({
      row,
      split: splitOf(row),
      predicted: p,
      error: {
        itl: p.itlP50S / row.itlP50S - 1,
        tps: p.outputTokensPerS / row.outputTokensPerS - 1,
        gpuW: p.gpuW / row.gpuW - 1,
        jPerToken: p.jPerOutputToken / row.jPerOutputToken - 1,
      },
    });
  }
  return { rows: out, skipped };
}

export interface ErrorSummary {
  readonly rows: number;
  readonly medianAbs: number;
  readonly p90Abs: number;
  readonly worstAbs: number;
  readonly worstId: string;
  /** Share of rows within 25 %. */
  readonly within25: number;
}

export function summarize(rows: readonly ErrorRow[], metric: Metric): ErrorSummary {
  const abs = rows.map((r) => Math.abs(r.error[metric])).sort((a, b) => a - b);
  const q = (p: number) => abs[Math.min(abs.length - 1, Math.ceil(p * abs.length) - 1)];
  const worst = rows.reduce((w, r) => (Math.abs(r.error[metric]) > Math.abs(w.error[metric]) ? r : w), rows[0]);
  return {
    rows: rows.length,
    medianAbs: abs.length % 2 ? abs[(abs.length - 1) / 2] : (abs[abs.length / 2 - 1] + abs[abs.length / 2]) / 2,
    p90Abs: q(0.9),
    worstAbs: abs[abs.length - 1],
    worstId: worst.row.id,
    within25: abs.filter((e) => e <= 0.25).length / abs.length,
  };
}
