import type { RunData } from "./run-data.ts";
import { esc, frame, legend, niceTicks, scenarioColour, svgOpen, xAxis, yAxis } from "./svg.ts";

/** Facility power over simulated time, one stepped line per run (each step one time-series interval). */
export function powerChart(runs: readonly RunData[]): string {
  const f = frame(760, 320);
  const endH = Math.max(...runs.flatMap((r) => r.power.map((p) => p.endS / 3600)), 1e-9);
  const maxMw = Math.max(...runs.flatMap((r) => r.power.map((p) => p.facilityMw)), 1e-9);
  // hours of a day read best in threes
  const xTicks = (endH >= 12 && endH <= 48 ? Array.from({ length: Math.floor(endH / 3) + 1 }, (_, k) => 3 * k) : niceTicks(0, endH, 6)).filter((h) => h <= endH);
  const yTicks = niceTicks(0, maxMw, 5);
  const yMax = yTicks[yTicks.length - 1];
  const x = (h: number) => f.left + (h / endH) * (f.right - f.left);
  const y = (mw: number) => f.bottom - (mw / yMax) * (f.bottom - f.top);
  const lines = runs.map((r, i) => {
    const d = r.power.map((p, k) => `${k === 0 ? "M" : "L"}${x(p.startS / 3600).toFixed(1)},${y(p.facilityMw).toFixed(1)}H${x(p.endS / 3600).toFixed(1)}`).join("");
    return `<path d="${d}" fill="none" stroke="${scenarioColour(i)}" stroke-width="2"><title>${esc(r.summary.scenario)}</title></path>`;
  });
  return (
    svgOpen(f, "Facility power over simulated time") +
    yAxis(f, yTicks, y, "facility power, MW") +
    xAxis(f, xTicks, x, "simulated time, hours", (h) => `${h}`) +
    lines.join("") +
    legend(f, runs.map((r, i) => ({ label: r.summary.scenario, colour: scenarioColour(i) }))) +
    "</svg>"
  );
}
