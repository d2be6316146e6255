import type { SimProgress } from "../engine/result.ts";
import type { RunOutcome } from "./execute.ts";

/** What a worker needs to run one scenario: it loads the file itself (a resolved scenario stays on the main thread). */
export interface RunJob {
  readonly file: string;
  /** The command's --set assignments. */
  readonly set: readonly string[];
  /** The command's --seed, if given. */
  readonly seed?: number;
  /** Replication r >= 1 of an uncertain scenario (absent: uncertain numbers at their medians). */
  readonly replication?: number;
  /** An existing, empty folder. */
  readonly outDir: string;
  readonly verbose: boolean;
}

/** Messages a run worker posts to the main thread. */
export type WorkerMessage =
  | { readonly type: "progress"; readonly progress: SimProgress }
  | { readonly type: "done"; readonly outcome: RunOutcome };

/** Int32 slot 0 of the shared stop flag: set to 1 by the main thread to stop the run (Ctrl+C). */
export const STOP = 0;
