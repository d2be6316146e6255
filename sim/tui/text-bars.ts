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

/** One character per value (non-negative), in eighths of the largest: ▁ up to 1/8 of it, █ at it. */
export function sparkline(values: readonly number[], width: number): string {
  const v = resample(values, width);
  const hi = Math.max(...v, 0);
  return v.map((x) => SPARKS[hi > 0 ? Math.min(Math.max(Math.ceil((x / hi) * SPARKS.length) - 1, 0), SPARKS.length - 1) : 0]).join("");
}
