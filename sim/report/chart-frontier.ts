import { esc, frame, logTicks, niceTicks, svgOpen, xAxis, yAxis } from "./svg.ts";

/** One candidate of a plan as the frontier needs it: a pool alone with some nodes over the shortened span. */
export interface FrontierCandidate {
  readonly poolIndex: number;
  /** Its configuration: the node count ("47"), with --vary also the keys varied ("47 (b64)"); unique within the pool. */
  readonly label: string;
  readonly gwhPerDay: number;
  /** The p99 the first SLO is about (null: the pool serves none of its queries). */
  readonly p99S: number | null;
}

/** A fleet configuration: a candidate per pool (its label), its GWh/day (sum over pools) and p99 (the largest pool's). */
export interface FrontierPoint {
  readonly labels: readonly string[];
  readonly gwhPerDay: number;
  readonly p99S: number;
  readonly pareto: boolean;
}

/**
 * Fleet configurations made of the candidates tried. Pools share no queue, so a fleet's energy is the
 * sum of its pools' and its p99 at most the largest pool's (the share of all queries above a latency is the
 * pools' shares above it, weighted). Two families: for each latency t among the candidates', the cheapest
 * candidate of each pool at or below t (the frontier the search traced), and each candidate with the other
 * pools at their chosen counts (what changing one pool does). The Pareto front: no other point has both
 * less energy and a lower p99.
 */
export function frontierPoints(candidates: readonly FrontierCandidate[], poolCount: number, chosen: readonly string[] | null): FrontierPoint[] {
  const ok = candidates.filter((c) => c.p99S === null || Number.isFinite(c.p99S));
  const byPool = Array.from({ length: poolCount }, (_, i) => ok.filter((c) => c.poolIndex === i));
  const raw: { labels: string[]; gwhPerDay: number; p99S: number }[] = [];
  const add = (pick: readonly FrontierCandidate[]) =>
    raw.push({ labels: pick.map((c) => c.label), gwhPerDay: pick.reduce((s, c) => s + c.gwhPerDay, 0), p99S: Math.max(0, ...pick.map((c) => c.p99S ?? 0)) });
  for (const t of [...new Set(ok.map((c) => c.p99S ?? 0))]) {
    const pick = byPool.map((cs) => cs.filter((c) => (c.p99S ?? 0) <= t).sort((a, b) => a.gwhPerDay - b.gwhPerDay)[0]);
    if (pick.every((c) => c !== undefined)) add(pick);
  }
  if (chosen) {
    const at = byPool.map((cs, i) => cs.find((c) => c.label === chosen[i]));
    if (at.every((c) => c !== undefined)) for (const c of ok) add(at.map((a, i) => (i === c.poolIndex ? c : a!)));
  }
  const unique = [...new Map(raw.map((p) => [p.labels.join(","), p])).values()].filter((p) => p.p99S > 0);
  return unique
    .map((p) => ({ ...p, pareto: !unique.some((q) => q !== p && q.gwhPerDay <= p.gwhPerDay && q.p99S <= p.p99S && (q.gwhPerDay < p.gwhPerDay || q.p99S < p.p99S)) }))
    .sort((a, b) => a.p99S - b.p99S);
}

export interface FrontierChartInput {
  readonly points: readonly FrontierPoint[];
  /** The target charted: its text and p99 target. */
  readonly slo: { readonly text: string; readonly targetS: number };
  /** The chosen configuration's point (null: infeasible). */
  readonly chosen: { readonly labels: readonly string[]; readonly gwhPerDay: number; readonly p99S: number } | null;
}

/** GWh/day against p99 (log scale): every configuration, the Pareto front as a line, the SLO as a vertical line, the chosen point labelled. */
export function frontierChart(input: FrontierChartInput): string {
  const f = frame(760, 380, { left: 70, right: 40, top: 40, bottom: 46 });
  const pts = input.points;
  const xs = [...pts.map((p) => p.p99S), input.slo.targetS, ...(input.chosen ? [input.chosen.p99S] : [])].filter((v) => v > 0);
  const ys = [...pts.map((p) => p.gwhPerDay), ...(input.chosen ? [input.chosen.gwhPerDay] : [])];
  const lo = 10 ** Math.floor(Math.log10(Math.min(...xs)));
  const hi = 10 ** Math.ceil(Math.log10(Math.max(...xs)));
  const yTicks = niceTicks(Math.min(...ys) * 0.98, Math.max(...ys) * 1.02);
  const y0 = yTicks[0];
  const y1 = yTicks[yTicks.length - 1];
  const x = (v: number) => f.left + ((Math.log10(v) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo) || 1)) * (f.right - f.left);
  const y = (v: number) => f.bottom - ((v - y0) / (y1 - y0 || 1)) * (f.bottom - f.top);
  const fmt = (p: { labels: readonly string[]; gwhPerDay: number; p99S: number }) => `${p.labels.join(" + ")} nodes: ${p.gwhPerDay.toPrecision(4)} GWh/day, p99 ${p.p99S.toPrecision(3)} s`;
  const dots = pts.map(
    (p) =>
      `<circle cx="${x(p.p99S).toFixed(1)}" cy="${y(p.gwhPerDay).toFixed(1)}" r="${p.pareto ? 4 : 3}" fill="${p.pareto ? "#0072B2" : "#bbb"}"><title>${esc(fmt(p))}</title></circle>`,
  );
  const front = pts.filter((p) => p.pareto);
  const frontLine =
    front.length > 1
      ? `<path d="${front.map((p, k) => `${k === 0 ? "M" : "L"}${x(p.p99S).toFixed(1)},${y(p.gwhPerDay).toFixed(1)}`).join("")}" fill="none" stroke="#0072B2" stroke-width="1.5"/>`
      : "";
  const sx = x(input.slo.targetS).toFixed(1);
  const sloLine = `<line x1="${sx}" x2="${sx}" y1="${f.top}" y2="${f.bottom}" stroke="#D55E00" stroke-dasharray="5,3" stroke-width="1.5"/><text x="${sx}" y="${f.top - 6}" fill="#D55E00" text-anchor="middle">SLO ${esc(input.slo.text)}</text>`;
  const c = input.chosen;
  const chosenMark = c
    ? `<circle cx="${x(c.p99S).toFixed(1)}" cy="${y(c.gwhPerDay).toFixed(1)}" r="6" fill="none" stroke="#000" stroke-width="2"/>` +
      `<text x="${(x(c.p99S) + 9).toFixed(1)}" y="${(y(c.gwhPerDay) - 9).toFixed(1)}" font-weight="bold">${esc(`chosen: ${c.labels.join(" + ")} nodes, ${c.gwhPerDay.toPrecision(4)} GWh/day`)}</text>`
    : "";
  return (
    svgOpen(f, "Energy-latency frontier: the configurations tried") +
    yAxis(f, yTicks, y, "GWh/day at the peak hour's rate") +
    xAxis(f, logTicks(lo, hi), x, `p99 latency, s (log scale): ${input.slo.text.split("=")[0]}, the largest pool's`) +
    frontLine +
    dots.join("") +
    sloLine +
    chosenMark +
    "</svg>"
  );
}
