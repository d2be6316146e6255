import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { makeResultsDir } from "../sim/report/results-dir.ts";
import { inferwattInProcess, interruptAfterProgress } from "./cli-helpers.ts";
import { expectConserved } from "./conservation.ts";
import { scenarioFile } from "./sim-helpers.ts";

const tmp = () => mkdtempSync(join(tmpdir(), "inferwatt-robust-"));
/** The command's entry in this process; the binary is spawned where a process is the point (signals, its working folder). */
const inferwatt = inferwattInProcess;

describe("interruption", () => {
  it("SIGTERM: summary and time series up to the stop, manifest incomplete, exit 130", async () => {
    const out = join(tmp(), "run");
    const { code } = await interruptAfterProgress(["run", "scenarios/small.yaml", "--out", out, "--set", "duration=24h"], "SIGTERM");
    expect(code).toBe(130);
    const manifest = JSON.parse(readFileSync(join(out, "manifest.json"), "utf8"));
    expect(manifest.incomplete).toBe(true);
    const summary = JSON.parse(readFileSync(join(out, "summary.json"), "utf8"));
    expect(summary.state).toBe("interrupted");
    expect(summary.simulated_s).toBeGreaterThan(0);
    expect(summary.simulated_s).toBeLessThan(86_400);
    expectConserved(summary, undefined, scenarioFile("scenarios/small.yaml", ["duration=24h"]));
    const rows = readFileSync(join(out, "timeseries.csv"), "utf8").trim().split("\n");
    expect(Number(rows.at(-1)!.split(",")[0])).toBeCloseTo(summary.simulated_s, 2);
    // no half-written file is left behind
    expect(readdirSync(out).filter((f) => f.includes(".tmp-"))).toEqual([]);
  });
});

describe("interrupted comparison", () => {
  it("SIGINT: the table says which figures are partial and how far each run got", async () => {
    const out = join(tmp(), "cmp");
    const { code, stdout } = await interruptAfterProgress(["compare", "scenarios/small.yaml", "scenarios/small.yaml", "--out", out, "--set", "duration=24h"], "SIGINT");
    expect(code).toBe(130);
    const reached = (name: string) => JSON.parse(readFileSync(join(out, name, "summary.json"), "utf8")).simulated_s as number;
    const hhmm = (s: number) => `${String(Math.floor(s / 3600)).padStart(2, "0")}:${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}`;
    expect(stdout).toContain(
      `interrupted: stopped early, figures cover only the simulated time reached: small (${hhmm(reached("small"))}), small-2 (${hhmm(reached("small-2"))})`,
    );
    expect(reached("small")).toBeLessThan(86_400);
  });
});

describe("results folders", () => {
  it("--force writes into a folder that is not empty and keeps what else is there", async () => {
    const out = tmp();
    writeFileSync(join(out, "notes.txt"), "mine");
    const r = await inferwatt("run", "scenarios/small.yaml", "--no-tui", "--out", out, "--force", "--set", "duration=2m");
    expect(r.status).toBe(0);
    expect(readFileSync(join(out, "notes.txt"), "utf8")).toBe("mine");
    expect(readdirSync(out)).toContain("summary.json");
  });

  it("runs of the same scenario in the same second get folders of their own (name-time, then -2, -3...)", () => {
    // five folders asked for within microseconds: at least two fall in the same second
    const root = join(tmp(), "results");
    const dirs = [1, 2, 3, 4, 5].map(() => makeResultsDir("small", undefined, root));
    expect(new Set(dirs).size).toBe(5);
    expect(readdirSync(root).filter((d) => d.startsWith("small-"))).toHaveLength(5);
    expect(dirs.some((d) => d.endsWith("-2"))).toBe(true);
    for (const d of dirs) expect(d).toMatch(/\/small-\d{8}T\d{6}Z(-[2-5])?$/);
  });
});

describe("bad input: exit 2, a message naming file, key or line", () => {
  const bad = (name: string, text: string) => {
    const file = join(tmp(), name);
    writeFileSync(file, text);
    return file;
  };
  const small = readFileSync(new URL("../scenarios/small.yaml", import.meta.url), "utf8");

  it.each([
    ["unknown key with a suggestion", small.replace("max_batch: 256", "max_bach: 256"), /pools\.0\.max_bach: got unknown key "max_bach" \(did you mean "max_batch"\?\)/],
    ["negative rate", small.replace("queries_per_day: 2.0e7", "queries_per_day: -5"), /workload\.queries_per_day: got -5; expected/],
    ["shares not summing to 1", small.replace("share: 0.1", "share: 0.2"), /share/],
    ["PUE below 1", small.replace("pue: 1.2", "pue: 0.9"), /facility\.pue: got 0\.9; expected a number >= 1/],
    ["unparsable duration", small.replace("duration: 1h", "duration: soon"), /duration: got "soon"; expected a duration/],
    ["unknown model, listing the known ones", small.replace("model: Llama 3.1 70B", "model: GPT-9"), /GPT-9.*Llama 3\.1 405B/],
    ["YAML syntax error with its line", small.replace("  queries_per_day: 2.0e7", "  queries_per_day: [2.0e7"), /bad\.yaml:\d+:\d+: YAML syntax/],
    ["absurd node count", small.replace("    nodes: 27", "    nodes: 50000000"), /at most 2000000 nodes/],
  ])("%s", async (_what, text, message) => {
    const file = bad("bad.yaml", text);
    const r = await inferwatt("validate", file);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(file);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it("several problems are reported at once", async () => {
    const file = bad("bad.yaml", small.replace("pue: 1.2", "pue: 0.9").replace("max_batch: 256", "max_batch: 0"));
    const r = await inferwatt("validate", file);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/facility\.pue/);
    expect(r.stderr).toMatch(/pools\.0\.max_batch/);
  });

  it("a missing scenario file", async () => {
    const r = await inferwatt("run", "no/such/file.yaml", "--no-tui");
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/no\/such\/file\.yaml: cannot read the scenario: no such file/);
  });
});
