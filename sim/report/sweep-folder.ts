import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { runCount, sweepRun, type Sweep } from "../scenario-file/sweep-file.ts";
import { writeFileAtomic } from "./atomic-write.ts";
import type { Summary } from "./summary.ts";

/** What became of one run of a sweep, read from its folder. */
export type RunStatus = "done" | "incomplete" | "failed" | "missing";

/** One row of points.json / points.csv: a run's inputs and headline outputs (null unless it finished or was stopped). */
export interface PointRow {
  readonly index: number;
  readonly point: number;
  readonly replication: number;
  readonly seed: number;
  readonly set: Readonly<Record<string, unknown>>;
  readonly status: RunStatus;
  readonly gwh_per_day: number | null;
  readonly per_query_wh_median: number | null;
  readonly e2e_p99_s: number | null;
}

/** The folder of run `index` inside a sweep folder, relative to it: points/0007 (at least four digits, as many as the last index needs). */
export function runFolder(s: Sweep, index: number): string {
  const width = Math.max(4, String(runCount(s) - 1).length);
  return join("points", String(index).padStart(width, "0"));
}

/** sweep.json: the sweep as enumerated, so that `sweep merge` needs only the folder. */
export const sweepJson = (s: Sweep) => JSON.stringify(s, null, 2) + "\n";

/** The parts of two sweep.json texts that must agree for their runs to share a folder (the file paths may be written differently). */
export function sameSweep(a: Sweep, b: Sweep): boolean {
  const strip = ({ file: _f, base: _b, ...rest }: Sweep) => JSON.stringify(rest);
  return strip(a) === strip(b);
}

export function readSweepJson(dir: string): Sweep | null {
  const path = join(dir, "sweep.json");
  return existsSync(path) ? (JSON.parse(readFileSync(path, "utf8")) as Sweep) : null;
}

/** Every run's row, from whatever run folders are there: a folder without a summary is a failed run, no folder a missing one. */
export function readPointRows(dir: string, s: Sweep): PointRow[] {
  return Array.from({ length: runCount(s) }, (_, index) => {
    const run = sweepRun(s, index);
    const folder = join(dir, runFolder(s, index));
    const row = { index, point: run.point, replication: run.replication, seed: run.seed, set: run.set };
    const none = { gwh_per_day: null, per_query_wh_median: null, e2e_p99_s: null };
    if (!existsSync(folder)) return { ...row, status: "missing", ...none };
    if (existsSync(join(folder, "error.txt")) || !existsSync(join(folder, "summary.json")) || !existsSync(join(folder, "manifest.json")))
      return { ...row, status: "failed", ...none };
    const summary = JSON.parse(readFileSync(join(folder, "summary.json"), "utf8")) as Summary;
    const incomplete = (JSON.parse(readFileSync(join(folder, "manifest.json"), "utf8")) as { incomplete: boolean }).incomplete;
    return {
      ...row,
      status: incomplete ? "incomplete" : "done",
      gwh_per_day: summary.energy.gwh_per_day,
      per_query_wh_median: summary.per_query_wh.attributed.p50,
      e2e_p99_s: summary.latency_s.e2e.p99,
    };
  });
}

/** Every key path a row sets, in the sweep's order. */
export function setColumns(rows: readonly PointRow[]): string[] {
  const seen = new Set<string>();
  for (const r of rows) for (const k of Object.keys(r.set)) seen.add(k);
  return [...seen];
}

const csvCell = (v: unknown): string => {
  if (v === null || v === undefined) return "";
  const text = typeof v === "string" ? v : JSON.stringify(v);
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

export function pointsCsv(rows: readonly PointRow[]): string {
  const keys = setColumns(rows);
  const header = ["index", "point", "replication", "seed", ...keys, "status", "gwh_per_day", "per_query_wh_median", "e2e_p99_s"];
  const lines = rows.map((r) =>
    [r.index, r.point, r.replication, r.seed, ...keys.map((k) => r.set[k]), r.status, r.gwh_per_day, r.per_query_wh_median, r.e2e_p99_s].map(csvCell).join(","),
  );
  return [header.join(","), ...lines].join("\n") + "\n";
}

export const pointsJson = (rows: readonly PointRow[]) => JSON.stringify({ points: rows }, null, 2) + "\n";

/** Writes points.csv and points.json into the sweep folder. */
export function writePointFiles(dir: string, rows: readonly PointRow[]): void {
  writeFileAtomic(join(dir, "points.csv"), pointsCsv(rows));
  writeFileAtomic(join(dir, "points.json"), pointsJson(rows));
}
