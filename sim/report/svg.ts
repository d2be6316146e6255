// Small helpers for the report's SVG charts: drawn as text, so a report needs no browser to make.

export const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** Colours of scenarios, in order (colour-blind-safe Okabe-Ito). */
export const SCENARIO_COLOURS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"];
export const scenarioColour = (i: number) => SCENARIO_COLOURS[i % SCENARIO_COLOURS.length];

/** A plot area inside a chart: margins for axes and labels. */
export interface Frame {
  readonly width: number;
  readonly height: number;
  readonly left: number;
  readonly right: number;
  readonly top: number;
  readonly bottom: number;
}

export const frame = (width: number, height: number, m = { left: 64, right: 150, top: 36, bottom: 44 }): Frame => ({
  width,
  height,
  left: m.left,
  right: width - m.right,
  top: m.top,
  bottom: height - m.bottom,
});

/** Round numbers from at or below lo to at or above hi, about `count` steps. */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const ticks: number[] = [];
  const last = Math.ceil(hi / step - 1e-9);
  for (let k = Math.floor(lo / step + 1e-9); k <= last; k++) ticks.push(Number((k * step).toPrecision(12)));
  return ticks;
}

/** 1, 2, 5 times powers of ten within [lo, hi] for a log axis (only powers of ten over more than 3 decades). */
export function logTicks(lo: number, hi: number): number[] {
  const ticks: number[] = [];
  const multiples = Math.log10(hi / lo) > 3 ? [1] : [1, 2, 5];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) {
    for (const m of multiples) {
      const v = Number((m * 10 ** e).toPrecision(6));
      if (v >= lo && v <= hi) ticks.push(v);
    }
  }
  return ticks;
}

export const tickLabel = (v: number) => (Math.abs(v) >= 1000 ? v.toExponential(0) : String(Number(v.toPrecision(3))));

export function svgOpen(f: Frame, title: string): string {
  return (
    `<svg viewBox="0 0 ${f.width} ${f.height}" width="${f.width}" height="${f.height}" role="img" aria-label="${esc(title)}" font-family="sans-serif" font-size="12">` +
    `<title>${esc(title)}</title><rect width="${f.width}" height="${f.height}" fill="#fff"/>` +
    `<text x="${f.left}" y="20" font-size="14" font-weight="bold">${esc(title)}</text>`
  );
}

/** Horizontal grid lines and labels of a y axis, and its title rotated along it. */
export function yAxis(f: Frame, ticks: readonly number[], y: (v: number) => number, title: string): string {
  const lines = ticks.map(
    (v) =>
      `<line x1="${f.left}" x2="${f.right}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="#ddd"/>` +
      `<text x="${f.left - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end">${tickLabel(v)}</text>`,
  );
  const mid = (f.top + f.bottom) / 2;
  return lines.join("") + `<text transform="translate(14 ${mid}) rotate(-90)" text-anchor="middle">${esc(title)}</text>`;
}

/** Tick marks and labels of an x axis, and its title below. */
export function xAxis(f: Frame, ticks: readonly number[], x: (v: number) => number, title: string, label = tickLabel): string {
  const marks = ticks.map(
    (v) =>
      `<line x1="${x(v).toFixed(1)}" x2="${x(v).toFixed(1)}" y1="${f.bottom}" y2="${f.bottom + 4}" stroke="#333"/>` +
      `<text x="${x(v).toFixed(1)}" y="${f.bottom + 16}" text-anchor="middle">${label(v)}</text>`,
  );
  return (
    `<line x1="${f.left}" x2="${f.right}" y1="${f.bottom}" y2="${f.bottom}" stroke="#333"/>` +
    marks.join("") +
    `<text x="${(f.left + f.right) / 2}" y="${f.height - 8}" text-anchor="middle">${esc(title)}</text>`
  );
}

/** A legend of coloured swatches in the right margin. */
export function legend(f: Frame, items: readonly { label: string; colour: string }[]): string {
  return items
    .map((it, i) => {
      const y = f.top + 4 + i * 18;
      return `<rect x="${f.right + 12}" y="${y}" width="12" height="12" fill="${it.colour}"/><text x="${f.right + 30}" y="${y + 10}">${esc(it.label)}</text>`;
    })
    .join("");
}

/** Pushes label positions apart so no two are closer than `gap` (they keep their order). */
export function spreadLabels(ys: readonly number[], gap = 13): number[] {
  const order = ys.map((y, i) => ({ y, i })).sort((a, b) => a.y - b.y);
  for (let k = 1; k < order.length; k++) order[k].y = Math.max(order[k].y, order[k - 1].y + gap);
  const out = new Array<number>(ys.length);
  for (const o of order) out[o.i] = o.y;
  return out;
}

/** A label in at most two lines of about `maxChars`, broken at the hyphen or space nearest its middle. */
export function twoLines(label: string, maxChars: number): string[] {
  if (label.length <= maxChars) return [label];
  const breaks = [...label.matchAll(/[-\s]/g)].map((m) => m.index!);
  if (breaks.length === 0) return [label];
  const at = breaks.reduce((best, i) => (Math.abs(i - label.length / 2) < Math.abs(best - label.length / 2) ? i : best));
  return [label.slice(0, at + 1).trim(), label.slice(at + 1)];
}
