import { describe, expect, it } from "vitest";
import { comparisonCsv, comparisonMd } from "../sim/report/comparison-files.ts";
import { compareRuns, comparisonTable, METRICS, PHYSICAL_METRICS } from "../sim/report/comparison.ts";
import { hasPhases, phaseChart, phaseClassChart } from "../sim/report/chart-phases.ts";
import { CHARTS, chartsFor, PHASE_CHARTS, reportHtml } from "../sim/report/report-html.ts";
import { phaseSummary } from "./phase-fixtures.ts";
import { runData, tinySummary } from "./tui-fixtures.ts";

const svgs = (html: string) => html.match(/<svg[\s>]/g)?.length ?? 0;
const physicalRun = () => runData(phaseSummary(), "/results/phys");
const regressionRun = () => runData(phaseSummary(false), "/results/reg");

describe("report.html with physical pools", () => {
  it("has the energy-by-phase charts iff some run has by_phase", () => {
    const withPhases = reportHtml([physicalRun()], new Date(0));
    expect(svgs(withPhases)).toBe(CHARTS.length + PHASE_CHARTS.length);
    expect(withPhases).toContain("Facility energy by phase");
    expect(withPhases).toContain("Energy per query by phase");
    const without = reportHtml([regressionRun()], new Date(0));
    expect(svgs(without)).toBe(CHARTS.length);
    expect(without).not.toContain("by phase");
    // a comparison with one physical run: the charts, the regression run named without a bar
    const mixed = reportHtml([regressionRun(), physicalRun()], new Date(0));
    expect(svgs(mixed)).toBe(CHARTS.length + PHASE_CHARTS.length);
    expect(mixed).toContain("no physical pool");
    expect(chartsFor([regressionRun()])).toEqual([...CHARTS]);
  });

  it("a summary.json from before the phase split (no by_phase key) draws no phase chart", () => {
    const old = runData(tinySummary());
    const { by_phase: _, ...energy } = old.summary.energy;
    expect(hasPhases([{ ...old, summary: { ...old.summary, energy } as typeof old.summary }])).toBe(false);
  });

  it("the phase chart stacks prefill, decode and idle facility energy with their shares", () => {
    const svg = phaseChart([physicalRun()]);
    // 264 + 3894 + 462 = 4620 Wh: 4.62 kWh, 6 %, 84 %, 10 %
    expect(svg).toContain("facility energy, kWh");
    expect(svg).toContain("phys: prefill 0.264 kWh (6%)");
    expect(svg).toContain("phys: decode 3.89 kWh (84%)");
    expect(svg).toContain("phys: idle 0.462 kWh (10%)");
    expect(svg).toContain(">4.62<");
    expect(svg.match(/<rect [^>]*fill="#(762A83|E08214|BDBDBD)"/g)?.length).toBe(3 + 3);
  });

  it("the per-class chart: mean Wh per query for prefill and decode, classes with none completed left out", () => {
    const svg = phaseClassChart([physicalRun()]);
    expect(svg).toContain("chat: prefill 0.132 Wh per query");
    expect(svg).toContain("chat: decode 0.66 Wh per query");
    expect(svg).not.toContain("idle-class");
    // two runs: rows named by run and class
    expect(phaseClassChart([physicalRun(), { ...physicalRun(), summary: { ...phaseSummary(), scenario: "other" } }])).toContain("other: chat");
  });
});

describe("compare with physical pools", () => {
  it("the table and files gain phase energy per day, TPOT p99 and KV fill; the existing columns keep their places", () => {
    const compared = compareRuns([regressionRun(), physicalRun()]);
    const t = comparisonTable(compared);
    const row = (label: string) => t.rows.find((r) => r[0] === label);
    // 264 Wh over an hour: 6.336 kWh a day = 0.0063 MWh/day
    expect(row("prefill, MWh/day")?.slice(1)).toEqual(["-", "0.0063", "-"]);
    expect(row("KV fill (time mean over busy nodes)")?.slice(1)).toEqual(["-", "0.35", "-"]);
    expect(row("time per output token p99, s")?.[2]).toMatch(/^0\.05\d$/);
    const [header, , phys] = comparisonCsv(compared).trim().split("\n").map((l) => l.split(","));
    const base = METRICS.map((m) => m.key);
    expect(header.slice(6, 6 + 2 * base.length)).toEqual([...base, ...base.map((k) => `ratio_${k}`)]);
    const added = PHYSICAL_METRICS.map((m) => m.key);
    expect(header.slice(6 + 2 * base.length)).toEqual([...added, ...added.map((k) => `ratio_${k}`)]);
    expect(Number(phys[header.indexOf("kv_fill_mean")])).toBeCloseTo(0.35, 12);
    expect(comparisonMd(compared)).toMatch(/\| KV fill \(time mean over busy nodes\) \| - \| 0\.35 \| - \|/);
  });

  it("without physical pools nothing is added", () => {
    const compared = compareRuns([regressionRun(), runData(tinySummary())]);
    expect(Object.keys(compared[0].metrics)).toEqual(METRICS.map((m) => m.key));
    const header = comparisonCsv(compared).split("\n")[0].split(",");
    expect(header).toHaveLength(6 + 2 * METRICS.length);
    expect(comparisonTable(compared).rows.map((r) => r[0])).not.toContain("KV fill (time mean over busy nodes)");
  });
});
