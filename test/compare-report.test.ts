import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { VERSION } from "../sim/report/manifest.ts";
import { comparisonTable, METRICS, type ComparedScenario } from "../sim/report/comparison.ts";
import { CHARTS } from "../sim/report/report-html.ts";
import { runInWorker } from "../sim/jobs/run-in-worker.ts";
import { runPool } from "../sim/jobs/run-pool.ts";
import { inferwattInProcess, interruptAfterProgress } from "./cli-helpers.ts";

const ROOT = new URL("..", import.meta.url);
const ESC = "\u001b";
const tmp = () => mkdtempSync(join(tmpdir(), "inferwatt-test-"));
/** The command as a user runs it, with stdout a pipe (not a terminal) and CI unset; the comparison runs in this process (inferwattInProcess). */
const inferwatt = (...args: string[]) => {
  const env = { ...process.env };
  delete env.CI;
  return spawnSync(process.execPath, ["bin/inferwatt.js", ...args], { cwd: ROOT, encoding: "utf8", env });
};
const smallYaml = readFileSync(new URL("../scenarios/small.yaml", import.meta.url), "utf8");

/** small.yaml under another name and with `factor` times the queries. */
function variant(dir: string, name: string, factor: number): string {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, smallYaml.replace("name: small", `name: ${name}`).replace("queries_per_day: 2.0e7", `queries_per_day: ${2e7 * factor}`));
  return file;
}

function expectSelfContained(html: string) {
  expect(html).not.toMatch(/https?:\/\//);
  expect(html).not.toMatch(/<script|<link|@import|<iframe|<img/i);
  expect(html.match(/<svg[\s>]/g)).toHaveLength(CHARTS.length);
  expect(html.match(/<\/svg>/g)).toHaveLength(CHARTS.length);
}

describe("inferwatt run without a terminal", () => {
  it("prints a few plain progress lines and the final summary, no escape codes; report.html is self-contained", () => {
    const out = join(tmp(), "run");
    const r = inferwatt("run", "scenarios/small.yaml", "--out", out, "--set", "duration=30m");
    expect(r.status).toBe(0);
    expect(r.stdout + r.stderr).not.toContain(ESC);
    const progress = r.stdout.split("\n").filter((l) => /^\[\s*\d+%\] simulated/.test(l));
    expect(progress.length).toBeLessThanOrEqual(11);
    expect(r.stdout).toMatch(/energy\s+\d+\.\d+ GWh\/day/);
    expect(r.stdout).toContain(`report      ${join(out, "report.html")}`);
    const html = readFileSync(join(out, "report.html"), "utf8");
    expectSelfContained(html);
    expect(html).toContain("small");
    expect(html).toContain("seed 42");
    expect(html).toContain(`inferwatt ${VERSION}`);
    // the paper's figures are drawn as reference marks
    expect(html).toContain("paper: traditional 0.7-0.8");
    expect(html).toContain("traditional 0.31-0.34");
  });

  it("--verbose: the run's log (NDJSON) goes to run.log and to stderr, not stdout", () => {
    const out = join(tmp(), "run");
    const r = inferwatt("run", "scenarios/small.yaml", "--out", out, "--set", "duration=2m", "--verbose");
    expect(r.status).toBe(0);
    const logged = (text: string) => text.trim().split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l).msg);
    expect(logged(readFileSync(join(out, "run.log"), "utf8"))).toEqual(["run started", "run finished"]);
    expect(logged(r.stderr)).toEqual(["run started", "run finished"]);
    expect(r.stdout).not.toContain('"level"');
  });

  it("Ctrl+C (SIGINT): partial results marked incomplete, exit code 130", async () => {
    const out = join(tmp(), "run");
    const { code, stdout } = await interruptAfterProgress(["run", "scenarios/small.yaml", "--out", out, "--set", "duration=24h"], "SIGINT");
    expect(code).toBe(130);
    expect(stdout).toContain("INCOMPLETE: interrupted");
    expect(JSON.parse(readFileSync(join(out, "manifest.json"), "utf8")).incomplete).toBe(true);
  });
});

describe("inferwatt compare", () => {
  it("runs two scenarios, prints the table and writes the four comparison files, ratio 1 for the first", async () => {
    const dir = tmp();
    const out = join(dir, "cmp");
    const r = await inferwattInProcess("compare", variant(dir, "one", 1), variant(dir, "two", 2), "--out", out, "--set", "duration=2m", "--no-tui");
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).not.toContain(ESC);
    expect(r.stdout).toMatch(/^\s+one\s+two\s+ratio$/m);
    expect(r.stdout).toContain("ratio: the scenario's figure over one's");
    expect(r.stdout).toMatch(/^GWh\/day\s+[\d.]+\s+[\d.]+\s+[\d.]+x$/m);
    expect(readdirSync(out).sort()).toEqual(["comparison.csv", "comparison.json", "comparison.md", "one", "report.html", "two"]);
    expect(readdirSync(join(out, "one"))).toContain("summary.json");

    const json = JSON.parse(readFileSync(join(out, "comparison.json"), "utf8"));
    expect(json.scenarios.map((s: { scenario: string }) => s.scenario)).toEqual(["one", "two"]);
    for (const v of Object.values(json.scenarios[0].ratio_to_first)) expect(v === null || v === 1).toBe(true);
    expect(json.scenarios[1].ratio_to_first.gwh_per_day).toBeGreaterThan(1.02);
    expect(json.scenarios[0].seed).toBe(42);

    const [header, first, second] = readFileSync(join(out, "comparison.csv"), "utf8").trim().split("\n").map((l) => l.split(","));
    const col = (name: string) => header.indexOf(name);
    expect(first[col("scenario")]).toBe("one");
    expect(Number(first[col("ratio_gwh_per_day")])).toBe(1);
    expect(Number(second[col("ratio_gwh_per_day")])).toBeCloseTo(Number(second[col("gwh_per_day")]) / Number(first[col("gwh_per_day")]), 10);

    expect(readFileSync(join(out, "comparison.md"), "utf8")).toMatch(/\| GWh\/day \| [\d.]+ \| [\d.]+ \| [\d.]+x \|/);
    const html = readFileSync(join(out, "report.html"), "utf8");
    expectSelfContained(html);
    expect(html).toContain("one vs two");
  });

  it("needs two scenario files (exit 2)", async () => {
    const r = await inferwattInProcess("compare", "scenarios/small.yaml");
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/expected two or more scenario files/);
  });
});

describe("run workers", () => {
  it("run a scenario in a worker thread (TypeScript loaded through tsx) and post progress", async () => {
    const outDir = tmp();
    const seen: number[] = [];
    const handle = runInWorker({ file: "scenarios/small.yaml", set: ["duration=2h"], outDir, verbose: false }, (p) => seen.push(p.simS));
    const outcome = await handle.done;
    expect(outcome.incomplete).toBe(false);
    expect(outcome.summary.queries.arrived).toBeGreaterThan(1e5);
    expect(readdirSync(outDir)).toContain("report.html");
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
  });

  it("a pool runs at most `concurrency` at once, in order", async () => {
    const dir = tmp();
    const jobs = ["a", "b", "c"].map((n) => ({ file: "scenarios/small.yaml", set: ["duration=1m"], outDir: mkdtempSync(join(dir, n)), verbose: false }));
    const log: string[] = [];
    const pool = runPool(jobs, { onStart: (i) => log.push(`start ${i}`), onDone: (i) => log.push(`done ${i}`) }, 1);
    const outcomes = await pool.done;
    expect(log).toEqual(["start 0", "done 0", "start 1", "done 1", "start 2", "done 2"]);
    expect(outcomes.every((o) => o && !o.incomplete)).toBe(true);
  });
});

describe("comparison table cells", () => {
  it("a figure too small for its metric's digits shows two significant digits, not 0.0 beside a ratio", () => {
    const scenario = (gwh: number, idle: number): ComparedScenario => ({
      scenario: "s",
      label: `s${gwh}`,
      file: "s.yaml",
      seed: 1,
      results_dir: "r",
      state: "completed",
      metrics: Object.fromEntries(METRICS.map((m) => [m.key, m.key === "gwh_per_day" ? gwh : m.key === "gpu_idle_mwh_per_day" ? idle : 0])),
      ratio_to_first: Object.fromEntries(METRICS.map((m) => [m.key, null])),
    });
    const t = comparisonTable([scenario(0.044, 0.000017), scenario(0.103, 0.0001)]);
    const row = (label: string) => t.rows.find((r) => r[0] === label)!;
    expect(row("GWh/day").slice(1, 3)).toEqual(["0.044", "0.103"]);
    expect(row("GPU idle, MWh/day").slice(1, 3)).toEqual(["0.000017", "0.00010"]);
  });
});
