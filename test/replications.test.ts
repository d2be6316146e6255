import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { percentileSorted, sortedCopy } from "../models/stats.ts";
import { parseScenario } from "../sim/scenario-file/load.ts";
import { inferwattInProcess } from "./cli-helpers.ts";
import { scenario, simulate, singlePool, withoutTiming } from "./sim-helpers.ts";

/** One class on one pool of the 405B model: the part the scenarios below share. */
const ONE_POOL = `workload:
  queries_per_day: 2.0e6
  classes:
    - { name: q, share: 1, input_tokens: { fixed: 500 }, output_tokens: { exponential: { median: 300 } } }
pools:
  - name: p
    model: Llama 3.1 405B
`;

const uncertain = `
name: reps
seed: 9
duration: 30m
${ONE_POOL}    hardware: { base: h100-sxm-8x, host_busy_w: { lognormal: { p5: 1200, p95: 2000 } }, interconnect_w: { lognormal: { p5: 100, p95: 800 } } }
    nodes: 12
facility:
  pue: { lognormal: { p5: 1.05, p95: 1.6 } }
  orchestration_overhead: 0.1
replications: 12
`;

describe("replications", () => {
  const rep = (r: number) => simulate(parseScenario(uncertain, "reps.yaml", { replication: r }));

  it("are deterministic per seed and replication", () => {
    expect(JSON.stringify(withoutTiming(rep(3)))).toBe(JSON.stringify(withoutTiming(rep(3))));
    expect(rep(3).energy.gwh_per_day).not.toBe(rep(4).energy.gwh_per_day);
  });

  it("their P5-P95 brackets the single run at the medians", () => {
    const single = simulate(scenario(uncertain));
    const gwh = sortedCopy(Array.from({ length: 12 }, (_, i) => rep(i + 1).energy.gwh_per_day));
    expect(percentileSorted(gwh, 5)).toBeLessThan(single.energy.gwh_per_day);
    expect(percentileSorted(gwh, 95)).toBeGreaterThan(single.energy.gwh_per_day);
    // the spread is the parameters', not noise: PUE alone spans 1.05-1.6
    expect(percentileSorted(gwh, 95) / percentileSorted(gwh, 5)).toBeGreaterThan(1.2);
  });

  it("inferwatt run writes each replication's folder and the replications block", async () => {
    const out = join(mkdtempSync(join(tmpdir(), "inferwatt-reps-")), "run");
    const r = await inferwattInProcess("run", "test/fixtures/replicated.yaml", "--no-tui", "--out", out);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const summary = JSON.parse(readFileSync(join(out, "summary.json"), "utf8"));
    expect(summary.replications.count).toBe(3);
    expect(summary.replications.runs.map((x: { seed: number }) => x.seed)).toEqual([10, 11, 12]);
    expect(Object.keys(summary.replications.runs[0].uncertain)).toEqual(["facility.pue"]);
    for (const k of ["1", "2", "3"]) expect(existsSync(join(out, "replications", `rep-${k}`, "summary.json"))).toBe(true);
    const g = summary.replications.gwh_per_day;
    expect(g.p5).toBeLessThanOrEqual(g.p50);
    expect(g.p50).toBeLessThanOrEqual(g.p95);
    expect(r.stdout).toMatch(/replications: GWh\/day [\d.]+ \(P5 [\d.]+, P95 [\d.]+\)/);
  });
  it("a replication whose draw is out of bounds: exit 2 naming it, and no other replication runs", async () => {
    // seed 2: replication 1 draws a target utilization of 1.14 (above 1), replications 2-4 draw 0.75-0.84
    const dir = mkdtempSync(join(tmpdir(), "inferwatt-reps-"));
    const file = join(dir, "bad-draw.yaml");
    writeFileSync(
      file,
      `name: bad-draw
seed: 2
duration: 2m
${ONE_POOL}    hardware: h100-sxm-8x
    nodes: 12
    autoscale: { target_utilization: { lognormal: { p5: 0.5, p95: 1.2 } }, min: 1, interval: 1m }
facility: { pue: 1.2, orchestration_overhead: 0.1 }
replications: 4
`,
    );
    expect(() => parseScenario(readFileSync(file, "utf8"), file, { replication: 2 })).not.toThrow();
    const out = join(dir, "run");
    const r = await inferwattInProcess("run", file, "--no-tui", "--out", out);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("replication 1's draw");
    // the pool stopped: had it gone on, replications 2-4 (a second each) would have written their summaries by now
    await new Promise((resolve) => setTimeout(resolve, 3000));
    for (const rep of ["rep-2", "rep-3", "rep-4"]) expect(existsSync(join(out, "replications", rep, "summary.json"))).toBe(false);
  });
});

describe("efficiency levers", () => {
  it("a lever of 2 on work halves the energy per query at saturation", () => {
    // one node held at max_batch 16 by arrivals at 1.5x its capacity (W = 1 node-s, or 0.5 with the lever)
    const yaml = (lever: number) =>
      singlePool({ queriesPerDay: (1.5 * 86_400) * lever, duration: "2h", warmup: "10m", output: "{ fixed: 1000 }", maxBatch: 16 }) +
      `efficiency: { model: ${lever}, serving: 1 }\n`;
    const one = simulate(scenario(yaml(1)));
    const two = simulate(scenario(yaml(2)));
    expect(Math.abs(two.per_query_wh.attributed.mean / one.per_query_wh.attributed.mean - 0.5)).toBeLessThan(1e-6);
    // the node is busy all the time in both: the same busy energy, twice the queries
    expect(Math.abs(two.energy.by_component.gpu_busy_wh / one.energy.by_component.gpu_busy_wh - 1)).toBeLessThan(1e-3);
    expect(Math.abs(two.queries.completed / one.queries.completed - 2)).toBeLessThan(0.02);
  });
});
