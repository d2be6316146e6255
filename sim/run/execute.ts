import { join } from "node:path";
import pino from "pino";
import { Simulation } from "../engine/simulation.ts";
import type { SimProgress } from "../engine/result.ts";
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

/** Simulates a scenario and writes its results folder: manifest, summary, time series, classes, energy quantiles, report, log. */
export function executeRun(scenario: Scenario, opts: ExecuteOptions): RunOutcome {
  const logFile = pino.destination({ dest: join(opts.outDir, "run.log"), sync: true });
  // pino takes a multistream as its second argument only: as the first it reads it as options (and logs to stdout)
  const log = opts.verbose ? pino({}, pino.multistream([{ stream: logFile }, { stream: process.stderr }])) : pino(logFile);
  const startedAt = new Date();
  log.info({ scenario: scenario.name, seed: scenario.seed, file: opts.file, nodes: scenario.pools.reduce((s, p) => s + p.nodes, 0) }, "run started");
  const sim = new Simulation(scenario);
  const result = sim.runToEnd({
    onProgress: (p) => {
      log.debug({ sim_s: p.simS, arrived: p.arrived, events: p.events, power_w: p.powerW }, "progress");
      return opts.onProgress?.(p);
    },
  });
  const incomplete = result.state !== "completed";
  const summary = buildSummary(scenario, result, { peakRssMb: process.resourceUsage().maxRSS / 1024 });
  writeFileAtomic(join(opts.outDir, "summary.json"), JSON.stringify(summary, null, 2) + "\n");
  writeFileAtomic(join(opts.outDir, "timeseries.csv"), timeseriesCsv(scenario, result));
  writeFileAtomic(join(opts.outDir, "classes.csv"), classesCsv(result));
  writeFileAtomic(join(opts.outDir, "energy_quantiles.csv"), energyQuantilesCsv(result));
  writeFileAtomic(
    join(opts.outDir, "manifest.json"),
    JSON.stringify(buildManifest(scenario, opts.file, startedAt, new Date(), incomplete), null, 2) + "\n",
  );
  writeReportHtml(opts.outDir, [readRunData(opts.outDir)]);
  log.info(
    { state: result.state, events: result.events, wall_s: result.wallS, gwh_per_day: summary.energy.gwh_per_day },
    "run finished",
  );
  logFile.flushSync();
  return { summary, outDir: opts.outDir, incomplete };
}
