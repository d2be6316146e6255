import type { RunData } from "./run-data.ts";
import { esc, frame, legend, niceTicks, svgOpen, tickLabel, twoLines, xAxis, yAxis } from "./svg.ts";

/** Phases of summary.json's energy.by_phase, bottom of a stack first. */
export const PHASES = [
  { key: "prefill_wh", label: "prefill", colour: "#762A83" },
  { key: "decode_wh", label: "decode", colour: "#E08214" },
  { key: "idle_wh", label: "idle", colour: "#BDBDBD" },
] as const;

/** A run's phase split, or null (a run with no physical pool, or a summary.json from before the split). */
export const byPhase = (r: RunData) => r.summary.energy.by_phase ?? null;

/** Whether any run has a phase split: the phase charts are drawn only then. */
export const hasPhases = (runs: readonly RunData[]) => runs.some((r) => byPhase(r) !== null);

/** Wh in the unit that keeps the largest value readable: Wh, kWh, MWh or GWh. */
function energyUnit(maxWh: number): { label: string; per: number } {
  for (const [label, per] of [["GWh", 1e9], ["MWh", 1e6], ["kWh", 1e3]] as const) if (maxWh >= per) return { label, per };
  return { label: "Wh", per: 1 };
}

const pct = (part: number, total: number) => (total > 0 ? `${((100 * part) / total).toFixed(0)}%` : "-");

/** Facility energy of each run split into prefill, decode and idle (one stacked bar per run; runs without a split are named, no bar). */
export function phaseChart(runs: readonly RunData[]): string {
  const f = frame(760, 340, { left: 64, right: 150, top: 36, bottom: 44 });
  const stacks = runs.map((r) => {
    const b = byPhase(r);
    return b ? PHASES.map((ph) => Math.max(0, b[ph.key])) : null;
  });
  const maxWh = Math.max(...stacks.map((s) => (s ? s.reduce((a, b) => a + b, 0) : 0)), 1e-12);
  const unit = energyUnit(maxWh);
  const yTicks = niceTicks(0, (maxWh / unit.per) * 1.05, 5);
  const yMax = yTicks[yTicks.length - 1];
  const y = (v: number) => f.bottom - (v / unit.per / yMax) * (f.bottom - f.top);
  const slot = (f.right - f.left) / runs.length;
  const barW = Math.min(90, slot * 0.6);
  const bars = stacks.map((stack, i) => {
    const x0 = f.left + slot * i + (slot - barW) / 2;
    const cx = x0 + barW / 2;
    const name = twoLines(runs[i].summary.scenario, Math.floor(slot / 7.5))
      .map((line, k) => `<text x="${cx.toFixed(1)}" y="${f.bottom + 16 + 14 * k}" text-anchor="middle">${esc(line)}</text>`)
      .join("");
    if (!stack) return name + `<text x="${cx.toFixed(1)}" y="${f.bottom - 8}" text-anchor="middle" fill="#777">no physical pool</text>`;
    const total = stack.reduce((a, b) => a + b, 0);
    let base = 0;
    const rects = stack.map((wh, k) => {
      const top = y(base + wh);
      const h = y(base) - top;
      const share = pct(wh, total);
      const r =
        `<rect x="${x0.toFixed(1)}" y="${top.toFixed(1)}" width="${barW.toFixed(1)}" height="${h.toFixed(1)}" fill="${PHASES[k].colour}">` +
        `<title>${esc(`${runs[i].summary.scenario}: ${PHASES[k].label} ${tickLabel(wh / unit.per)} ${unit.label} (${share})`)}</title></rect>` +
        (h >= 14 ? `<text x="${cx.toFixed(1)}" y="${(top + h / 2 + 4).toFixed(1)}" text-anchor="middle" fill="${k === 2 ? "#222" : "#fff"}">${share}</text>` : "");
      base += wh;
      return r;
    });
    return rects.join("") + `<text x="${cx.toFixed(1)}" y="${(y(base) - 5).toFixed(1)}" text-anchor="middle">${esc(tickLabel(total / unit.per))}</text>` + name;
  });
  return (
    svgOpen(f, "Facility energy by phase") +
    yAxis(f, yTicks, (v) => y(v * unit.per), `facility energy, ${unit.label}`) +
    `<line x1="${f.left}" x2="${f.right}" y1="${f.bottom}" y2="${f.bottom}" stroke="#333"/>` +
    bars.join("") +
    legend(f, [...PHASES].reverse()) +
    "</svg>"
  );
}

/** Mean facility Wh per completed query of each class, prefill and decode, a stacked horizontal bar per run and class. */
export function phaseClassChart(runs: readonly RunData[]): string {
  const many = runs.length > 1;
  const rows = runs.flatMap((r) =>
    Object.entries(r.summary.per_class).flatMap(([name, c]) => {
      const p = c.per_query_wh_by_phase ?? null;
      return p ? [{ label: many ? `${r.summary.scenario}: ${name}` : name, parts: [p.prefill_mean, p.decode_mean].map((v) => Math.max(0, v)) }] : [];
    }),
  );
  const labelWidth = Math.min(260, 16 + 7 * Math.max(8, ...rows.map((r) => r.label.length)));
  const f = frame(760, 90 + 24 * Math.max(rows.length, 1), { left: labelWidth, right: 150, top: 36, bottom: 44 });
  const maxWh = Math.max(...rows.map((r) => r.parts[0] + r.parts[1]), 1e-12);
  const xTicks = niceTicks(0, maxWh * 1.1, 5);
  const xMax = xTicks[xTicks.length - 1];
  const x = (wh: number) => f.left + (wh / xMax) * (f.right - f.left);
  const bars = rows.map((row, i) => {
    const top = f.top + 6 + 24 * i;
    let base = 0;
    const rects = row.parts.map((wh, k) => {
      const r =
        `<rect x="${x(base).toFixed(1)}" y="${top}" width="${(x(base + wh) - x(base)).toFixed(1)}" height="16" fill="${PHASES[k].colour}">` +
        `<title>${esc(`${row.label}: ${PHASES[k].label} ${tickLabel(wh)} Wh per query`)}</title></rect>`;
      base += wh;
      return r;
    });
    return (
      `<text x="${f.left - 6}" y="${top + 12}" text-anchor="end">${esc(row.label)}</text>` +
      rects.join("") +
      `<text x="${(x(base) + 4).toFixed(1)}" y="${top + 12}">${esc(tickLabel(base))}</text>`
    );
  });
  return (
    svgOpen(f, "Energy per query by phase (attributed, facility)") +
    xAxis(f, xTicks, x, "mean Wh per completed query") +
    bars.join("") +
    legend(f, PHASES.slice(0, 2)) +
    "</svg>"
  );
}
