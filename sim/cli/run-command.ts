import { availableParallelism } from "node:os";
import { startReplications } from "../jobs/replication-pool.ts";
import { runInWorker } from "../jobs/run-in-worker.ts";
import type { RunJob } from "../jobs/run-job.ts";
import { loadScenario } from "../scenario-file/load.ts";
import { batchedUpdates } from "../tui/batched-updates.ts";
import { RUN_STARTING, type RunState } from "../tui/run-state.ts";
import { createStore } from "../tui/store.ts";
import { makeResultsDir } from "../report/results-dir.ts";
import { finalSummaryLines } from "../tui/plain-lines.ts";
import { EXIT_INTERRUPTED, onInterrupt } from "./interrupt.ts";
import { liveViewWanted } from "./live-view-wanted.ts";
import { plainProgress } from "./plain-progress.ts";
import { parseRunFlags, parseShards } from "./run-flags.ts";
import { UsageError } from "../scenario/errors.ts";
import { RUN_USAGE } from "./usage.ts";
import { parseIntFlag } from "./parse-flags.ts";

export async function runCommand(argv: string[], out: (s: string) => void): Promise<number> {
  const { values, positionals } = parseRunFlags(argv);
  if (positionals.length !== 1) throw new UsageError(`expected one scenario file, got ${positionals.length}; usage: ${RUN_USAGE.split("\n")[0]}`);
  const file = positionals[0];
  const set = values.set ?? [];
  const seed = parseIntFlag("--seed", values.seed, 0);
  // loaded here too, so a wrong scenario is reported (exit 2) before anything starts
  const scenario = loadScenario(file, { set, seed });
  const verbose = values.verbose ?? false;
  const shards = parseShards(values.shards, [{ file, scenario }]);
  const job: RunJob = { file, scenario, set, seed, shards, outDir: makeResultsDir(scenario.name, values.out, "results", values.force ?? false), verbose };
  const live = liveViewWanted({ noTui: values["no-tui"] ?? false, verbose, isTTY: process.stdout.isTTY === true, env: process.env });
  // the live view (ink, react) is loaded only when it is shown
  const liveView = live ? await import("./run-live.tsx") : null;
  const store = createStore<RunState>(RUN_STARTING);
  const updates = batchedUpdates(store);
  const handle = runInWorker(job, live ? (progress) => updates.queue((s) => ({ ...s, progress })) : plainProgress(out));
  let stopCurrent = () => handle.stop();
  const interrupt = onInterrupt(() => stopCurrent());
  try {
    const outcome = liveView ? await liveView.showRunLive(store, handle, updates, scenario.name, scenario.facility) : await handle.done;
    if (!live) out(finalSummaryLines(outcome.summary, outcome.outDir).join("\n") + "\n");
    if (outcome.incomplete || interrupt.interrupted()) return EXIT_INTERRUPTED;
    if (scenario.replications > 1) {
      out(`replications: ${scenario.replications} runs with uncertain numbers drawn, ${Math.max(1, Math.floor(availableParallelism() / shards))} at once${shards > 1 ? `, each in ${shards} shards` : ""}\n`);
      const reps = startReplications(job, scenario.replications, {
        onDone: (i, o) => out(`  replication ${i + 1}: ${o.summary.energy.gwh_per_day.toFixed(4)} GWh/day, median ${o.summary.per_query_wh.attributed.p50.toFixed(3)} Wh per query\n`),
      });
      stopCurrent = () => reps.pool.stop();
      const block = await reps.done;
      if (!block || interrupt.interrupted()) return EXIT_INTERRUPTED;
      const f = (v: { p5: number; p50: number; p95: number }, d: number) => `${v.p50.toFixed(d)} (P5 ${v.p5.toFixed(d)}, P95 ${v.p95.toFixed(d)})`;
      out(`replications: GWh/day ${f(block.gwh_per_day, 4)}; median Wh per query ${f(block.per_query_wh_p50, 3)}; in ${job.outDir}/summary.json\n`);
    }
    return 0;
  } finally {
    updates.close();
    interrupt.dispose();
  }
}
