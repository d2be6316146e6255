import { PUBLISHED } from "../../models/paper/published.ts";
import type { RunData } from "./run-data.ts";
import { esc, frame, legend, logTicks, scenarioColour, svgOpen, xAxis, yAxis } from "./svg.ts";

/** The paper's median Wh per query (journal and arXiv v1), drawn as vertical marks. */
export const PAPER_MEDIAN_MARKS = [
  { label: `paper traditional median ${PUBLISHED.joule.perQuery.traditional.p50}-${PUBLISHED.v1.perQuery.traditional.p50} Wh`, lo: PUBLISHED.joule.perQuery.traditional.p50, hi: PUBLISHED.v1.perQuery.traditional.p50 },
  { label: `paper test-time scaling median ${PUBLISHED.joule.perQuery.test_time_scaling.p50}-${PUBLISHED.v1.perQuery.test_time_scaling.p50} Wh`, lo: PUBLISHED.joule.perQuery.test_time_scaling.p50, hi: PUBLISHED.v1.perQuery.test_time_scaling.p50 },
];

/** A white outline keeps a label readable where it crosses a line. */
const HALO = `stroke="#fff" stroke-width="3" paint-order="stroke"`;

/** Cumulative share of queries against attributed Wh per query (log scale), one line per run. */
export function energyCdfChart(runs: readonly RunData[]): string {
  const f = frame(760, 340, { left: 64, right: 150, top: 36, bottom: 44 });
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
  // The curves rise from bottom left to top right: label marks in the left half at the top, in the right half at the bottom.
  const left = PAPER_MEDIAN_MARKS.map((m) => x(m.lo) < (f.left + f.right) / 2);
  const labelYs = PAPER_MEDIAN_MARKS.map((_, i) => {
    const k = PAPER_MEDIAN_MARKS.filter((__, j) => j < i && left[j] === left[i]).length;
    return left[i] ? f.top + 14 + k * 14 : f.bottom - 8 - k * 14;
  });
  const refs = PAPER_MEDIAN_MARKS.map(
    (m, i) =>
      `<rect x="${x(m.lo).toFixed(1)}" y="${f.top}" width="${Math.max(x(m.hi) - x(m.lo), 1.5).toFixed(1)}" height="${f.bottom - f.top}" fill="#000" fill-opacity="0.15"/>` +
      (left[i]
        ? `<text x="${(x(m.hi) + 4).toFixed(1)}" y="${labelYs[i]}" fill="#333" ${HALO}>${esc(m.label)}</text>`
        : `<text x="${(x(m.lo) - 4).toFixed(1)}" y="${labelYs[i]}" fill="#333" text-anchor="end" ${HALO}>${esc(m.label)}</text>`),
  );
  return (
    svgOpen(f, "Attributed energy per query: cumulative share of queries") +
    yAxis(f, [0, 0.25, 0.5, 0.75, 1], y, "share of queries at or below") +
    xAxis(f, logTicks(lo, hi), x, "Wh per query (log scale)") +
    refs.join("") +
    lines.join("") +
    legend(f, runs.map((r, i) => ({ label: r.summary.scenario, colour: scenarioColour(i) }))) +
    "</svg>"
  );
}
