import { availableParallelism } from "node:os";
import { mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { runInWorker } from "../jobs/run-in-worker.ts";
import { runPool } from "../jobs/run-pool.ts";
import type { RunJob } from "../jobs/run-job.ts";
import { writeFileAtomic } from "../report/atomic-write.ts";
import { makeResultsDir } from "../report/results-dir.ts";
import { readPointRows, readSweepJson, runFolder, sameSweep, sweepJson, writePointFiles, type PointRow } from "../report/sweep-folder.ts";
import { writeSweepReport } from "../report/sweep-report.ts";
import { MAX_RUNS_WITHOUT_YES } from "../scenario-file/sweep-schema.ts";
import { loadSweep, pointAssignments, pointLabel, runCount, runScenario, sweepRun, type Sweep } from "../scenario-file/sweep-file.ts";
import { UsageError } from "../scenario/errors.ts";
import { batchedUpdates } from "../tui/batched-updates.ts";
import { compareStarting, updateRow } from "../tui/compare-state.ts";
import { createStore } from "../tui/store.ts";
import { wallTime } from "../text/format.ts";
import { EXIT_INTERRUPTED, onInterrupt } from "./interrupt.ts";
import { liveViewWanted } from "./live-view-wanted.ts";
import { parseFlags, parseIntFlag } from "./parse-flags.ts";
import { plainProgress } from "./plain-progress.ts";
import { parseShards, RUN_OPTIONS } from "./run-flags.ts";
import { k8sManifest, slurmScript, type TaskCommand } from "./sweep-cluster.ts";
import { SWEEP_USAGE } from "./usage.ts";

function parseSweepFlags(argv: string[]) {
  return parseFlags({
    args: argv,
    options: {
      ...RUN_OPTIONS,
      jobs: { type: "string" },
      shards: { type: "string" },
      index: { type: "string" },
      slurm: { type: "boolean" },
      partition: { type: "string" },
      time: { type: "string" },
      k8s: { type: "boolean" },
      image: { type: "string" },
      yes: { type: "boolean" },
    },
    allowPositionals: true,
    strict: true,
  });
}

/** `inferwatt sweep <sweep.yaml> ...` and `inferwatt sweep merge DIR`. */
export async function sweepCommand(argv: string[], out: (s: string) => void): Promise<number> {
  const { values, positionals } = parseSweepFlags(argv);
  if (positionals[0] === "merge") {
    if (positionals.length !== 2) throw new UsageError(`sweep merge: expected one sweep folder, got ${positionals.length - 1}; usage: inferwatt sweep merge DIR`);
    return mergeCommand(positionals[1], out);
  }
  if (positionals.length !== 1) throw new UsageError(`expected one sweep file, got ${positionals.length}; usage: ${SWEEP_USAGE.split("\n")[0]}`);
  const file = positionals[0];
  const set = values.set ?? [];
  const seed = parseIntFlag("--seed", values.seed, 0);
  const sweep = loadSweep(file, { set, seed });
  const runs = runCount(sweep);
  if (runs > MAX_RUNS_WITHOUT_YES && !values.yes)
    throw new UsageError(`${file}: got ${runs} runs (${sweep.points.length} points x ${sweep.replications} replications); expected at most ${MAX_RUNS_WITHOUT_YES} without --yes (add --yes to run them all)`);
  const modes = [values.index !== undefined && "--index", values.slurm && "--slurm", values.k8s && "--k8s"].filter(Boolean);
  if (modes.length > 1) throw new UsageError(`${modes.join(" and ")}: expected at most one of --index, --slurm, --k8s`);
  if ((values.partition !== undefined || values.time !== undefined) && !values.slurm) throw new UsageError(`--partition and --time: expected with --slurm only`);
  if (values.image !== undefined && !values.k8s) throw new UsageError(`--image: expected with --k8s only`);
  if (values.index !== undefined) {
    const index = parseIntFlag("--index", values.index, 0)!;
    if (index >= runs) throw new UsageError(`--index: got ${index}; expected a run of ${file}, 0 to ${runs - 1}`);
    if (values.out === undefined) throw new UsageError(`--index: expected --out DIR too, the sweep folder the runs share`);
    return indexCommand(sweep, index, values.out, { set, seed, verbose: values.verbose ?? false, shards: values.shards }, out);
  }
  // every point is read before any run starts (or is submitted): a wrong value is an error now, not on the cluster
  // (a point's replications differ only in their seed)
  for (let p = 0; p < sweep.points.length; p++) runScenario(sweep, p * sweep.replications);
  const shards = parseShards(values.shards, [{ file: sweep.base, scenario: runScenario(sweep, 0) }]);
  const dir = makeResultsDir(sweep.name, values.out, "results", values.force ?? false);
  writeFileAtomic(join(dir, "sweep.json"), sweepJson(sweep));
  if (values.slurm || values.k8s) {
    const task: TaskCommand = { node: process.execPath, inferwatt: inferwattEntry(), sweepFile: file, outDir: dir, seed, set };
    if (values.slurm) {
      mkdirSync(join(dir, "slurm"), { recursive: true });
      const script = join(dir, "sweep.sbatch");
      writeFileAtomic(script, slurmScript(sweep, task, { partition: values.partition, time: values.time, cpus: shards }));
      out(`${runs} runs of ${file} as a Slurm job array\nscript   ${script}\nsubmit   sbatch ${script}\nthen     inferwatt sweep merge ${dir}\n`);
    } else {
      const manifest = join(dir, "sweep-job.yaml");
      writeFileAtomic(manifest, k8sManifest(sweep, task, { image: values.image ?? "inferwatt", parallelism: Math.min(runs, 100) }));
      out(`${runs} runs of ${file} as a Kubernetes Indexed Job\nmanifest ${manifest}\nsubmit   kubectl apply -f ${manifest}\nthen     inferwatt sweep merge ${dir}\n`);
    }
    return 0;
  }
  const jobs = parseIntFlag("--jobs", values.jobs, 1) ?? Math.max(1, Math.floor(availableParallelism() / shards));
  return localSweep(sweep, dir, { set, seed, shards, jobs, verbose: values.verbose ?? false, noTui: values["no-tui"] ?? false }, out);
}

/** bin/inferwatt.js of this installation, which the array tasks run. */
function inferwattEntry(): string {
  // from sim/cli/ or (compiled) dist/sim/cli/
  const here = dirname(fileURLToPath(import.meta.url));
  return resolve(here, here.includes(`${join("dist", "sim")}`) ? "../../../bin/inferwatt.js" : "../../bin/inferwatt.js");
}

/** The job of run `index` in `dir`: the base scenario with the sweep's and the point's assignments at the run's seed (as `inferwatt run` would read it). */
function runJob(s: Sweep, index: number, dir: string, verbose: boolean, shards: number): RunJob {
  const run = sweepRun(s, index);
  return { file: s.base, set: [...s.set, ...pointAssignments(run.set)], seed: run.seed, shards, outDir: join(dir, runFolder(s, index)), verbose };
}

interface LocalOptions {
  readonly set: readonly string[];
  readonly seed?: number;
  readonly shards: number;
  readonly jobs: number;
  readonly verbose: boolean;
  readonly noTui: boolean;
}

/** Runs every point in worker threads (`jobs` at once), then writes points.csv, points.json and report.html. */
async function localSweep(s: Sweep, dir: string, o: LocalOptions, out: (s: string) => void): Promise<number> {
  const runs = runCount(s);
  const jobs = Array.from({ length: runs }, (_, i) => {
    const job = runJob(s, i, dir, o.verbose, o.shards);
    rmSync(job.outDir, { recursive: true, force: true });
    mkdirSync(job.outDir, { recursive: true });
    return job;
  });
  const names = jobs.map((_, i) => `${runFolder(s, i).slice("points/".length)} ${pointLabel(sweepRun(s, i).set)}${s.replications > 1 ? ` r${sweepRun(s, i).replication}` : ""}`);
  const live = liveViewWanted({ noTui: o.noTui, verbose: o.verbose, isTTY: process.stdout.isTTY === true, env: process.env });
  const liveView = live ? await import("./compare-live.tsx") : null;
  const store = createStore(compareStarting(names));
  const updates = batchedUpdates(store);
  const started = performance.now();
  let finished = 0;
  const doneLine = (i: number, text: string) => {
    finished++;
    const elapsedS = (performance.now() - started) / 1000;
    if (!live) out(`[${finished}/${runs}] ${names[i]}: ${text} | wall ${wallTime(elapsedS)}, ETA ${wallTime((elapsedS / finished) * (runs - finished))}\n`);
  };
  const pool = runPool(
    jobs,
    {
      onStart: (i) => updates.queue((st) => updateRow(st, i, { status: "running" })),
      onProgress: (i, progress) => (live ? updates.queue((st) => updateRow(st, i, { progress })) : undefined),
      onDone: (i, outcome) => {
        updates.queue((st) => updateRow(st, i, { status: "done", outcome }));
        const sm = outcome.summary;
        doneLine(i, `${sm.energy.gwh_per_day.toFixed(4)} GWh/day, median ${sm.per_query_wh.attributed.p50.toFixed(3)} Wh per query, e2e p99 ${sm.latency_s.e2e.p99.toFixed(1)} s`);
      },
      onError: (i, e) => {
        writeFileSync(join(jobs[i].outDir, "error.txt"), `${(e as Error)?.stack ?? String(e)}\n`);
        updates.queue((st) => updateRow(st, i, { status: "skipped" }));
        doneLine(i, `FAILED: ${(e as Error)?.message ?? String(e)}`);
      },
    },
    o.jobs,
  );
  const interrupt = onInterrupt(() => pool.stop());
  try {
    const view = liveView ? liveView.showCompareLive(store, s.name) : null;
    await pool.done;
    updates.close();
    const rows = mergeSweep(dir, s);
    if (view) {
      store.set((st) => ({ rows: st.rows.map((r) => (r.status === "queued" ? { ...r, status: "skipped" } : r)), final: { table: { header: [], rows: [], note: "" }, dir } }));
      await view;
    }
    out(mergeLines(rows, dir).join("\n") + "\n");
    return interrupt.interrupted() || rows.some((r) => r.status === "incomplete" || r.status === "missing") ? EXIT_INTERRUPTED : 0;
  } finally {
    updates.close();
    interrupt.dispose();
  }
}

/** Writes points.csv, points.json and report.html from the run folders there; returns the rows. */
function mergeSweep(dir: string, s: Sweep): PointRow[] {
  const rows = readPointRows(dir, s);
  writePointFiles(dir, rows);
  writeSweepReport(dir, s, rows);
  return rows;
}

/** What a merge says: runs by status, the missing and failed ones by index, where the files are. */
function mergeLines(rows: readonly PointRow[], dir: string): string[] {
  const by = (status: string) => rows.filter((r) => r.status === status);
  const list = (status: string) => {
    const rs = by(status);
    return rs.length === 0 ? [] : [`${status}: ${rs.length} (index ${rs.map((r) => r.index).join(", ")})`];
  };
  return [
    `${by("done").length} of ${rows.length} runs done`,
    ...list("failed"),
    ...list("incomplete"),
    ...list("missing"),
    `points   ${join(dir, "points.csv")}`,
    `report   ${join(dir, "report.html")}`,
  ];
}

/** `inferwatt sweep merge DIR`: the sweep folder's tables and report from whatever runs are there. Missing or failed runs are listed, not fatal. */
function mergeCommand(dir: string, out: (s: string) => void): number {
  const s = readSweepJson(dir);
  if (!s) throw new UsageError(`sweep merge: "${dir}" holds no sweep.json; expected a sweep folder (written by inferwatt sweep --out DIR, --index or --slurm)`);
  out(mergeLines(mergeSweep(dir, s), dir).join("\n") + "\n");
  return 0;
}

/**
 * One run of the sweep into the shared folder `dir`, as an array task does: sweep.json written if the
 * folder has none (else it must be the same sweep), the run's own folder replaced.
 */
async function indexCommand(
  s: Sweep,
  index: number,
  dir: string,
  o: { set: readonly string[]; seed?: number; verbose: boolean; shards?: string },
  out: (s: string) => void,
): Promise<number> {
  const scenario = runScenario(s, index);
  const shards = parseShards(o.shards, [{ file: s.base, scenario }]);
  mkdirSync(dir, { recursive: true });
  const there = readSweepJson(dir);
  if (there && !sameSweep(there, s))
    throw new UsageError(`--out: "${dir}" holds another sweep (its sweep.json differs from ${s.file} with these --set and --seed); expected this sweep's folder or a new one`);
  // tasks start together: each writes under its own temporary name, and the last rename wins with the same text
  if (!there) {
    const tmp = join(dir, `sweep.json.tmp-${index}`);
    writeFileSync(tmp, sweepJson(s));
    renameSync(tmp, join(dir, "sweep.json"));
  }
  const job = { ...runJob(s, index, dir, o.verbose, shards), scenario };
  rmSync(job.outDir, { recursive: true, force: true });
  mkdirSync(job.outDir, { recursive: true });
  const handle = runInWorker(job, plainProgress(out, 0.25, `run ${index}: `));
  const interrupt = onInterrupt(() => handle.stop());
  try {
    const outcome = await handle.done;
    const sm = outcome.summary;
    out(`run ${index} (point ${sweepRun(s, index).point}, ${pointLabel(sweepRun(s, index).set)}, seed ${sm.seed}): ${sm.energy.gwh_per_day.toFixed(4)} GWh/day in ${job.outDir}\n`);
    return outcome.incomplete || interrupt.interrupted() ? EXIT_INTERRUPTED : 0;
  } catch (e) {
    writeFileSync(join(job.outDir, "error.txt"), `${(e as Error)?.stack ?? String(e)}\n`);
    throw e;
  } finally {
    interrupt.dispose();
  }
}
