import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { dataFile } from "../models/data-dir.ts";
import { loadNodeCalibration } from "../models/node/calibration.ts";
import { renderNodeModelDoc } from "../models/node/docs-page.ts";
import { errorTable, summarize, type Metric } from "../models/node/error-table.ts";

// the calibration's error table, regenerated from the shipped measurements and calibration
const cal = loadNodeCalibration();
const table = errorTable(cal);
const split = (s: string) => table.rows.filter((r) => r.split === s);

describe("node calibration on the ML.ENERGY v3 H100 rows", () => {
  it("docs/node-model.md is what the shipped data and calibration give (run npm run calibrate if not)", () => {
    const page = readFileSync(new URL("../docs/node-model.md", import.meta.url), "utf8");
    expect(page).toBe(renderNodeModelDoc(cal, table));
  });

  it("predicts every modelled row: 243 text rows (167 fitted, 76 held back), 111 image/video rows, 51 rows without an architecture", () => {
    expect(split("fitted")).toHaveLength(167);
    expect(split("held-back")).toHaveLength(76);
    expect(split("multimodal")).toHaveLength(111);
    expect(table.skipped).toHaveLength(51);
    const provenance = JSON.parse(readFileSync(dataFile("node-calibration.json"), "utf8")).provenance;
    expect(provenance.fitted_rows).toBe(167);
    expect(provenance.held_back_rows).toBe(76);
  });

  // The levels reached, asserted so that a change that loses accuracy fails. Issue 14's targets are a
  // median of 10 % and 90 % of rows within 25 % (ITL, W per GPU, J per token): met on both splits
  // (fitted 6.0 / 7.6 / 8.3 % median, 100 / 100 / 97 % within 25 %; held back 6.8 / 5.8 / 6.8 %, 96 / 100 / 100 %).
  const reached: Record<string, Record<Metric, [number, number]>> = {
    "held-back": { itl: [0.075, 0.95], tps: [0.075, 0.98], gpuW: [0.065, 0.98], jPerToken: [0.075, 0.98] },
    fitted: { itl: [0.07, 0.98], tps: [0.07, 0.95], gpuW: [0.085, 0.98], jPerToken: [0.09, 0.95] },
  };
  for (const [name, metrics] of Object.entries(reached)) {
    for (const [metric, [median, within]] of Object.entries(metrics)) {
      it(`${name} rows, ${metric}: median absolute error <= ${median * 100} %, >= ${within * 100} % of rows within 25 %`, () => {
        const s = summarize(split(name), metric as Metric);
        expect(s.medianAbs).toBeLessThanOrEqual(median);
        expect(s.within25).toBeGreaterThanOrEqual(within);
      });
    }
  }

  it("fitted factors stay physical: bandwidth and FLOP/s fractions in (0.3, 1), a step's fixed time under 5 ms, the others under 1 ms", () => {
    for (const f of [cal.bandwidthFraction, cal.kvBandwidthFraction, cal.flopsFraction, cal.prefillFlopsFraction]) {
      expect(f).toBeGreaterThan(0.3);
      expect(f).toBeLessThan(1);
    }
    expect(cal.stepOverheadS).toBeLessThan(5e-3);
    for (const s of [cal.layerOverheadS, cal.moeLayerOverheadS, cal.sharedExpertLayerOverheadS, cal.fp8LayerOverheadS, cal.fp8BlockLayerOverheadS, cal.sequenceOverheadS, cal.allReduceS]) expect(s).toBeLessThan(1e-3);
  });
});
