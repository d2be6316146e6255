import { PUBLISHED } from "../../models/paper/published.ts";
import type { RunData } from "./run-data.ts";
import { esc, frame, legend, niceTicks, spreadLabels, svgOpen, twoLines, yAxis } from "./svg.ts";

/** Energy components of summary.json's energy.by_component, bottom of a stack first. */
export const COMPONENTS = [
  { key: "gpu_busy_wh", label: "GPU busy", colour: "#B2182B" },
  { key: "gpu_idle_wh", label: "GPU idle", colour: "#EF8A62" },
  { key: "host_wh", label: "host", colour: "#2166AC" },
  { key: "interconnect_wh", label: "network", colour: "#67A9CF" },
  { key: "parked_wh", label: "parked nodes", colour: "#B8E186" },
  { key: "orchestration_wh", label: "orchestration", colour: "#762A83" },
  { key: "cooling_and_power_wh", label: "cooling + power", colour: "#999999" },
] as const;

export type ComponentKey = (typeof COMPONENTS)[number]["key"];

/** The paper's fleet figures for 1e9 queries a day (journal to arXiv v1 value), drawn as bands. */
export const PAPER_FLEET_BANDS = [
  { label: "paper: traditional", lo: PUBLISHED.joule.fleet.traditional!, hi: PUBLISHED.v1.fleet.traditional! },
  { label: "paper: 10 % test-time scaling", lo: PUBLISHED.joule.fleet.mix_10pct!, hi: PUBLISHED.v1.fleet.mix_10pct! },
  { label: "paper: 10 % mix, better serving", lo: PUBLISHED.joule.fleet.mix_10pct_improved!, hi: PUBLISHED.v1.fleet.mix_10pct_improved! },
];

/**
 * Facility energy per completed query (all-in) split by component, one stacked bar per run. All-in Wh
 * per query is also the GWh/day of 1e9 queries a day, so the paper's fleet figures apply as they are,
 * whatever the size of the simulated fleet.
 */
export function componentsChart(runs: readonly RunData[]): string {
  const f = frame(880, 340, { left: 64, right: 440, top: 36, bottom: 44 });
  const stacks = runs.map((r) => {
    const n = r.summary.queries.completed;
    return COMPONENTS.map((c) => (n > 0 ? (r.summary.energy.by_component[c.key] ?? 0) / n : 0));
  });
  const maxWh = Math.max(...stacks.map((s) => s.reduce((a, b) => a + b, 0)), ...PAPER_FLEET_BANDS.map((b) => b.hi));
  const yTicks = niceTicks(0, maxWh * 1.05, 5);
  const yMax = yTicks[yTicks.length - 1];
  const y = (wh: number) => f.bottom - (wh / yMax) * (f.bottom - f.top);
  const slot = (f.right - f.left) / runs.length;
  const barW = Math.min(90, slot * 0.6);
  const bars = stacks.map((stack, i) => {
    const x0 = f.left + slot * i + (slot - barW) / 2;
    let base = 0;
    const rects = stack.map((wh, k) => {
      const r = `<rect x="${x0.toFixed(1)}" y="${y(base + wh).toFixed(1)}" width="${barW.toFixed(1)}" height="${(y(base) - y(base + wh)).toFixed(1)}" fill="${COMPONENTS[k].colour}"><title>${esc(`${runs[i].summary.scenario}: ${COMPONENTS[k].label} ${wh.toFixed(3)} Wh`)}</title></rect>`;
      base += wh;
      return r;
    });
    const cx = x0 + barW / 2;
    return (
      rects.join("") +
      `<text x="${cx.toFixed(1)}" y="${(y(base) - 5).toFixed(1)}" text-anchor="middle">${base.toFixed(2)}</text>` +
      twoLines(runs[i].summary.scenario, Math.floor(slot / 7.5))
        .map((line, k) => `<text x="${cx.toFixed(1)}" y="${f.bottom + 16 + 14 * k}" text-anchor="middle">${esc(line)}</text>`)
        .join("")
    );
  });
  const labelYs = spreadLabels(PAPER_FLEET_BANDS.map((b) => y((b.lo + b.hi) / 2) + 4));
  // bands behind the bars, their centre lines over them
  const bands = PAPER_FLEET_BANDS.map(
    (b) => `<rect x="${f.left}" y="${y(b.hi).toFixed(1)}" width="${f.right - f.left}" height="${Math.max(y(b.lo) - y(b.hi), 1.5).toFixed(1)}" fill="#000" fill-opacity="0.1"/>`,
  );
  const bandLines = PAPER_FLEET_BANDS.map(
    (b, i) =>
      `<line x1="${f.left}" x2="${f.right + 6}" y1="${y((b.lo + b.hi) / 2).toFixed(1)}" y2="${labelYs[i] - 4}" stroke="#555" stroke-dasharray="3 3"/>` +
      `<text x="${f.right + 8}" y="${labelYs[i].toFixed(1)}" fill="#333">${esc(`${b.label} ${b.lo}-${b.hi}`)}</text>`,
  );
  const legendFrame = { ...f, right: f.right + 270 };
  return (
    svgOpen(f, "Energy per query by component (all-in, facility)") +
    yAxis(f, yTicks, y, "Wh per query = GWh/day per 1e9 queries/day") +
    `<line x1="${f.left}" x2="${f.right}" y1="${f.bottom}" y2="${f.bottom}" stroke="#333"/>` +
    bands.join("") +
    bars.join("") +
    bandLines.join("") +
    legend(legendFrame, COMPONENTS.filter((_, k) => stacks.some((st) => st[k] > 0)).reverse()) +
    "</svg>"
  );
}
