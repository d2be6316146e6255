import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";
import { spawn } from "node:child_process";

const ROOT = new URL("..", import.meta.url);

/**
 * Starts `inferwatt <args>` (CI set: plain progress lines), sends `signal` once its first progress
 * line is out, and resolves with the exit code and everything it printed. Only one signal: a second
 * Ctrl+C quits at once.
 */
export function interruptAfterProgress(args: string[], signal: NodeJS.Signals): Promise<{ code: number | null; stdout: string }> {
  const child = spawn(process.execPath, ["bin/inferwatt.js", ...args], { cwd: ROOT, env: { ...process.env, CI: "true" } });
  let stdout = "";
  let sent = false;
  child.stdout.on("data", (d) => {
    stdout += d;
    if (!sent && stdout.includes("] simulated")) sent = child.kill(signal);
  });
  return new Promise((resolve) => child.on("exit", (code) => resolve({ code, stdout })));
}

/**
 * `inferwatt <args>` in this process: the command's own entry (the one bin/inferwatt.js calls) with
 * stdout and stderr captured, as a pipe would take them. No Node start-up and no TypeScript loading
 * per call, so commands that do not simulate (help, validate, size, schema, paper, every refusal) are
 * tested here; the binary itself (exit codes, signals, a results folder from a worker) keeps a few
 * spawned tests.
 */
export async function inferwattInProcess(...args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  const { main } = await import("../sim/cli/main.ts");
  let stdout = "";
  let stderr = "";
  const status = await main(
    args,
    (s) => {
      stdout += s;
      return true;
    },
    (s) => {
      stderr += s;
      return true;
    },
  );
  return { status, stdout, stderr };
}

/**
 * The results folder of a one-minute run with 20 s time-series rows, as the command writes it: every
 * file, the manifest complete, three time-series rows, and run.log's last record "run finished".
 */
export function expectOneMinuteResults(out: string): void {
  expect(readdirSync(out).sort()).toEqual(["classes.csv", "energy_quantiles.csv", "manifest.json", "report.html", "run.log", "summary.json", "timeseries.csv"]);
  const manifest = JSON.parse(readFileSync(join(out, "manifest.json"), "utf8"));
  expect(manifest.incomplete).toBe(false);
  expect(manifest.scenario.durationS).toBe(60);
  expect(manifest.inferwatt_version).toMatch(/^\d+\.\d+\.\d+/);
  const ts = readFileSync(join(out, "timeseries.csv"), "utf8").trim().split("\n");
  expect(ts[0]).toMatch(/^t_s,hour,arrivals,/);
  expect(ts).toHaveLength(1 + 3);
  // run.log is pino NDJSON
  const log = readFileSync(join(out, "run.log"), "utf8").trim().split("\n").map((l) => JSON.parse(l));
  expect(log.at(-1).msg).toBe("run finished");
}
