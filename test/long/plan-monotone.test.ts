import { beforeAll, describe, expect, it } from "vitest";
import { plan, waitP99 } from "../plan-helpers.ts";

// Three plans of the M/M/c fixture (test/fixtures/plan-mmc.yaml, a = 40): about 10 s each on 2 cores.
describe("inferwatt plan is monotone", () => {
  let base: ReturnType<typeof plan>;
  beforeAll(() => {
    base = plan("--slo", "wait_p99=0.5");
  });

  it("monotone: a tighter SLO never costs less energy, more traffic never takes fewer nodes", () => {
    const tight = plan("--slo", "wait_p99=0.2");
    expect(tight.json.chosen.pools[0].nodes).toBeGreaterThan(base.json.chosen.pools[0].nodes);
    expect(tight.json.chosen.gwh_per_day).toBeGreaterThan(base.json.chosen.gwh_per_day);
    // 25 % more traffic: a = 50, analytic 58 (the same wait target)
    const busier = plan("--slo", "wait_p99=0.5", "--set", "workload.queries_per_day=4320000");
    expect(busier.json.chosen.pools[0].nodes).toBeGreaterThan(base.json.chosen.pools[0].nodes);
    expect(Math.abs(busier.json.chosen.pools[0].nodes - Array.from({ length: 30 }, (_, k) => 51 + k).find((c) => waitP99(c, 50) <= 0.5)!)).toBeLessThanOrEqual(1);
  });
});
