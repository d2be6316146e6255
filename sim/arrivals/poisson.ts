import { randomExponential } from "d3-random";
import type { Rng } from "../../models/rng.ts";
import type { Diurnal } from "../scenario/types.ts";
import { diurnalMax, diurnalMultiplier } from "./diurnal.ts";

/**
 * A non-homogeneous Poisson process by thinning (Lewis and Shedler): candidates at the peak rate,
 * each kept with probability rate(t) / peak. Arrivals are made one at a time, as the run needs them.
 */
export class PoissonArrivals {
  private readonly gap: () => number;
  private readonly multiplier: (tS: number) => number;
  private readonly peakMultiplier: number;

  constructor(
    private readonly rng: Rng,
    queriesPerDay: number,
    diurnal: Diurnal,
  ) {
    this.multiplier = diurnalMultiplier(diurnal);
    this.peakMultiplier = diurnalMax(diurnal);
    this.gap = randomExponential.source(rng)((queriesPerDay / 86_400) * this.peakMultiplier);
  }

  /** The first arrival after tS. */
  next(tS: number): number {
    for (;;) {
      tS += this.gap();
      if (this.peakMultiplier === 1 || this.rng() * this.peakMultiplier < this.multiplier(tS)) return tS;
    }
  }
}
