import { availableParallelism } from "node:os";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { writeComparisonFiles } from "../report/comparison-files.ts";
import { compareRuns, comparisonTable, formatTable, splitTable } from "../report/comparison.ts";
import { writeReportHtml } from "../report/report-html.ts";
import { makeResultsDir } from "../report/results-dir.ts";
import { readRunData } from "../report/run-data.ts";
import { uniqueNames } from "../report/unique-names.ts";
import { runPool } from "../jobs/run-pool.ts";
import type { RunJob } from "../jobs/run-job.ts";
import { loadScenario } from "../scenario-file/load.ts";
import { compareStarting, updateRow } from "../tui/compare-state.ts";
import { batchedUpdates } from "../tui/batched-updates.ts";
import { createStore } from "../tui/store.ts";
import { clock } from "../text/format.ts";
import { EXIT_INTERRUPTED, onInterrupt } from "./interrupt.ts";
import { liveViewWanted } from "./live-view-wanted.ts";
import { plainProgress } from "./plain-progress.ts";
import { parseRunFlags, parseShards } from "./run-flags.ts";
import { UsageError } from "../scenario/errors.ts";
import { COMPARE_USAGE } from "./usage.ts";
import { parseIntFlag } from "./parse-flags.ts";

export async function compareCommand(argv: string[], out: (s: string) => void): Promise<number> {
  const { values, positionals: files } = parseRunFlags(argv);
  if (files.length < 2) throw new UsageError(`expected two or more scenario files, got ${files.length}; usage: ${COMPARE_USAGE.split("\n")[0]}`);
  const set = values.set ?? [];
  const seed = parseIntFlag("--seed", values.seed, 0);
  const verbose = values.verbose ?? false;
  // every scenario is checked before any starts
  const scenarios = files.map((file) => loadScenario(file, { set, seed }));
  const shards = parseShards(values.shards, files.map((file, i) => ({ file, scenario: scenarios[i] })));
  const dir = makeResultsDir("compare", values.out, "results", values.force ?? false);
  // a scenario's folder name, also its name in the live view, the plain lines and the table (small, small-2)
  const names = uniqueNames(scenarios.map((s) => s.name));
  const jobs: RunJob[] = names.map((name, i) => {
    const outDir = join(dir, name);
    // with --force the folder may hold an earlier comparison's scenario folders: their files are replaced
    mkdirSync(outDir, { recursive: values.force ?? false });
    return { file: files[i], scenario: scenarios[i], set, seed, shards, outDir, verbose };
  });
  const live = liveViewWanted({ noTui: values["no-tui"] ?? false, verbose, isTTY: process.stdout.isTTY === true, env: process.env });
  // the live view (ink, react) is loaded only when it is shown
  const liveView = live ? await import("./compare-live.tsx") : null;
  const store = createStore(compareStarting(names));
  const updates = batchedUpdates(store);
  const plain = jobs.map((_, i) => plainProgress(out, 0.25, `${names[i]}: `));
  const pool = runPool(jobs, {
    onStart: (i) => updates.queue((s) => updateRow(s, i, { status: "running" })),
    onProgress: (i, progress) => (live ? updates.queue((s) => updateRow(s, i, { progress })) : plain[i](progress)),
    onDone: (i, outcome) => updates.queue((s) => updateRow(s, i, { status: "done", outcome })),
  }, Math.max(1, Math.floor(availableParallelism() / shards)));
  const interrupt = onInterrupt(() => pool.stop());
  try {
    const view = liveView ? liveView.showCompareLive(store) : null;
    const outcomes = await pool.done;
    updates.close();
    const runs = outcomes.flatMap((o) => (o ? [readRunData(o.outDir)] : []));
    const compared = compareRuns(runs);
    const createdAt = new Date();
    writeComparisonFiles(dir, compared, createdAt);
    writeReportHtml(dir, runs, createdAt);
    const table = comparisonTable(compared);
    if (view) {
      store.set((s) => ({ rows: s.rows.map((r) => (r.status === "queued" ? { ...r, status: "skipped" } : r)), final: { table, dir } }));
      await view;
    }
    // the table goes out after the live view has ended, as plain text: a frame that fills the terminal
    // ends without a newline (ink), which lost the last line to the shell's prompt in a short terminal
    // in a terminal too narrow for all scenarios side by side: several tables, each with the first scenario
    const width = process.stdout.isTTY && process.stdout.columns > 0 ? process.stdout.columns : Infinity;
    const tables = splitTable(table, width).map((t) => formatTable(t, width).join("\n"));
    // after Ctrl+C: which figures are partial, and which scenarios are missing from the table
    const stopped = outcomes.flatMap((o, i) => (o?.incomplete ? [`${names[i]} (${clock(o.summary.simulated_s)})`] : []));
    const notRun = outcomes.flatMap((o, i) => (o ? [] : [names[i]]));
    const partial = [
      stopped.length > 0 ? `interrupted: stopped early, figures cover only the simulated time reached: ${stopped.join(", ")}` : "",
      notRun.length > 0 ? `not run: ${notRun.join(", ")}` : "",
    ].filter(Boolean);
    out("\n" + tables.join("\n\n") + "\n" + [table.note, ...partial].join("\n") + "\n\n");
    out(`results  ${dir}\nreport   ${join(dir, "report.html")}\n`);
    return interrupt.interrupted() || outcomes.some((o) => !o || o.incomplete) ? EXIT_INTERRUPTED : 0;
  } finally {
    updates.close();
    interrupt.dispose();
  }
}
