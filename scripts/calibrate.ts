// npm run calibrate (-- --docs-only to re-render the page from the shipped factors): fits the node model's efficiency factors (models/node/calibration.ts) on the
// fitted split of the ML.ENERGY v3 H100 text-LLM rows, writes them with the fit's provenance to
// models/data/node-calibration.json, and the predicted-vs-measured table to docs/node-model.md.
import { writeFileSync } from "node:fs";
import { CALIBRATION_FILE, loadNodeCalibration, type NodeCalibration } from "../models/node/calibration.ts";
import { dataFile } from "../models/data-dir.ts";
import { errorTable, measuredNodes, predictRow, splitOf, HELD_BACK_MODELS } from "../models/node/error-table.ts";
import { loadMeasuredRows } from "../models/node/measurements.ts";
import { renderNodeModelDoc } from "../models/node/docs-page.ts";

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
const logit = (p: number) => Math.log(p / (1 - p));
// Fractions of the spec sheet kept physical: HBM streams reach about 90-93 % of the rated bandwidth on
// H100 (STREAM-like copy kernels), tensor cores about 75-80 % of dense peak in large GEMMs (cuBLAS); a fit
// against these bounds says the data pull past what the hardware can do.
const BW = [0.3, 0.93] as const;
const MFU = [0.05, 0.8] as const;
const CONTEXT = [0.5, 1.625] as const;
const within = ([lo, hi]: readonly [number, number], x: number) => lo + (hi - lo) * sigmoid(x);
const unwithin = ([lo, hi]: readonly [number, number], v: number) => logit((v - lo) / (hi - lo));

/** Parameter vector (unbounded) <-> calibration: fractions through a logistic, the rest through exp. */
function toCalibration(x: readonly number[]): NodeCalibration {
  return {
    bandwidthFraction: within(BW, x[0]),
    flopsFraction: within(MFU, x[1]),
    prefillFlopsFraction: within(MFU, x[2]),
    stepOverheadS: Math.exp(x[3]),
    layerOverheadS: Math.exp(x[4]),
    allReduceS: Math.exp(x[5]),
    moeLayerOverheadS: Math.exp(x[6]),
    medianPrefillLambda: Math.exp(x[7]),
    power: { base: Math.exp(x[8]), memory: Math.exp(x[9]), compute: Math.exp(x[10]) },
    kvBandwidthFraction: within(BW, x[11]),
    expertFlopsFactor: sigmoid(x[12]),
    weightOnlyFlopsFactor: sigmoid(x[13]),
    fp8LayerOverheadS: Math.exp(x[14]),
    sequenceOverheadS: Math.exp(x[15]),
    // (1 + cv^2) / 2 for cv of output lengths in [0, 1.5]
    contextOutputFactor: within(CONTEXT, x[16]),
    sharedExpertLayerOverheadS: Math.exp(x[17]),
    fp8BlockLayerOverheadS: Math.exp(x[18]),
  };
}

const START: NodeCalibration = {
  bandwidthFraction: 0.8,
  flopsFraction: 0.5,
  prefillFlopsFraction: 0.5,
  stepOverheadS: 2e-3,
  layerOverheadS: 5e-6,
  allReduceS: 10e-6,
  moeLayerOverheadS: 50e-6,
  medianPrefillLambda: 1,
  power: { base: 0.3, memory: 0.3, compute: 0.3 },
  kvBandwidthFraction: 0.6,
  expertFlopsFactor: 0.5,
  weightOnlyFlopsFactor: 0.5,
  fp8LayerOverheadS: 50e-6,
  sequenceOverheadS: 5e-6,
  contextOutputFactor: 1,
  sharedExpertLayerOverheadS: 50e-6,
  fp8BlockLayerOverheadS: 50e-6,
};

function fromCalibration(c: NodeCalibration): number[] {
  return [
    unwithin(BW, c.bandwidthFraction),
    unwithin(MFU, c.flopsFraction),
    unwithin(MFU, c.prefillFlopsFraction),
    Math.log(c.stepOverheadS),
    Math.log(c.layerOverheadS),
    Math.log(c.allReduceS),
    Math.log(c.moeLayerOverheadS),
    Math.log(c.medianPrefillLambda),
    Math.log(c.power.base),
    Math.log(c.power.memory),
    Math.log(c.power.compute),
    unwithin(BW, c.kvBandwidthFraction),
    logit(c.expertFlopsFactor),
    logit(c.weightOnlyFlopsFactor),
    Math.log(c.fp8LayerOverheadS),
    Math.log(c.sequenceOverheadS),
    unwithin(CONTEXT, c.contextOutputFactor),
    Math.log(c.sharedExpertLayerOverheadS),
    Math.log(c.fp8BlockLayerOverheadS),
  ];
}

/** Nelder-Mead simplex minimisation (standard coefficients 1, 2, 0.5, 0.5). */
function nelderMead(f: (x: number[]) => number, x0: number[], step: number, iterations: number): number[] {
  const n = x0.length;
  let simplex = [x0, ...x0.map((_, i) => x0.map((v, j) => (i === j ? v + step : v)))].map((x) => ({ x, f: f(x) }));
  for (let it = 0; it < iterations; it++) {
    simplex.sort((a, b) => a.f - b.f);
    const centroid = x0.map((_, j) => simplex.slice(0, n).reduce((s, p) => s + p.x[j], 0) / n);
    const worst = simplex[n];
    const along = (t: number) => centroid.map((c, j) => c + t * (worst.x[j] - c));
    const r = along(-1);
    const fr = f(r);
    if (fr < simplex[0].f) {
      const e = along(-2);
      const fe = f(e);
      simplex[n] = fe < fr ? { x: e, f: fe } : { x: r, f: fr };
    } else if (fr < simplex[n - 1].f) simplex[n] = { x: r, f: fr };
    else {
      const c = along(0.5);
      const fc = f(c);
      if (fc < worst.f) simplex[n] = { x: c, f: fc };
      else simplex = simplex.map((p, i) => (i === 0 ? p : { x: p.x.map((v, j) => simplex[0].x[j] + 0.5 * (v - simplex[0].x[j])), f: 0 })).map((p, i) => (i === 0 ? p : { x: p.x, f: f(p.x) }));
    }
  }
  simplex.sort((a, b) => a.f - b.f);
  return simplex[0].x;
}

const rows = loadMeasuredRows();
const docsPath = new URL("../docs/node-model.md", import.meta.url);

// --docs-only: the page re-rendered from the shipped calibration (after editing its text), no refit
if (process.argv.includes("--docs-only")) {
  const shipped = loadNodeCalibration();
  writeFileSync(docsPath, renderNodeModelDoc(shipped, errorTable(shipped, rows)));
  process.exit(0);
}
const fitted = rows.filter((r) => splitOf(r) === "fitted");
const nodeFor = measuredNodes();

/** Sum over fitted rows of absolute log errors (robust: a few rows the physics misses do not pull the rest) of the four targets: median ITL, throughput, W per GPU, J per token. */
function loss(x: number[]): number {
  const cal = toCalibration(x);
  let s = 0;
  for (const row of fitted) {
    const node = nodeFor(row, cal);
    if (!node) continue;
    const p = predictRow(node, cal, row);
    s += Math.abs(Math.log(p.itlP50S / row.itlP50S)) + Math.abs(Math.log(p.outputTokensPerS / row.outputTokensPerS)) + Math.abs(Math.log(p.gpuW / row.gpuW)) + Math.abs(Math.log(p.jPerOutputToken / row.jPerOutputToken));
  }
  return s;
}

// restarts from the start point shifted by fixed offsets (deterministic), each refined in rounds; the best kept
let best = fromCalibration(START);
let bestLoss = loss(best);
for (const shift of [0, 1, -1, 2]) {
  let x = fromCalibration(START).map((v, i) => v + (i % 2 ? shift : -shift) * 0.5);
  for (let round = 0; round < 5; round++) x = nelderMead(loss, x, round === 0 ? 1 : 0.3, 1500);
  const l = loss(x);
  if (l < bestLoss) (best = x), (bestLoss = l);
}
const calibration = toCalibration(best);
const table = errorTable(calibration, rows);
const provenance = {
  fitted_by: "scripts/calibrate.ts (npm run calibrate): Nelder-Mead on the sum of absolute log errors of ITL p50, output tokens/s, W per GPU and J per output token",
  data: "models/data/mlenergy-v3/mlenergy-v3-h100.csv (ML.ENERGY Leaderboard v3, H100 SXM, vLLM 0.11.1)",
  gpu: "gpu: block of models/data/h100-sxm-8x.yaml",
  fitted_rows: table.rows.filter((r) => r.split === "fitted").length,
  held_back_models: HELD_BACK_MODELS,
  held_back_rows: table.rows.filter((r) => r.split === "held-back").length,
  multimodal_rows_reported_apart: table.rows.filter((r) => r.split === "multimodal").length,
  skipped_rows: table.skipped.length,
  loss: loss(best),
};
writeFileSync(dataFile(CALIBRATION_FILE), JSON.stringify({ calibration, provenance }, null, 2) + "\n");
// the page is rendered from the file as written, as the test that checks it reads it
const shipped = loadNodeCalibration();
writeFileSync(docsPath, renderNodeModelDoc(shipped, errorTable(shipped, rows)));
console.log(JSON.stringify(calibration, null, 2));
