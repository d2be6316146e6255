import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "vitest";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
export const MMC = "test/fixtures/plan-mmc.yaml";

/** inferwatt <args> as a child process (the built command, its workers compiled), CI set: plain lines. */
export function inferwatt(...args: string[]) {
  const r = spawnSync(process.execPath, ["bin/inferwatt.js", ...args], { cwd: ROOT, encoding: "utf8", env: { ...process.env, CI: "true" } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A plan of the M/M/c fixture with --json, in a new folder: the printed JSON and the folder. */
export const plan = (...args: string[]) => planFile(MMC, ...args);

/** A plan of a scenario file with --json, in a new folder: the printed JSON and the folder. */
export function planFile(file: string, ...args: string[]) {
  const out = join(mkdtempSync(join(tmpdir(), "inferwatt-plan-")), "p");
  const r = inferwatt("plan", file, "--json", "--out", out, ...args);
  expect(r.stderr).toBe("");
  expect(r.status).toBe(0);
  return { json: JSON.parse(r.stdout), out };
}

/** Erlang C: the probability that a query of an M/M/c queue with offered load a (= lambda / mu) waits. */
export function erlangC(c: number, a: number): number {
  let term = 1;
  let sum = 1;
  for (let k = 1; k < c; k++) {
    term *= a / k;
    sum += term;
  }
  const last = ((term * a) / c) * (c / (c - a));
  return last / (sum + last);
}

/** p99 of the wait in M/M/c with mu = 1: P(W > t) = C e^{-(c - a) t}, 0 when C <= 1 %. */
export const waitP99 = (c: number, a: number) => (c <= a ? Infinity : Math.max(0, Math.log(100 * erlangC(c, a)) / (c - a)));

