import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { expectOneMinuteResults } from "../cli-helpers.ts";

// npm run test:long: every shipped scenario through the binary (a Node process and a worker each,
// about 5 s apiece on a 2-core machine). npm test runs each in this thread through the engine
// (test/cli.test.ts), and small.yaml through the command.

const ROOT = new URL("../..", import.meta.url);
const inferwatt = (...args: string[]) =>
  spawnSync(process.execPath, ["bin/inferwatt.js", ...args], { cwd: ROOT, encoding: "utf8", env: { ...process.env, CI: "true" } });
const tmp = () => mkdtempSync(join(tmpdir(), "inferwatt-test-"));
const ESC = "\u001b";

describe("inferwatt run, every shipped scenario", () => {
  const shipped = readdirSync(new URL("../../scenarios/", import.meta.url)).filter((f) => f.endsWith(".yaml"));

  it.each(shipped)("%s runs (one simulated minute, one replication) and writes the results folder", (file) => {
    const out = join(tmp(), "run");
    const r = inferwatt("run", `scenarios/${file}`, "--no-tui", "--out", out, "--set", "duration=1m", "--set", "timeseries_interval=20s", "--set", "replications=1");
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).not.toContain(ESC);
    expect(r.stdout).toContain(`results     ${out}`);
    const summary = JSON.parse(readFileSync(join(out, "summary.json"), "utf8"));
    expect(summary.queries.arrived).toBeGreaterThan(1000);
    expect(summary.queries.arrived).toBe(summary.queries.completed + summary.queries.in_flight);
    expect(summary.energy.facility_wh).toBeGreaterThan(0);
    expectOneMinuteResults(out);
  });

});
