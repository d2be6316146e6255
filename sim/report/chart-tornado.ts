import { esc, frame, niceTicks, svgOpen, xAxis } from "./svg.ts";

/** One input of a one-at-a-time study: the output at its low and at its high value. */
export interface TornadoBar {
  readonly key: string;
  readonly low: unknown;
  readonly high: unknown;
  readonly atLow: number | null;
  readonly atHigh: number | null;
}

/** Bars with both ends, the widest swing |atHigh - atLow| first. */
export function tornadoOrder(bars: readonly TornadoBar[]): TornadoBar[] {
  const swing = (b: TornadoBar) => (b.atLow === null || b.atHigh === null ? -1 : Math.abs(b.atHigh - b.atLow));
  return [...bars].sort((a, b) => swing(b) - swing(a));
}

/**
 * A tornado chart: per input, a bar from the output at its low value to the output at its high value
 * (blue: low end, orange: high end), around the base point's output (the vertical line), widest first.
 */
export function tornadoChart(bars: readonly TornadoBar[], base: number | null, title: string, xTitle: string): string {
  const sorted = tornadoOrder(bars);
  const rowH = 30;
  const f = frame(820, 36 + 20 + rowH * sorted.length + 44, { left: 260, right: 60, top: 46, bottom: 44 });
  const ends = sorted.flatMap((b) => [b.atLow, b.atHigh]).concat(base).filter((v): v is number => v !== null);
  const ticks = niceTicks(Math.min(...ends), Math.max(...ends), 6);
  const [lo, hi] = [ticks[0], ticks[ticks.length - 1]];
  const x = (v: number) => f.left + ((v - lo) / (hi - lo || 1)) * (f.right - f.left);
  const show = (v: unknown) => (typeof v === "string" ? v : JSON.stringify(v));
  const rows = sorted.map((b, i) => {
    const y = f.top + i * rowH;
    const label = `<text x="${f.left - 8}" y="${y + rowH / 2 + 4}" text-anchor="end">${esc(b.key)}</text>`;
    if (b.atLow === null || b.atHigh === null) return label + `<text x="${f.left + 4}" y="${y + rowH / 2 + 4}" fill="#999">not done</text>`;
    const mid = base ?? (b.atLow + b.atHigh) / 2;
    const half = (v: number, colour: string, value: unknown) => {
      const [a, c] = [Math.min(x(v), x(mid)), Math.max(x(v), x(mid))];
      return (
        `<rect x="${a.toFixed(1)}" y="${y + 4}" width="${Math.max(c - a, 1).toFixed(1)}" height="${rowH - 8}" fill="${colour}">` +
        `<title>${esc(`${b.key} = ${show(value)}: ${v.toPrecision(4)}`)}</title></rect>` +
        `<text x="${(v < mid ? a - 4 : c + 4).toFixed(1)}" y="${y + rowH / 2 + 4}" text-anchor="${v < mid ? "end" : "start"}" font-size="11">${esc(show(value))}</text>`
      );
    };
    return label + half(b.atLow, "#0072B2", b.low) + half(b.atHigh, "#D55E00", b.high);
  });
  const baseLine = base === null ? "" : `<line x1="${x(base).toFixed(1)}" x2="${x(base).toFixed(1)}" y1="${f.top - 6}" y2="${f.bottom}" stroke="#000"/><text x="${x(base).toFixed(1)}" y="${f.top - 10}" text-anchor="middle">base ${base.toPrecision(4)}</text>`;
  return svgOpen(f, title) + rows.join("") + baseLine + xAxis(f, ticks, x, xTitle) + "</svg>";
}
