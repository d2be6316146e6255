import type { SimProgress } from "../engine/result.ts";
import { progressLine } from "../tui/plain-lines.ts";

/** A progress callback that prints a plain line each time another `step` of simulated time has passed (a few per run). */
export function plainProgress(out: (s: string) => void, step = 0.1, prefix = ""): (p: SimProgress) => void {
  let nextAt = 0;
  return (p) => {
    const fraction = p.durationS > 0 ? p.simS / p.durationS : 1;
    if (fraction < nextAt) return;
    out(prefix + progressLine(p) + "\n");
    nextAt = (Math.floor(fraction / step) + 1) * step;
  };
}
