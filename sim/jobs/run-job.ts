import type { SimProgress, SimResult } from "../engine/result.ts";
import type { Scenario } from "../scenario/types.ts";
import type { RunOutcome } from "./execute.ts";

/** What a worker needs to run one scenario; the main thread resolves the scenario and the worker receives it (run-in-worker.ts). */
export interface RunJob {
  readonly file: string;
  /** The scenario as the file, --set, --seed and replication give it, when the caller has it already (else it is read again). */
  readonly scenario?: Scenario;
  /** The command's --set assignments. */
  readonly set: readonly string[];
  /** The command's --seed, if given. */
  readonly seed?: number;
  /** Replication r >= 1 of an uncertain scenario (absent: uncertain numbers at their medians). */
  readonly replication?: number;
  /** Split the fleet into this many shards, each simulated in its own worker thread (absent: 1). */
  readonly shards?: number;
  /** An existing, empty folder. */
  readonly outDir: string;
  readonly verbose: boolean;
}

/** Messages a run worker posts to the main thread. */
export type WorkerMessage =
  | { readonly type: "progress"; readonly progress: SimProgress }
  | { readonly type: "done"; readonly outcome: RunOutcome };

/** What a shard worker needs: the run's job, which shard it is, and the run's stop flag. */
export interface ShardJob {
  readonly job: RunJob;
  readonly index: number;
  readonly count: number;
}

/** Messages a shard worker posts to its run worker. */
export type ShardMessage =
  | { readonly type: "progress"; readonly progress: SimProgress }
  | { readonly type: "result"; readonly result: SimResult };

/** Int32 slot 0 of the shared stop flag: set to 1 by the main thread to stop the run (Ctrl+C). */
export const STOP = 0;
