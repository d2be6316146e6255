import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { COMPARE_USAGE, PAPER_USAGE, RUN_USAGE, SIZE_USAGE } from "../sim/cli/usage.ts";
import { reflowUsage } from "../sim/cli/help-text.ts";
import { wrapErrorText } from "../sim/cli/main.ts";
import { makeResultsDir } from "../sim/report/results-dir.ts";
import { expectOneMinuteResults, inferwattInProcess } from "./cli-helpers.ts";
import { expectConserved } from "./conservation.ts";
import { scenarioFile, simulateWithResult, withoutTiming } from "./sim-helpers.ts";

const ROOT = new URL("..", import.meta.url);
/**
 * The command's entry in this process (what bin/inferwatt.js calls). The binary itself is spawned
 * where only a process shows what is tested: its exit code (/proc, results/ below), its working folder,
 * signals (robustness.test.ts), a terminal's absence (compare-report.test.ts).
 */
const inferwatt = inferwattInProcess;
const tmp = () => mkdtempSync(join(tmpdir(), "inferwatt-test-"));
const ESC = "\u001b";

describe("inferwatt run", () => {
  const shipped = readdirSync(new URL("../scenarios/", import.meta.url)).filter((f) => f.endsWith(".yaml"));

  it("ships the day scenarios and a small example", async () => {
    expect(shipped).toEqual(expect.arrayContaining(["baseline.yaml", "tts-10.yaml", "tts-all.yaml", "small.yaml"]));
  });

  it.each(shipped)("%s validates, and a simulated minute of it conserves queries and energy", (file) => {
    const sc = scenarioFile(`scenarios/${file}`, ["duration=1m", "timeseries_interval=20s", "replications=1"]);
    const { summary, result } = simulateWithResult(sc);
    expect(summary.queries.arrived).toBeGreaterThan(1000);
    expect(summary.energy.facility_wh).toBeGreaterThan(0);
    expect(result.timeseries).toHaveLength(3);
    expectConserved(summary, result, sc);
  });

  it("small.yaml through the command: the results folder, and the summary the engine gives in this thread", async () => {
    const out = join(tmp(), "run");
    const set = ["duration=1m", "timeseries_interval=20s"];
    const r = await inferwatt("run", "scenarios/small.yaml", "--no-tui", "--out", out, ...set.flatMap((x) => ["--set", x]));
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).not.toContain(ESC);
    expect(r.stdout).toContain(`results     ${out}`);
    // a seeded reproduction: the worker's summary.json is the engine's own for the same scenario
    const summary = JSON.parse(readFileSync(join(out, "summary.json"), "utf8"));
    expect(withoutTiming(summary)).toEqual(withoutTiming(simulateWithResult(scenarioFile("scenarios/small.yaml", set)).summary));
    expectOneMinuteResults(out);
  });

  it("the time series' arrivals add up to the summary's", async () => {
    const out = join(tmp(), "run");
    expect((await inferwatt("run", "scenarios/small.yaml", "--no-tui", "--out", out, "--set", "duration=10m")).status).toBe(0);
    const summary = JSON.parse(readFileSync(join(out, "summary.json"), "utf8"));
    const [header, ...rows] = readFileSync(join(out, "timeseries.csv"), "utf8").trim().split("\n");
    const col = (name: string) => header.split(",").indexOf(name);
    const arrivals = rows.reduce((s, r) => s + Number(r.split(",")[col("arrivals")]), 0);
    expect(arrivals).toBe(summary.queries.arrived);
    // mean facility power over the rows x duration = facility energy
    const facilityMwh = rows.reduce((s, r) => s + Number(r.split(",")[col("facility_mw")]) * (300 / 3600), 0);
    expect(Math.abs(facilityMwh / (summary.energy.facility_wh / 1e6) - 1)).toBeLessThan(1e-4);
  });

  it("refuses an --out folder that exists and is not empty (exit 2), and leaves it alone", async () => {
    const out = tmp();
    writeFileSync(join(out, "keep.txt"), "mine");
    const r = await inferwatt("run", "scenarios/small.yaml", "--no-tui", "--out", out);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/exists and is not empty/);
    expect(readdirSync(out)).toEqual(["keep.txt"]);
  });

  it.each([
    ["a file", (dir: string) => join(dir, "afile"), /--out: cannot use the folder "[^"]*afile": it or a folder above it is a file/],
    ["a folder under a file", (dir: string) => join(dir, "afile", "x"), /--out: cannot use the folder "[^"]*afile\/x": it or a folder above it is a file/],
  ])("refuses an --out that is %s: exit 2, one line, nothing written", async (_what, outOf, message) => {
    const dir = tmp();
    writeFileSync(join(dir, "afile"), "mine");
    const r = await inferwatt("run", "scenarios/small.yaml", "--no-tui", "--out", outOf(dir));
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(readFileSync(join(dir, "afile"), "utf8")).toBe("mine");
    expect(readdirSync(dir)).toEqual(["afile"]);
  });

  it.runIf(existsSync("/proc/self"))("an --out where the system makes no folder (/proc): exit 2 at once (Node's recursive mkdir hung)", async () => {
    const r = spawnSync(process.execPath, ["bin/inferwatt.js", "run", "scenarios/small.yaml", "--no-tui", "--out", "/proc/inferwatt-x/y"], {
      cwd: ROOT,
      encoding: "utf8",
      env: { ...process.env, CI: "true" },
      timeout: 30_000,
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--out: cannot use the folder "\/proc\/inferwatt-x\/y": the system lets no folder be made there/);
  });

  it("makes an --out with .. after a folder it has to make (x/../y needs x)", async () => {
    const dir = tmp();
    expect(makeResultsDir("n", `${dir}/x/../y`)).toBe(`${dir}/x/../y`);
    expect(readdirSync(dir).sort()).toEqual(["x", "y"]);
    // an existing empty folder is used as it is
    expect(makeResultsDir("n", `${dir}/y`)).toBe(`${dir}/y`);
    expect(() => makeResultsDir("n", "")).toThrow(/--out: got an empty name; expected a folder/);
  });

  it("a results/ that is a file (no --out): exit 2 naming it, at once (was an endless loop)", async () => {
    const dir = tmp();
    writeFileSync(join(dir, "results"), "mine");
    const scenario = new URL("../scenarios/small.yaml", import.meta.url).pathname;
    const r = spawnSync(process.execPath, [new URL("../bin/inferwatt.js", import.meta.url).pathname, "run", scenario, "--set", "duration=1m"], {
      cwd: dir,
      encoding: "utf8",
      env: { ...process.env, CI: "true" },
      timeout: 60_000,
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/the results folder: cannot use the folder "results": it or a folder above it is a file/);
    expect(readFileSync(join(dir, "results"), "utf8")).toBe("mine");
  });

  it("compare --force into an earlier comparison's folder replaces its files", async () => {
    const out = join(tmp(), "cmp");
    const args = ["compare", "scenarios/small.yaml", "scenarios/small.yaml", "--set", "duration=2m", "--no-tui", "--out", out];
    expect((await inferwatt(...args)).status).toBe(0);
    const again = await inferwatt(...args, "--force");
    expect(again.stderr).toBe("");
    expect(again.status).toBe(0);
  });

  it("a switch given a value, a flag without one: exit 2 with what was expected", async () => {
    const a = await inferwatt("run", "scenarios/small.yaml", "--no-tui=false");
    expect(a.status).toBe(2);
    expect(a.stderr).toMatch(/--no-tui: got a value; expected none \(--no-tui is a switch\)/);
    const b = await inferwatt("run", "scenarios/small.yaml", "--no-tui", "--out");
    expect(b.status).toBe(2);
    expect(b.stderr).toMatch(/--out: got nothing; expected a value after it/);
    const c = await inferwatt("run", "scenarios/small.yaml", "--no-tui", "--out", "-x");
    expect(c.status).toBe(2);
    expect(c.stderr).toMatch(/--out: got a value starting with "-"; expected it written --out=<value>/);
  });

  it("a bad scenario: exit 2, the message names the file and key, no stack trace", async () => {
    const dir = tmp();
    const file = join(dir, "bad.yaml");
    writeFileSync(file, readFileSync(new URL("../scenarios/small.yaml", import.meta.url), "utf8").replace("max_batch: 256", "max_batch: 0"));
    for (const command of ["run", "validate"]) {
      const r = await inferwatt(command, file, ...(command === "run" ? ["--no-tui", "--out", join(dir, "o")] : []));
      expect(r.status).toBe(2);
      expect(r.stderr).toContain(file);
      expect(r.stderr).toContain("pools.0.max_batch");
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });
});

describe("inferwatt validate, schema, size", () => {
  it("validate: ok line for a shipped scenario", async () => {
    const r = await inferwatt("validate", "scenarios/baseline.yaml");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/ok: "baseline", 86400 s simulated, 1\.00e\+9 queries\/day, 1 class\(es\), 3 pool\(s\), 4082 nodes/);
  });

  it("validate --set: the scenario as run would read it; a bad set value names --set; an unknown flag is refused", async () => {
    const r = await inferwatt("validate", "scenarios/baseline.yaml", "--set", "duration=2h", "--set", "pools.llama-405b.nodes=1000");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/ok: "baseline", 7200 s simulated, .* 3 pool\(s\), 3663 nodes/);
    const bad = await inferwatt("validate", "scenarios/baseline.yaml", "--set", "duration=x");
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--set on scenarios\/baseline\.yaml: duration: got "x"/);
    const flag = await inferwatt("validate", "scenarios/baseline.yaml", "--seed", "3");
    expect(flag.status).toBe(2);
    expect(flag.stderr).toMatch(/unknown option --seed; expected one of --set/);
  });

  it("schema: the JSON Schema of scenario files, equal to the one shipped in scenarios/", async () => {
    const r = await inferwatt("schema");
    expect(r.status).toBe(0);
    const schema = JSON.parse(r.stdout);
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(["workload", "pools", "facility"]));
    expect(schema).toEqual(JSON.parse(readFileSync(new URL("../scenarios/scenario.schema.json", import.meta.url), "utf8")));
  });

  it("size: the node counts shipped in baseline.yaml are the ones it recommends", async () => {
    const r = await inferwatt("size", "scenarios/baseline.yaml");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/pool\s+nodes\s+peak queries\/s\s+node-s per query\n/);
    expect(r.stdout).toMatch(/deepseek-r1\s+2130\s+5144\.0\s+0\.3313\n/);
    expect(r.stdout).toMatch(/llama-405b\s+1419\s+5144\.0\s+0\.2207\n/);
    expect(r.stdout).toMatch(/nemotron-ultra\s+533\s+5144\.0\s+0\.0828\n/);
    expect(r.stdout).toMatch(/total\s+4082\n$/);
  });

  it("unknown command: exit 2", async () => {
    const r = await inferwatt("fly");
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/unknown command "fly"/);
  });
});

describe("inferwatt help", () => {
  const words = (s: string) => s.replaceAll("\u00a0", " ").split(/\s+/).filter(Boolean);

  it("fits 80 columns and keeps every word of every command's usage, in order", async () => {
    const r = await inferwatt("help");
    expect(r.status).toBe(0);
    const lines = r.stdout.split("\n");
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(80);
    for (const usage of [RUN_USAGE, COMPARE_USAGE, SIZE_USAGE, PAPER_USAGE]) {
      const reflowed = reflowUsage(usage);
      expect(words(reflowed)).toEqual(words(usage));
      expect(r.stdout).toContain(reflowed);
    }
    // a flag's description continues under its text, not under the flag
    expect(r.stdout).toMatch(/\n  --shards N {4}splits the fleet into N shards.*\n {16}\S/);
    // examples stay whole on one line, with plain spaces (copied into a shell, they work)
    expect(r.stdout).toMatch(/--set pools\.llama-405b\.nodes=500/);
    expect(r.stdout).not.toContain("\u00a0");
  });

  it("inferwatt alone: the list of commands, in a screen's height (help: every flag)", async () => {
    const r = await inferwatt();
    expect(r.status).toBe(0);
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines.length).toBeLessThan(24);
    for (const c of ["run", "compare", "validate", "size", "schema", "paper", "help"]) expect(r.stdout).toMatch(new RegExp(`^  inferwatt ${c}\\b`, "m"));
    expect((await inferwatt("help")).stdout.startsWith(r.stdout.trimEnd())).toBe(true);
  });

  it("<command> --help and help <command>: that command's help, exit 0; help for no such command: exit 2", async () => {
    for (const args of [["run", "--help"], ["run", "scenarios/small.yaml", "-h"], ["help", "run"]]) {
      const r = await inferwatt(...args);
      expect(r.status).toBe(0);
      expect(r.stdout).toBe(reflowUsage(RUN_USAGE) + "\n");
    }
    expect((await inferwatt("validate", "--help")).stdout).toMatch(/^inferwatt validate <scenario\.yaml> \[--set key\.path=value \.\.\.\]\n\n {2}Reads the scenario/);
    const bad = await inferwatt("help", "fly");
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/no help for "fly"; expected one of: run, compare, validate, size, schema, paper/);
    // names every object has are no commands (they crashed with a TypeError)
    for (const args of [["help", "constructor"], ["constructor", "--help"], ["toString"]]) expect((await inferwatt(...args)).status).toBe(2);
    for (const args of [["help", "--help"], ["help", "help"]]) expect((await inferwatt(...args)).stdout).toMatch(/^inferwatt: the energy of serving/);
  });

  it("error text on a terminal: broken between words, continuing indented; into a pipe: one line per problem", async () => {
    const text = 'f.yaml: pools.0.rotuer: got unknown key "rotuer" (did you mean "router"?); expected one of name, model, hardware\nshort line\n';
    expect(wrapErrorText(text, Infinity)).toBe(text);
    const lines = wrapErrorText(text, 40).split("\n");
    expect(lines).toEqual(['f.yaml: pools.0.rotuer: got unknown key', '    "rotuer" (did you mean "router"?);', "    expected one of name, model,", "    hardware", "short line", ""]);
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(40);
    // a break at a run of spaces leaves no line past the width
    for (let w = 20; w <= 40; w++) {
      const broken = wrapErrorText('f.yaml: pools.0.model: got "Llama 3.1   70B"; expected one of "Llama 3.1 70B"', w).split("\n");
      expect(Math.max(...broken.map((l) => l.length))).toBeLessThanOrEqual(w);
    }
    // a quoted value keeps its spaces as typed (two here), where the line breaks too
    expect(wrapErrorText('f.yaml: pools.0.model: got "Llama 3.1  70B"; expected one of "Llama 3.1 70B"', 30)).toBe(
      'f.yaml: pools.0.model: got\n    "Llama 3.1  70B"; expected\n    one of "Llama 3.1 70B"',
    );
    expect(lines.join(" ").replace(/\s+/g, " ").trim()).toBe(text.replace(/\s+/g, " ").trim());
  });

  it("paper and size print no line wider than 80 columns", async () => {
    for (const args of [["paper"], ["paper", "--power-proportional", "--input-tokens", "2000", "--samples", "5000"], ["size", "scenarios/tts-10.yaml"]]) {
      const r = await inferwatt(...args);
      expect(r.status).toBe(0);
      expect(Math.max(...r.stdout.split("\n").map((l) => l.length))).toBeLessThanOrEqual(80);
    }
  });
});
