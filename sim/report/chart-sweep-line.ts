import { esc, frame, niceTicks, scenarioColour, svgOpen, xAxis, yAxis } from "./svg.ts";

/** One point of a line chart: x (a number, or a label placed in order), each replication's y and their mean. */
export interface LinePoint {
  readonly x: number | string;
  readonly ys: readonly number[];
}

const mean = (v: readonly number[]) => v.reduce((a, b) => a + b, 0) / v.length;

/**
 * An output over one swept input: the mean over replications joined by a line, each replication a dot.
 * Numeric inputs on a linear axis; other values (names, durations) evenly spaced in their order.
 */
export function sweepLineChart(points: readonly LinePoint[], title: string, xTitle: string, yTitle: string): string {
  const f = frame(760, 300, { left: 64, right: 40, top: 36, bottom: 44 });
  const shown = points.filter((p) => p.ys.length > 0);
  const numeric = points.every((p) => typeof p.x === "number");
  const xv = (p: LinePoint, i: number) => (numeric ? (p.x as number) : i);
  const xs = points.map(xv);
  const [xLo, xHi] = [Math.min(...xs), Math.max(...xs)];
  const span = xHi > xLo ? xHi - xLo : 1;
  const x = (v: number) => f.left + 10 + ((v - xLo) / span) * (f.right - f.left - 20);
  const all = shown.flatMap((p) => p.ys);
  const yTicks = niceTicks(Math.min(0, ...all), Math.max(...all, 1e-9) * 1.05, 5);
  const [yLo, yHi] = [yTicks[0], yTicks[yTicks.length - 1]];
  const y = (v: number) => f.bottom - ((v - yLo) / (yHi - yLo || 1)) * (f.bottom - f.top);
  const xTicks = numeric ? niceTicks(xLo, xHi, 6).filter((t) => t >= xLo - 1e-12 && t <= xHi + 1e-12) : xs;
  const label = numeric ? undefined : (i: number) => esc(String(points[i].x));
  const line = shown.map((p, k) => `${k === 0 ? "M" : "L"}${x(xv(p, points.indexOf(p))).toFixed(1)},${y(mean(p.ys)).toFixed(1)}`).join("");
  const dots = shown.flatMap((p) =>
    p.ys.map((v) => `<circle cx="${x(xv(p, points.indexOf(p))).toFixed(1)}" cy="${y(v).toFixed(1)}" r="3" fill="${scenarioColour(0)}"><title>${esc(`${p.x}: ${v.toPrecision(4)}`)}</title></circle>`),
  );
  return (
    svgOpen(f, title) +
    yAxis(f, yTicks, y, yTitle) +
    xAxis(f, xTicks, x, xTitle, label) +
    `<path d="${line}" fill="none" stroke="${scenarioColour(0)}" stroke-width="2"/>` +
    dots.join("") +
    "</svg>"
  );
}
