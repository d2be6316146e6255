// Bars and sparklines drawn with block characters, as plain strings (the components colour them).

const EIGHTHS = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"];
const SPARKS = "▁▂▃▄▅▆▇█";

/** The filled and empty parts of a bar `width` cells wide at `fraction` (clamped to [0, 1]), in eighths of a cell. */
export function barParts(fraction: number, width: number): { filled: string; empty: string } {
  const f = Number.isFinite(fraction) ? Math.min(Math.max(fraction, 0), 1) : 0;
  const eighths = Math.round(f * width * 8);
  const full = Math.floor(eighths / 8);
  const part = EIGHTHS[eighths % 8];
  const filled = "█".repeat(full) + part;
  return { filled, empty: "░".repeat(width - full - (part ? 1 : 0)) };
}

/** Means of `values` in `width` equal runs (or the values themselves when there are fewer). */
export function resample(values: readonly number[], width: number): number[] {
  if (values.length <= width) return [...values];
  return Array.from({ length: width }, (_, i) => {
    const a = Math.floor((i * values.length) / width);
    const b = Math.floor(((i + 1) * values.length) / width);
    let s = 0;
    for (let k = a; k < b; k++) s += values[k];
    return s / (b - a);
  });
}

/**
 * One character per value, from ▁ at the bottom of the scale to █ at the largest value. The scale
 * starts at the smallest value, or lower, so that it spans at least a tenth of the largest: a power
 * curve over a large idle floor still shows its shape, and noise on a flat line stays small.
 */
export function sparkline(values: readonly number[], width: number): string {
  const v = resample(values, width);
  if (v.length === 0) return "";
  const hi = Math.max(...v);
  const lo = Math.min(...v, 0.9 * hi);
  return v.map((x) => SPARKS[hi > lo ? Math.round(((x - lo) / (hi - lo)) * (SPARKS.length - 1)) : 0]).join("");
}

/**
 * Cells of a bar `width` wide split among `shares` (any non-negative weights) in proportion, by
 * largest remainder, so that they add up to the width exactly. All zero: all cells empty (zeros).
 */
export function stackedCells(shares: readonly number[], width: number): number[] {
  const w = shares.map((s) => (Number.isFinite(s) && s > 0 ? s : 0));
  const total = w.reduce((a, b) => a + b, 0);
  if (!(total > 0) || width <= 0) return w.map(() => 0);
  const exact = w.map((s) => (s / total) * width);
  const cells = exact.map(Math.floor);
  let left = width - cells.reduce((a, b) => a + b, 0);
  const order = exact.map((e, i) => ({ i, r: e - Math.floor(e) })).sort((a, b) => b.r - a.r || a.i - b.i);
  for (const { i } of order) {
    if (left <= 0) break;
    cells[i]++;
    left--;
  }
  return cells;
}
