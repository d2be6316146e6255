import { join } from "node:path";
import pino from "pino";
import { simulate } from "../engine/simulation.ts";
import type { SimProgress, SimResult } from "../engine/result.ts";
import { writeFileAtomic } from "../report/atomic-write.ts";
import { classesCsv, timeseriesCsv } from "../report/csv-files.ts";
import { energyQuantilesCsv } from "../report/energy-quantiles.ts";
import { buildManifest } from "../report/manifest.ts";
import { writeReportHtml } from "../report/report-html.ts";
import { readRunData } from "../report/run-data.ts";
import { buildSummary, type Summary } from "../report/summary.ts";
import type { Scenario } from "../scenario/types.ts";

export interface ExecuteOptions {
  /** The scenario file, recorded in the manifest (null for a scenario built in code). */
  readonly file: string | null;
  /** An existing, empty folder to write into. */
  readonly outDir: string;
  readonly onProgress?: (p: SimProgress) => void | "stop";
  /** Also send the run's log lines to stderr (the command's --verbose); default off. */
  readonly verbose?: boolean;
}

export interface RunOutcome {
  readonly summary: Summary;
  readonly outDir: string;
  readonly incomplete: boolean;
}

/** A run's log (run.log in its folder, and stderr with --verbose) and when it started. */
export interface RunLog {
  readonly log: pino.Logger;
  readonly logFile: pino.DestinationStream & { flushSync(): void };
  readonly startedAt: Date;
}

/** Opens the run's log and records the start. */
export function openRunLog(scenario: Scenario, opts: ExecuteOptions, shards = 1): RunLog {
  const logFile = pino.destination({ dest: join(opts.outDir, "run.log"), sync: true });
  // pino takes a multistream as its second argument only: as the first it reads it as options (and logs to stdout)
  const log = opts.verbose ? pino({}, pino.multistream([{ stream: logFile }, { stream: process.stderr }])) : pino(logFile);
  const startedAt = new Date();
  log.info(
    { scenario: scenario.name, seed: scenario.seed, file: opts.file, nodes: scenario.pools.reduce((s, p) => s + p.nodes, 0), shards },
    "run started",
  );
  return { log, logFile, startedAt };
}

/** Simulates a scenario and writes its results folder: manifest, summary, time series, classes, energy quantiles, report, log. */
export function executeRun(scenario: Scenario, opts: ExecuteOptions): RunOutcome {
  const runLog = openRunLog(scenario, opts);
  const result = simulate(scenario, {
    onProgress: (p) => {
      runLog.log.debug({ sim_s: p.simS, arrived: p.arrived, events: p.events, power_w: p.powerW }, "progress");
      return opts.onProgress?.(p);
    },
  });
  return writeRun(scenario, result, opts, runLog);
}

/** Writes a finished (or stopped) run's results folder; `shards` > 1 when result merges that many shards. */
export function writeRun(scenario: Scenario, result: SimResult, opts: ExecuteOptions, runLog: RunLog, shards = 1): RunOutcome {
  const { log, logFile, startedAt } = runLog;
  const incomplete = result.state !== "completed";
  const summary = buildSummary(scenario, result, { peakRssMb: process.resourceUsage().maxRSS / 1024, shards });
  writeFileAtomic(join(opts.outDir, "summary.json"), JSON.stringify(summary, null, 2) + "\n");
  writeFileAtomic(join(opts.outDir, "timeseries.csv"), timeseriesCsv(scenario, result));
  writeFileAtomic(join(opts.outDir, "classes.csv"), classesCsv(result));
  writeFileAtomic(join(opts.outDir, "energy_quantiles.csv"), energyQuantilesCsv(result));
  writeFileAtomic(
    join(opts.outDir, "manifest.json"),
    JSON.stringify(buildManifest(scenario, opts.file, startedAt, new Date(), incomplete, shards), null, 2) + "\n",
  );
  writeReportHtml(opts.outDir, [readRunData(opts.outDir)]);
  log.info(
    { state: result.state, events: result.events, wall_s: result.wallS, gwh_per_day: summary.energy.gwh_per_day },
    "run finished",
  );
  logFile.flushSync();
  return { summary, outDir: opts.outDir, incomplete };
}
