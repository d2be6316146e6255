import { describe, expect, it } from "vitest";
import { seededStreams } from "../models/rng.ts";
import { GeneratedArrivals } from "../sim/arrivals/generated.ts";
import { EVENT, Simulation, simulate } from "../sim/engine/simulation.ts";
import { buildSummary } from "../sim/report/summary.ts";
import { scenario, singlePool, withoutTiming } from "./sim-helpers.ts";

// 40 nodes, about 46 queries a second over 20 simulated minutes with a 2-minute warmup: queues form
// (max_batch 8) and drain, so every room of the engine acts.
const yaml = singlePool({ queriesPerDay: 4e6, duration: "20m", warmup: "2m", output: "{ exponential: { median: 300 } }", nodes: 40, maxBatch: 8 });

describe("the event loop, stepped", () => {
  it("run in pieces with runUntil, gives the same summary as at once", () => {
    const s = scenario(yaml);
    const whole = buildSummary(s, simulate(s), { peakRssMb: 0 });
    const sim = new Simulation(s);
    for (const t of [1, 90, 120, 121.5, 600, 601, 1199]) expect(sim.runUntil(t)).toBe("reached");
    expect(sim.runUntil()).toBe("reached");
    const pieces = buildSummary(s, sim.finish(), { peakRssMb: 0 });
    expect(withoutTiming(pieces)).toEqual(withoutTiming(whole));
  });

  it("stepped to a time, has handled exactly the arrivals due by then (counted from the stream itself)", () => {
    const s = scenario(yaml);
    const untilS = 400;
    // the same workload, drawn independently of the engine
    const stream = new GeneratedArrivals(s, seededStreams(s.seed));
    let due = 0;
    for (let t = stream.advance(); t <= untilS; t = stream.advance()) if (t >= s.warmupS) due++;
    const sim = new Simulation(s);
    sim.runUntil(untilS);
    expect(sim.clockS).toBeLessThanOrEqual(untilS);
    expect(sim.progress().arrived).toBe(due);
    expect(due).toBeGreaterThan(10_000);
    // one step more goes past untilS
    expect(sim.step()).toBe(EVENT);
    expect(sim.clockS).toBeGreaterThan(untilS);
  });

  it("stopped by its progress callback: interrupted, integrated to the last event, nothing after it", () => {
    const s = scenario(yaml);
    let clock = 0;
    const sim = new Simulation(s, { now: () => (clock += 1) });
    let snapshots = 0;
    const outcome = sim.runUntil(undefined, { progressEveryS: 0, onProgress: (p) => (++snapshots === 3 ? "stop" : void expect(p.simS).toBeLessThan(1200)) });
    expect(outcome).toBe("stopped");
    const r = sim.finish();
    expect(r.state).toBe("interrupted");
    expect(r.simulatedS).toBeCloseTo(sim.clockS - s.warmupS, 9);
    expect(r.simulatedS).toBeLessThan(s.durationS - s.warmupS);
  });
});
