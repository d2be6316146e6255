import { randomExponential } from "d3-random";
import { describe, expect, it } from "vitest";
import { makeRng } from "../models/rng.ts";
import { diurnalMax, diurnalMultiplier } from "../models/diurnal.ts";
import { PoissonArrivals } from "../sim/arrivals/poisson.ts";
import type { Diurnal } from "../sim/scenario/types.ts";

/** Thinning evaluating the profile for every candidate: what PoissonArrivals must reproduce exactly. */
function plainThinning(seed: number, perDay: number, d: Diurnal, count: number): number[] {
  const rng = makeRng(seed, "arrivals");
  const m = diurnalMultiplier(d);
  const peak = diurnalMax(d);
  const gap = randomExponential.source(rng)((perDay / 86_400) * peak);
  const out: number[] = [];
  let t = 0;
  while (out.length < count) {
    t += gap();
    if (peak === 1 || rng() * peak < m(t)) out.push(t);
  }
  return out;
}

describe("Poisson arrivals by thinning", () => {
  const profiles: [string, Diurnal][] = [
    ["sinusoid", { kind: "sinusoid", peakToTrough: 3, peakHour: 15 }],
    ["hourly", { kind: "hourly", multipliers: Array.from({ length: 24 }, (_, h) => 0.5 + (h % 6) / 5) }],
    ["none", { kind: "none" }],
  ];
  it.each(profiles)("%s: the squeezed thinning gives exactly the arrivals of evaluating the profile each time", (_, d) => {
    const perDay = 300_000;
    const expected = plainThinning(7, perDay, d, perDay);
    const p = new PoissonArrivals(makeRng(7, "arrivals"), perDay, d);
    let t = 0;
    const got = expected.map(() => (t = p.next(t)));
    expect(got).toEqual(expected);
    // and the day's arrivals follow the profile: the count in the peak hour against its expectation
    const m = diurnalMultiplier(d);
    let expectPeak = 0;
    let peakHour = 0;
    for (let h = 0; h < 24; h++) {
      let e = 0;
      for (let k = 0; k < 60; k++) e += (m(h * 3600 + k * 60 + 30) * perDay) / 1440;
      if (e > expectPeak) [expectPeak, peakHour] = [e, h];
    }
    const inPeak = got.filter((x) => x >= peakHour * 3600 && x < (peakHour + 1) * 3600).length;
    expect(Math.abs(inPeak - expectPeak)).toBeLessThan(5 * Math.sqrt(expectPeak));
  });
});
