import { availableParallelism } from "node:os";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "../report/atomic-write.ts";
import { replicationsBlock, type ReplicationsBlock } from "../report/replication-spread.ts";
import type { RunOutcome } from "./execute.ts";
import type { PoolEvents, PoolHandle } from "./run-pool.ts";
import { runPool } from "./run-pool.ts";
import type { RunJob } from "./run-job.ts";

/**
 * Replications 1..count of the run `main` (whose folder already holds the median run): each in its own
 * folder replications/rep-NN/, in worker threads, as many at once as there are cores (divided by the
 * run's shards). When all are in,
 * the main summary.json gets the `replications` block.
 */
export function startReplications(main: RunJob, count: number, events: PoolEvents = {}): { pool: PoolHandle; done: Promise<ReplicationsBlock | null> } {
  const width = String(count).length;
  const jobs: RunJob[] = Array.from({ length: count }, (_, i) => {
    const outDir = join(main.outDir, "replications", `rep-${String(i + 1).padStart(width, "0")}`);
    mkdirSync(outDir, { recursive: true });
    // each replication draws its own uncertain numbers: its scenario is read again with its number
    return { ...main, scenario: undefined, replication: i + 1, outDir, verbose: false };
  });
  // sharded like the main run (the same model of the fleet), so cores / shards of them at once
  const pool = runPool(jobs, events, Math.max(1, Math.floor(availableParallelism() / (main.shards ?? 1))));
  const done = pool.done.then((outcomes) => {
    if (outcomes.some((o) => o === null || o.incomplete)) return null;
    const block = replicationsBlock(
      (outcomes as RunOutcome[]).map((o, i) => ({
        summary: o.summary,
        replication: i + 1,
        uncertain: JSON.parse(readFileSync(join(o.outDir, "manifest.json"), "utf8")).scenario.uncertain,
      })),
    );
    const summaryFile = join(main.outDir, "summary.json");
    const summary = JSON.parse(readFileSync(summaryFile, "utf8"));
    writeFileAtomic(summaryFile, JSON.stringify({ ...summary, replications: block }, null, 2) + "\n");
    return block;
  });
  return { pool, done };
}
