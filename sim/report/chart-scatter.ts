import { esc, frame, niceTicks, scenarioColour, svgOpen, xAxis, yAxis } from "./svg.ts";

/** An output against one sampled input, every run a dot; the title carries Spearman's rank correlation. */
export function scatterChart(xs: readonly number[], ys: readonly number[], title: string, xTitle: string, yTitle: string): string {
  const f = frame(380, 280, { left: 64, right: 20, top: 36, bottom: 44 });
  const xt = niceTicks(Math.min(...xs), Math.max(...xs), 4);
  const yt = niceTicks(Math.min(...ys), Math.max(...ys), 4);
  const x = (v: number) => f.left + ((v - xt[0]) / (xt[xt.length - 1] - xt[0] || 1)) * (f.right - f.left);
  const y = (v: number) => f.bottom - ((v - yt[0]) / (yt[yt.length - 1] - yt[0] || 1)) * (f.bottom - f.top);
  const dots = xs.map((v, i) => `<circle cx="${x(v).toFixed(1)}" cy="${y(ys[i]).toFixed(1)}" r="3" fill="${scenarioColour(0)}" fill-opacity="0.7"><title>${esc(`${v}: ${ys[i].toPrecision(4)}`)}</title></circle>`);
  return svgOpen(f, title) + yAxis(f, yt, y, yTitle) + xAxis(f, xt, x, xTitle) + dots.join("") + "</svg>";
}
