import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { describe, expect, it } from "vitest";
import { latinHypercube } from "../sim/scenario-file/latin-hypercube.ts";
import { loadSweep, runCount, sweepRun } from "../sim/scenario-file/sweep-file.ts";
import { ranks, spearman } from "../sim/stats/spearman.ts";
import { tornadoOrder } from "../sim/report/chart-tornado.ts";
import { sweepReportHtml } from "../sim/report/sweep-report.ts";
import type { PointRow } from "../sim/report/sweep-folder.ts";
import { inferwattInProcess as inferwatt } from "./cli-helpers.ts";
import { sweepTitle } from "../sim/tui/CompareApp.tsx";
import type { CompareRowState } from "../sim/tui/compare-state.ts";

const SMALL = new URL("../scenarios/small.yaml", import.meta.url).pathname;
const tmp = () => mkdtempSync(join(tmpdir(), "inferwatt-sweep-"));

/** A sweep file in a fresh folder, its base small.yaml shortened to `duration` (a few hundred ms a run). */
function sweepFile(body: string, duration = "1m"): string {
  const file = join(tmp(), "s.yaml");
  writeFileSync(file, `name: t\nbase: ${SMALL}\nset: [duration=${duration}, timeseries_interval=30s]\n${body}\n`);
  return file;
}

const read = (dir: string, name: string) => readFileSync(join(dir, name), "utf8");
const summaryWithoutSim = (dir: string) => {
  const s = JSON.parse(read(dir, "summary.json"));
  delete s.sim;
  return s;
};

describe("sweep points", () => {
  it("a grid is the cross product in a fixed order, the last key fastest; runs are points x replications with seed + replication", () => {
    const s = loadSweep(sweepFile(`replications: 2\nseed: 7\ngrid: { facility.pue: [1.1, 1.2, 1.3], pools.0.max_batch: [64, 256] }`));
    expect(s.points.map((p) => [p.set["facility.pue"], p.set["pools.0.max_batch"]])).toEqual([
      [1.1, 64], [1.1, 256], [1.2, 64], [1.2, 256], [1.3, 64], [1.3, 256],
    ]);
    expect(runCount(s)).toBe(12);
    expect(sweepRun(s, 7)).toEqual({ index: 7, point: 3, replication: 1, seed: 8, set: { "facility.pue": 1.2, "pools.0.max_batch": 256 } });
  });

  it("one_at_a_time: the base, then each key at low and at high", () => {
    const s = loadSweep(sweepFile(`one_at_a_time: { facility.pue: [1.1, 1.5], pools.0.max_batch: [64, 512] }`));
    expect(s.points.map((p) => p.set)).toEqual([{}, { "facility.pue": 1.1 }, { "facility.pue": 1.5 }, { "pools.0.max_batch": 64 }, { "pools.0.max_batch": 512 }]);
    // the base seed is small.yaml's
    expect(s.seed).toBe(42);
  });

  it("a linked grid key moves its paths together", () => {
    const s = loadSweep(sweepFile(`grid: { "workload.classes.traditional.share,workload.classes.test-time-scaling.share": [[1, 0], [0.5, 0.5]] }`));
    expect(s.points.map((p) => p.set)).toEqual([
      { "workload.classes.traditional.share": 1, "workload.classes.test-time-scaling.share": 0 },
      { "workload.classes.traditional.share": 0.5, "workload.classes.test-time-scaling.share": 0.5 },
    ]);
  });

  it("a Latin hypercube puts exactly one point in each of n strata of every dimension, and a seed reproduces it", () => {
    const pts = latinHypercube(50, 3, 9);
    for (let d = 0; d < 3; d++) expect(pts.map((p) => Math.floor(p[d] * 50)).sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(latinHypercube(50, 3, 9)).toEqual(pts);
    expect(latinHypercube(50, 3, 10)[0]).not.toEqual(pts[0]);
    // adding a dimension leaves the others' values alone
    expect(latinHypercube(50, 4, 9).map((p) => p.slice(0, 3))).toEqual(pts);
    const s = loadSweep(sweepFile(`sample: { n: 8, seed: 1, ranges: { facility.pue: [1.1, 1.5] } }`));
    expect(s.points.map((p) => Math.floor(((p.set["facility.pue"] as number) - 1.1) / 0.05)).sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });
});

describe("bad sweep files: exit 2, naming the file and the key", () => {
  it.each([
    ["an unknown key path", `grid: { facility.peu: [1.1] }`, /s\.yaml: grid\.facility\.peu: facility\.peu=1\.1 on .*small\.yaml: got unknown key "peu" \(did you mean "pue"\?\)/],
    ["a list item that is not there", `one_at_a_time: { pools.3.nodes: [1, 2] }`, /s\.yaml: one_at_a_time\.pools\.3\.nodes: .*expected an index of pools below its length 1 or the name of one of its items \(llama-70b\)/],
    ["an empty value list", `grid: { facility.pue: [] }`, /s\.yaml: grid\.facility\.pue: got \[\]; expected .*at least 1/],
    ["a value the scenario refuses", `grid: { facility.pue: [1.2, 0.5] }`, /s\.yaml: grid\.facility\.pue: point 1 \(facility\.pue=0\.5\): got 0\.5; expected/],
    ["two kinds", `grid: { facility.pue: [1.2] }\nsample: { n: 2, seed: 1, ranges: { facility.pue: [1.1, 1.2] } }`, /s\.yaml: got grid and sample; expected exactly one of grid, one_at_a_time, sample/],
    ["a range upside down", `sample: { n: 2, seed: 1, ranges: { facility.pue: [1.5, 1.1] } }`, /s\.yaml: sample\.ranges\.facility\.pue: got \[1\.5,1\.1\]; expected \[low, high\] with low <= high/],
    ["a linked key with a value of the wrong length", `grid: { "facility.pue,pools.0.max_batch": [[1.2, 64], [1.3]] }`, /s\.yaml: grid\.facility\.pue,pools\.0\.max_batch\.1: got \[1\.3\]; expected a list of 2 values/],
  ])("%s", async (_, body, message) => {
    const file = sweepFile(body);
    const r = await inferwatt("sweep", file, "--out", join(tmp(), "x"));
    expect(r.stderr).toMatch(message);
    expect(r.status).toBe(2);
  });

  it("a sweep of more than 10,000 runs needs --yes", async () => {
    const file = sweepFile(`replications: 1000\ngrid: { facility.pue: [${Array.from({ length: 11 }, (_, i) => (1.1 + i / 100).toFixed(2)).join(", ")}] }`);
    const out = join(tmp(), "x");
    const r = await inferwatt("sweep", file, "--out", out, "--slurm");
    expect(r.stderr).toMatch(/got 11000 runs \(11 points x 1000 replications\); expected at most 10000 without --yes/);
    expect(r.status).toBe(2);
    // with --yes: the script of 11,000 array tasks
    const ok = await inferwatt("sweep", file, "--out", out, "--slurm", "--yes");
    expect(ok.status).toBe(0);
    expect(read(out, "sweep.sbatch")).toContain("#SBATCH --array=0-10999\n");
  });
});

describe("inferwatt sweep", () => {
  it("a run of a sweep equals inferwatt run of the same scenario (summary byte-identical, the sim block aside); --index for every run then merge equals the local sweep byte for byte", async () => {
    const file = sweepFile(`replications: 2\ngrid: { facility.pue: [1.1, 1.3] }`);
    const local = join(tmp(), "local");
    const r = await inferwatt("sweep", file, "--out", local, "--no-tui");
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const points = JSON.parse(read(local, "points.json")).points;
    expect(points.map((p: { index: number; seed: number; status: string }) => [p.index, p.seed, p.status])).toEqual([[0, 42, "done"], [1, 43, "done"], [2, 42, "done"], [3, 43, "done"]]);
    // replications differ (their seeds do), points differ by PUE alone: same arrivals, energy x 1.3 / 1.1
    expect(points[1].gwh_per_day).not.toBe(points[0].gwh_per_day);
    expect(points[2].gwh_per_day / points[0].gwh_per_day).toBeCloseTo(1.3 / 1.1, 12);
    // run 3 alone: point 1, replication 1
    const alone = join(tmp(), "alone");
    const a = await inferwatt("run", SMALL, "--set", "duration=1m", "--set", "timeseries_interval=30s", "--set", "facility.pue=1.3", "--seed", "43", "--out", alone, "--no-tui");
    expect(a.status).toBe(0);
    expect(JSON.stringify(summaryWithoutSim(join(local, "points", "0003")))).toBe(JSON.stringify(summaryWithoutSim(alone)));
    for (const f of ["timeseries.csv", "classes.csv", "energy_quantiles.csv"]) expect(read(join(local, "points", "0003"), f)).toBe(read(alone, f));

    // the same runs one by one as array tasks would, in reverse order, then merged
    const shared = join(tmp(), "shared");
    for (const i of [3, 2, 1, 0]) expect((await inferwatt("sweep", file, "--index", String(i), "--out", shared)).status).toBe(0);
    const m = await inferwatt("sweep", "merge", shared);
    expect(m.stdout).toMatch(/^4 of 4 runs done\n/);
    expect(read(shared, "points.json")).toBe(read(local, "points.json"));
    expect(read(shared, "points.csv")).toBe(read(local, "points.csv"));

    // a missing run and a failed one are listed, not fatal
    rmSync(join(shared, "points", "0001"), { recursive: true });
    writeFileSync(join(shared, "points", "0002", "error.txt"), "boom\n");
    const m2 = await inferwatt("sweep", "merge", shared);
    expect(m2.status).toBe(0);
    expect(m2.stdout).toContain("2 of 4 runs done\nfailed: 1 (index 2)\nmissing: 1 (index 1)\n");
    const rows = JSON.parse(read(shared, "points.json")).points;
    expect(rows.map((p: { status: string }) => p.status)).toEqual(["done", "missing", "failed", "done"]);
    expect(rows[1].gwh_per_day).toBeNull();
    expect(read(shared, "report.html")).toContain("2 of 4 runs not done</b>: 1 (missing), 2 (failed)");

    // another sweep may not write into the folder
    const other = sweepFile(`grid: { facility.pue: [1.2] }`);
    const o = await inferwatt("sweep", other, "--index", "0", "--out", shared);
    expect(o.stderr).toMatch(/holds another sweep/);
    expect(o.status).toBe(2);
  });

  it("--slurm writes an array script whose task command runs the run; --k8s an Indexed Job of as many completions", async () => {
    const file = sweepFile(`one_at_a_time: { facility.pue: [1.1, 1.5] }`);
    const dir = join(tmp(), "cluster");
    const r = await inferwatt("sweep", file, "--out", dir, "--slurm", "--partition", "debug", "--time", "0:10:00", "--set", "pools.0.nodes=30");
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`submit   sbatch ${join(dir, "sweep.sbatch")}`);
    const script = read(dir, "sweep.sbatch");
    expect(script).toContain("#SBATCH --array=0-2\n");
    expect(script).toContain("#SBATCH --partition=debug\n#SBATCH --time=0:10:00\n");
    // the task line, as Slurm would run it for task 2 (the build in dist/ that bin/inferwatt.js runs)
    const task = spawnSync("bash", [join(dir, "sweep.sbatch")], { env: { ...process.env, SLURM_ARRAY_TASK_ID: "2" }, encoding: "utf8" });
    expect(task.stderr).toBe("");
    expect(task.status).toBe(0);
    expect(readdirSync(join(dir, "points"))).toEqual(["0002"]);
    const s = JSON.parse(read(join(dir, "points", "0002"), "summary.json"));
    expect(JSON.parse(read(join(dir, "points", "0002"), "manifest.json")).scenario.facility.pue).toBe(1.5);
    expect(s.seed).toBe(42);
    const k = join(tmp(), "k8s");
    expect((await inferwatt("sweep", file, "--out", k, "--k8s")).status).toBe(0);
    const job = parseYaml(read(k, "sweep-job.yaml"));
    expect(job.spec.completionMode).toBe("Indexed");
    expect(job.spec.completions).toBe(3);
    expect(job.spec.template.spec.containers[0].command[2]).toMatch(/sweep \S+s\.yaml --index "\$JOB_COMPLETION_INDEX" --out \S+k8s --no-tui$/);
  });
});

describe("sensitivity", () => {
  it("Spearman's rho: 1 for any increasing relation, -1 for a decreasing one, 8/sqrt(95) with a tie", () => {
    expect(spearman([1, 2, 3, 4], [1, 8, 27, 1000])).toBeCloseTo(1, 15);
    expect(spearman([1, 2, 3, 4], [9, 4, 1, 0])).toBeCloseTo(-1, 15);
    expect(ranks([5, 6, 7, 8, 7])).toEqual([1, 2, 3.5, 5, 3.5]);
    expect(spearman([1, 2, 3, 4, 5], [5, 6, 7, 8, 7])).toBeCloseTo(8 / Math.sqrt(95), 14);
  });

  it("a tornado puts the widest swing first", () => {
    const bars = [
      { key: "a", low: 1, high: 2, atLow: 1.0, atHigh: 1.1 },
      { key: "b", low: 1, high: 2, atLow: 1.5, atHigh: 0.9 },
      { key: "c", low: 1, high: 2, atLow: 1.0, atHigh: 1.3 },
    ];
    expect(tornadoOrder(bars).map((b) => b.key)).toEqual(["b", "c", "a"]);
  });

  it("the report draws lines for one key, heat maps for two, tornados for one at a time, a scatter per sampled input", () => {
    const rowsOf = (s: ReturnType<typeof loadSweep>): PointRow[] =>
      Array.from({ length: runCount(s) }, (_, i) => {
        const r = sweepRun(s, i);
        return { ...r, status: "done", gwh_per_day: 1 + i, per_query_wh_median: 0.1 * i, e2e_p99_s: 10 };
      });
    const svgs = (body: string) => {
      const s = loadSweep(sweepFile(body));
      return (sweepReportHtml(s, rowsOf(s)).match(/<svg /g) ?? []).length;
    };
    expect(svgs(`grid: { facility.pue: [1.1, 1.2, 1.3] }`)).toBe(3);
    expect(svgs(`grid: { facility.pue: [1.1, 1.2], pools.0.max_batch: [64, 128, 256] }`)).toBe(2);
    expect(svgs(`one_at_a_time: { facility.pue: [1.1, 1.5], pools.0.max_batch: [64, 512] }`)).toBe(2);
    expect(svgs(`sample: { n: 6, seed: 1, ranges: { facility.pue: [1.1, 1.5], facility.orchestration_overhead: [0, 0.2] } }`)).toBe(2);
  });
});

describe("the live view's title", () => {
  it("counts runs done and running, and the time left: mean wall time of those done x runs left / runs at once", () => {
    const row = (status: string, wall = 0) => ({ name: "x", status, progress: null, outcome: status === "done" ? { summary: { sim: { wall_s: wall } } } : null });
    const rows = [row("done", 10), row("done", 20), row("running"), row("running"), row("queued"), row("queued")] as unknown as CompareRowState[];
    expect(sweepTitle("s", rows)).toBe("s: 2 of 6 runs done, 2 running, ETA 30 s");
  });
});

describe("sweep files shipped", () => {
  const dir = new URL("../scenarios/sweeps/", import.meta.url).pathname;
  it.each(readdirSync(dir).filter((f) => f.endsWith(".yaml")))("%s reads, and every run's scenario is valid", (f) => {
    const s = loadSweep(join(dir, f));
    expect(runCount(s)).toBeGreaterThan(1);
  });

  it("scenarios/sweep.schema.json is what inferwatt schema --sweep prints", async () => {
    const r = await inferwatt("schema", "--sweep");
    expect(JSON.parse(r.stdout)).toEqual(JSON.parse(readFileSync(new URL("../scenarios/sweep.schema.json", import.meta.url), "utf8")));
  });
});

