/** The arrival rate's shape over a day, as multipliers of the mean rate. */
export type Diurnal =
  | { readonly kind: "none" }
  | { readonly kind: "sinusoid"; readonly peakToTrough: number; readonly peakHour: number }
  | { readonly kind: "hourly"; readonly multipliers: readonly number[] };

/**
 * The arrival-rate multiplier at simulated time t (seconds since midnight of day 0), mean 1 over a day.
 * Sinusoid: 1 + a cos(2 pi (hour - peak) / 24) with a = (r - 1) / (r + 1), so peak / trough = r.
 * Hourly: the hour's multiplier (the scenario loader normalises them to mean 1).
 */
export function diurnalMultiplier(d: Diurnal): (tS: number) => number {
  if (d.kind === "none") return () => 1;
  if (d.kind === "sinusoid") {
    const a = (d.peakToTrough - 1) / (d.peakToTrough + 1);
    return (tS) => 1 + a * Math.cos((2 * Math.PI * (tS / 3600 - d.peakHour)) / 24);
  }
  const m = d.multipliers;
  return (tS) => m[Math.floor(tS / 3600) % 24];
}

export function diurnalMax(d: Diurnal): number {
  if (d.kind === "none") return 1;
  if (d.kind === "sinusoid") return 1 + (d.peakToTrough - 1) / (d.peakToTrough + 1);
  return Math.max(...d.multipliers);
}

/**
 * The most the multiplier can change per second (a bound, for thinning without evaluating it):
 * a sinusoid's steepest slope; Infinity for hourly steps, 0 for none.
 */
export function diurnalMaxSlopePerS(d: Diurnal): number {
  if (d.kind === "none") return 0;
  if (d.kind === "sinusoid") return (((d.peakToTrough - 1) / (d.peakToTrough + 1)) * 2 * Math.PI) / 86_400;
  return Infinity;
}
