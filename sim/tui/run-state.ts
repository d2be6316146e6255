import type { SimProgress } from "../engine/result.ts";
import type { RunOutcome } from "../jobs/execute.ts";

/** What the live view of one run shows: the latest snapshot, then the outcome. */
export interface RunState {
  readonly progress: SimProgress | null;
  readonly outcome: RunOutcome | null;
}

export const RUN_STARTING: RunState = { progress: null, outcome: null };
