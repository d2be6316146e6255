import { readCsv } from "./csv.ts";
import { dataFile } from "./data-dir.ts";

/**
 * Node throughput TPS(L_in, L_out) in output tokens per second on one 8-GPU node at full batch.
 * Either the paper's log-log regression (ln TPS = b0 + b1 ln L_in + b2 ln L_out, capped at the largest
 * observed TPS) or a constant.
 */
export type TpsModel =
  | { readonly kind: "regression"; readonly b0: number; readonly b1: number; readonly b2: number; readonly capTokensPerS: number }
  | { readonly kind: "constant"; readonly tokensPerS: number };

export function predictTps(m: TpsModel, inputTokens: number, outputTokens: number): number {
  if (m.kind === "constant") return m.tokensPerS;
  const lnTps = m.b0 + m.b1 * Math.log(Math.max(inputTokens, 1)) + m.b2 * Math.log(Math.max(outputTokens, 1));
  return Math.min(Math.exp(lnTps), m.capTokensPerS);
}

export interface ThroughputRow {
  readonly model: string;
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly tokensPerS: number;
}

/** The FP8 rows the paper fits on (`used_by_paper = yes`) from models/data/throughput-h100.csv. */
export function loadThroughputRows(path = dataFile("throughput-h100.csv")): ThroughputRow[] {
  return readCsv(path)
    .filter((r) => r.used_by_paper === "yes" && r.quantization === "FP8")
    .map((r) => ({ model: r.model, inputTokens: Number(r.input_tokens), outputTokens: Number(r.output_tokens), tokensPerS: Number(r.node_tps) }));
}

/** Ordinary least squares of ln TPS on (1, ln L_in, ln L_out); 3 rows or more. */
export function fitTps(rows: readonly ThroughputRow[]): TpsModel {
  const cap = Math.max(...rows.map((r) => r.tokensPerS));
  if (rows.length < 3) return { kind: "constant", tokensPerS: cap };
  // Normal equations X'X b = X'y, 3x3, solved by Cramer's rule.
  const xtx = [[0, 0, 0], [0, 0, 0], [0, 0, 0]];
  const xty = [0, 0, 0];
  for (const r of rows) {
    const x = [1, Math.log(r.inputTokens), Math.log(r.outputTokens)];
    const y = Math.log(r.tokensPerS);
    for (let i = 0; i < 3; i++) {
      xty[i] += x[i] * y;
      for (let j = 0; j < 3; j++) xtx[i][j] += x[i] * x[j];
    }
  }
  const det = det3(xtx);
  if (Math.abs(det) < 1e-12) return { kind: "constant", tokensPerS: cap };
  const b = [0, 1, 2].map((k) => det3(xtx.map((row, i) => row.map((v, j) => (j === k ? xty[i] : v)))) / det);
  return { kind: "regression", b0: b[0], b1: b[1], b2: b[2], capTokensPerS: cap };
}

function det3(m: number[][]): number {
  return (
    m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) -
    m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0]) +
    m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0])
  );
}

let fitted: Map<string, TpsModel> | undefined;

/** Every model of the shipped throughput table, fitted once. */
export function paperTpsModels(): ReadonlyMap<string, TpsModel> {
  if (!fitted) {
    const byModel = new Map<string, ThroughputRow[]>();
    for (const r of loadThroughputRows()) byModel.set(r.model, [...(byModel.get(r.model) ?? []), r]);
    fitted = new Map([...byModel].map(([name, rows]) => [name, fitTps(rows)]));
  }
  return fitted;
}

/** The fitted model by name; the error lists the names known. */
export function tpsModelByName(name: string): TpsModel {
  const m = paperTpsModels().get(name);
  if (!m) throw new RangeError(`unknown model "${name}"; known models: ${[...paperTpsModels().keys()].join(", ")}`);
  return m;
}
