import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { inferwattInProcess } from "./cli-helpers.ts";
import { inferwatt, MMC, plan, planFile } from "./plan-helpers.ts";

interface Row {
  nodes: number;
  max_batch: number;
  target_utilization: number | null;
  seed: number;
  meets: boolean;
  gwh_per_day: number;
}
const rows = (out: string): Row[] => JSON.parse(readFileSync(join(out, "tried.json"), "utf8"));

describe("inferwatt plan --vary max_batch (the M/M/c fixture, 30 min after 10 min of warm-up, batch_half_speed 4)", () => {
  it("chooses the least energy among the configurations tried that met the SLO, at the node count a plan at that max_batch finds", () => {
    // b = 4: a node holding C queries runs at h(C) = C (4 + 1) / (4 + C) times its speed alone (2.5 at C = 4): fewer nodes, each query slower
    const v = plan("--slo", "e2e_p99=7", "--set", "duration=40m", "--set", "pools.0.batch_half_speed=4", "--vary", "max_batch=1,2,4");
    expect(v.json.feasible).toBe(true);
    const tried = rows(v.out);
    expect(v.json.tried).toBe(tried.length);
    expect(new Set(tried.map((t) => t.max_batch))).toEqual(new Set([1, 2, 4]));
    // the least energy among the counts that met the SLO on the plan's seed and on the second one
    const seed: number = JSON.parse(readFileSync(join(v.out, "plan.json"), "utf8")).seed;
    const both = tried.filter((t) => t.seed === seed && t.meets && tried.some((g) => g.seed === seed + 1 && g.nodes === t.nodes && g.max_batch === t.max_batch && g.meets));
    const least = both.sort((a, b) => a.gwh_per_day - b.gwh_per_day)[0];
    const chosen = v.json.chosen.pools[0];
    expect([chosen.nodes, chosen.max_batch]).toEqual([least.nodes, least.max_batch]);
    expect(v.json.chosen.peak_span.gwh_per_day).toBe(least.gwh_per_day);
    // every value reached the target, batch 4 with the fewest nodes (analytic stability bound: 40 / 2.5 = 16 nodes busy)
    const counts = [1, 2, 4].map((b) => Math.min(...both.filter((t) => t.max_batch === b).map((t) => t.nodes)));
    expect(counts[0]).toBeGreaterThan(counts[1]);
    expect(counts[1]).toBeGreaterThan(counts[2]);
    expect(counts[2]).toBeGreaterThan(16);
    // planned.yaml carries the chosen max_batch, and the node's throughput at that batch (tps_multiplier h(C))
    const planned = join(v.out, "planned.yaml");
    const pool = parse(readFileSync(planned, "utf8")).pools[0];
    expect(pool).toMatchObject({ nodes: chosen.nodes, max_batch: chosen.max_batch });
    expect(pool.hardware.tps_multiplier).toBeCloseTo((chosen.max_batch * 5) / (4 + chosen.max_batch), 12);
    // the plan without --vary of that configuration (the pool at that max_batch): the same count
    const fixed = planFile(planned, "--slo", "e2e_p99=7");
    expect(fixed.json.chosen.pools[0]).toMatchObject({ nodes: chosen.nodes, max_batch: chosen.max_batch });
    expect(fixed.json.chosen.peak_span.gwh_per_day).toBe(least.gwh_per_day);
  });

  it.each([
    [["--vary", "nodes"], /--vary: got "nodes"; expected max_batch\[=v1,v2,\.\.\.\] or autoscale\.target_utilization/],
    [["--vary", "max_batch=4,0"], /--vary max_batch=4,0: got "0"; expected whole numbers from 1 to 1,000,000/],
    [["--vary", "max_batch=8,x"], /--vary max_batch=8,x: got "x"; expected whole numbers/],
    [["--vary", "max_batch", "--vary", "max_batch=4"], /--vary max_batch: given twice/],
    [["--vary", "autoscale.target_utilization=0.5,1.5"], /--vary autoscale\.target_utilization=0\.5,1\.5: got "1\.5"; expected numbers in \(0, 1\]/],
    [["--vary", "autoscale.target_utilization"], /--vary autoscale\.target_utilization: no pool of test\/fixtures\/plan-mmc\.yaml has an autoscale block/],
  ])("%j: exit 2 naming the flag", async (args, message) => {
    const r = await inferwattInProcess("plan", MMC, "--slo", "wait_p99=0.5", ...(args as string[]));
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message as RegExp);
  });
});

describe("inferwatt plan --vary autoscale.target_utilization (an autoscaled pool)", () => {
  it("plans the ceiling and the target of least energy over the full scenario; planned.yaml re-run with inferwatt run meets the SLO", () => {
    const slo = 0.5;
    const { json, out } = planFile("test/fixtures/plan-autoscale.yaml", "--slo", `wait_p99=${slo}`, "--vary", "autoscale.target_utilization=0.6,0.75,0.9");
    const chosen = json.chosen.pools[0];
    const tried = rows(out);
    expect(new Set(tried.map((t) => t.target_utilization))).toEqual(new Set([0.6, 0.75, 0.9]));
    // the chosen target: the least energy over the full scenario among the targets that met the SLO there
    const variants: { target_utilization: number; full_scenario?: { gwh_per_day: number; meets: boolean } }[] = JSON.parse(readFileSync(join(out, "plan.json"), "utf8")).pools[0].variants;
    expect(variants.map((x) => x.target_utilization)).toEqual([0.6, 0.75, 0.9]);
    const met = variants.filter((x) => x.full_scenario?.meets).sort((a, b) => a.full_scenario!.gwh_per_day - b.full_scenario!.gwh_per_day);
    expect(met.length).toBeGreaterThanOrEqual(2);
    expect(chosen.target_utilization).toBe(met[0].target_utilization);
    // a higher target keeps fewer nodes on off-peak: less energy over the day
    expect(met[0].target_utilization).toBe(Math.max(...met.map((x) => x.target_utilization)));
    expect(json.chosen.gwh_per_day).toBe(met[0].full_scenario!.gwh_per_day);
    const planned = parse(readFileSync(join(out, "planned.yaml"), "utf8")).pools[0];
    expect(planned).toMatchObject({ nodes: chosen.nodes, autoscale: { target_utilization: chosen.target_utilization, max: chosen.nodes } });
    const dir = join(mkdtempSync(join(tmpdir(), "inferwatt-plan-")), "run");
    const r = inferwatt("run", join(out, "planned.yaml"), "--out", dir);
    expect(r.status).toBe(0);
    const s = JSON.parse(readFileSync(join(dir, "summary.json"), "utf8"));
    expect(s.latency_s.wait.p99).toBeLessThanOrEqual(slo);
    expect(json.chosen.latency.wait_p99).toBe(s.latency_s.wait.p99);
  });
});
