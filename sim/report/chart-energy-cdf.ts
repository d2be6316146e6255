import { PUBLISHED } from "../../models/paper/published.ts";
import type { RunData } from "./run-data.ts";
import { esc, frame, legend, logTicks, scenarioColour, svgOpen, xAxis, yAxis } from "./svg.ts";

/** The paper's median Wh per query (journal to arXiv v1 value), drawn as grey marks. */
export const PAPER_MEDIAN_MARKS = [
  { label: `traditional ${PUBLISHED.joule.perQuery.traditional.p50}-${PUBLISHED.v1.perQuery.traditional.p50}`, lo: PUBLISHED.joule.perQuery.traditional.p50, hi: PUBLISHED.v1.perQuery.traditional.p50 },
  { label: `test-time scaling ${PUBLISHED.joule.perQuery.test_time_scaling.p50}-${PUBLISHED.v1.perQuery.test_time_scaling.p50}`, lo: PUBLISHED.joule.perQuery.test_time_scaling.p50, hi: PUBLISHED.v1.perQuery.test_time_scaling.p50 },
];

/** Cumulative share of queries against attributed Wh per query (log scale), one line per run. */
export function energyCdfChart(runs: readonly RunData[]): string {
  const f = frame(760, 350, { left: 64, right: 150, top: 52, bottom: 44 });
  const whs = runs.flatMap((r) => r.energyQuantiles.map((p) => p.wh)).filter((v) => v > 0);
  const marks = PAPER_MEDIAN_MARKS.flatMap((m) => [m.lo, m.hi]);
  const lo = 10 ** Math.floor(Math.log10(Math.min(...whs, ...marks)));
  const hi = 10 ** Math.ceil(Math.log10(Math.max(...whs, ...marks)));
  const x = (wh: number) => f.left + ((Math.log10(Math.max(wh, lo)) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo))) * (f.right - f.left);
  const y = (share: number) => f.bottom - share * (f.bottom - f.top);
  const lines = runs.map((r, i) => {
    const d = r.energyQuantiles.map((p, k) => `${k === 0 ? "M" : "L"}${x(p.wh).toFixed(1)},${y(p.q).toFixed(1)}`).join("");
    return `<path d="${d}" fill="none" stroke="${scenarioColour(i)}" stroke-width="2"><title>${esc(r.summary.scenario)}</title></path>`;
  });
  // labels above the plot: the leftmost mark's ends at it, the others' start at theirs
  const refs = PAPER_MEDIAN_MARKS.map(
    (m, i) =>
      `<rect x="${x(m.lo).toFixed(1)}" y="${f.top}" width="${Math.max(x(m.hi) - x(m.lo), 1.5).toFixed(1)}" height="${f.bottom - f.top}" fill="#000" fill-opacity="0.15"/>` +
      (i === 0
        ? `<text x="${x(m.hi).toFixed(1)}" y="${f.top - 6}" fill="#333" text-anchor="end">${esc(m.label)}</text>`
        : `<text x="${x(m.lo).toFixed(1)}" y="${f.top - 6}" fill="#333">${esc(m.label)}</text>`),
  );
  return (
    svgOpen(f, "Attributed energy per query: cumulative share of queries") +
    yAxis(f, [0, 0.25, 0.5, 0.75, 1], y, "share of queries at or below") +
    xAxis(f, logTicks(lo, hi), x, "Wh per query (log scale)") +
    refs.join("") +
    lines.join("") +
    legend(f, [...runs.map((r, i) => ({ label: r.summary.scenario, colour: scenarioColour(i) })), { label: "paper's medians", colour: "#d9d9d9" }]) +
    "</svg>"
  );
}
