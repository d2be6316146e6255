import { randomExponential } from "d3-random";
import type { Rng } from "../../models/rng.ts";
import type { Diurnal } from "../scenario/types.ts";
import { diurnalMax, diurnalMaxSlopePerS, diurnalMultiplier } from "../../models/diurnal.ts";

/** Seconds over which the thinning bounds of a smooth profile hold. */
const WINDOW_S = 60;

/**
 * A non-homogeneous Poisson process by thinning (Lewis and Shedler): candidates at the peak rate,
 * each kept with probability rate(t) / peak. Arrivals are made one at a time, as the run needs them.
 * For a smooth profile, the multiplier's range over the current minute bounds it (a squeeze): a
 * candidate clearly below or above is decided without evaluating the profile (a cosine). The
 * decisions, and so the arrivals, are exactly those of evaluating it every time.
 */
export class PoissonArrivals {
  private readonly gap: () => number;
  private readonly multiplier: (tS: number) => number;
  private readonly peakMultiplier: number;
  private readonly slopePerS: number;
  /** The bounds hold for candidates before windowEndS. */
  private windowEndS = -Infinity;
  private low = 0;
  private high = Infinity;

  constructor(
    private readonly rng: Rng,
    queriesPerDay: number,
    diurnal: Diurnal,
  ) {
    this.multiplier = diurnalMultiplier(diurnal);
    this.peakMultiplier = diurnalMax(diurnal);
    this.slopePerS = diurnalMaxSlopePerS(diurnal);
    this.gap = randomExponential.source(rng)((queriesPerDay / 86_400) * this.peakMultiplier);
  }

  /** The first arrival after tS. */
  next(tS: number): number {
    for (;;) {
      tS += this.gap();
      if (this.peakMultiplier === 1) return tS;
      const u = this.rng() * this.peakMultiplier;
      if (tS >= this.windowEndS) this.newWindow(tS);
      if (u < this.low) return tS;
      if (u >= this.high) continue;
      if (u < this.multiplier(tS)) return tS;
    }
  }

  /** Bounds of the multiplier over [tS, tS + WINDOW_S), widened well past rounding error. */
  private newWindow(tS: number): void {
    this.windowEndS = tS + WINDOW_S;
    if (this.slopePerS === Infinity) {
      this.low = 0;
      this.high = Infinity;
      return;
    }
    const m = this.multiplier(tS);
    const spread = this.slopePerS * WINDOW_S + 1e-9;
    this.low = m - spread;
    this.high = m + spread;
  }
}
