import { parseArgs } from "node:util";
import { executeRun } from "../run/execute.ts";
import { loadScenario } from "../scenario/load.ts";
import { makeResultsDir } from "../report/results-dir.ts";
import { finalSummaryLines, progressLine } from "./format.ts";
import { parseIntFlag, UsageError } from "./usage-error.ts";

export const RUN_USAGE = `inferwatt run <scenario.yaml> [--out DIR] [--seed N] [--set key.path=value ...] [--no-tui] [--verbose]

  Simulates the scenario and writes results/<name>-<UTC time>/ (or --out DIR, which must be new or empty):
  manifest.json, summary.json, timeseries.csv, classes.csv, run.log.
  --seed N      replaces the scenario's seed
  --set k=v     overrides one key (repeatable), e.g. --set pools.0.nodes=500 --set duration=1h
  --no-tui      plain progress lines instead of the live view (also without a TTY or with CI set)
  --verbose     also print the run's log (NDJSON) on stderr`;

export function runCommand(argv: string[], out: (s: string) => void): void {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      out: { type: "string" },
      seed: { type: "string" },
      set: { type: "string", multiple: true },
      "no-tui": { type: "boolean" },
      verbose: { type: "boolean" },
    },
    allowPositionals: true,
    strict: true,
  });
  if (positionals.length !== 1) throw new UsageError(`expected one scenario file, got ${positionals.length}; usage: ${RUN_USAGE.split("\n")[0]}`);
  const file = positionals[0];
  const scenario = loadScenario(file, { set: values.set ?? [], seed: parseIntFlag("--seed", values.seed, 0) });
  const outDir = makeResultsDir(scenario.name, values.out);
  let nextLineAt = 0;
  const outcome = executeRun(scenario, {
    file,
    outDir,
    verbose: values.verbose ?? false,
    onProgress: (p) => {
      // a few lines per run: at each tenth of simulated time
      if (p.simS / p.durationS >= nextLineAt) {
        out(progressLine(p) + "\n");
        nextLineAt = Math.floor((p.simS / p.durationS) * 10 + 1) / 10;
      }
    },
  });
  out(finalSummaryLines(outcome.summary, outDir).join("\n") + "\n");
}
