import type { SimResult } from "../engine/result.ts";
import { LogHistogram } from "../stats/log-histogram.ts";

/** Quantile levels written to energy_quantiles.csv: 0.5 %, 1.5 %, ..., 99.5 % (midpoints of 100 equal shares). */
export const ENERGY_QUANTILE_LEVELS = Array.from({ length: 100 }, (_, i) => (i + 0.5) / 100);

const num = (v: number) => (Number.isFinite(v) ? Number(v.toPrecision(6)).toString() : "");

/**
 * energy_quantiles.csv: the distribution of attributed Wh per completed query, per class and for all
 * classes ("*"), as 100 quantiles read from the run's log histograms (relative error <= 1 %).
 */
export function energyQuantilesCsv(r: SimResult): string {
  const all = new LogHistogram();
  for (const c of r.classes) all.merge(c.energyWh);
  const rows: string[] = ["class,q,wh"];
  for (const [name, h] of [["*", all] as const, ...r.classes.map((c) => [c.name, c.energyWh] as const)]) {
    if (h.count === 0) continue;
    for (const q of ENERGY_QUANTILE_LEVELS) rows.push(`${name},${q},${num(h.quantile(q))}`);
  }
  return rows.join("\n") + "\n";
}
