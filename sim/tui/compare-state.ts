import type { SimProgress } from "../engine/result.ts";
import type { ComparisonTable } from "../report/comparison.ts";
import type { RunOutcome } from "../jobs/execute.ts";

export type RowStatus = "queued" | "running" | "done" | "skipped";

export interface CompareRowState {
  readonly name: string;
  readonly status: RowStatus;
  readonly progress: SimProgress | null;
  readonly outcome: RunOutcome | null;
}

/** What the compare view shows: a row per scenario, then the side-by-side table and where the files are. */
export interface CompareState {
  readonly rows: readonly CompareRowState[];
  readonly final: { readonly table: ComparisonTable; readonly dir: string } | null;
}

export const compareStarting = (names: readonly string[]): CompareState => ({
  rows: names.map((name) => ({ name, status: "queued", progress: null, outcome: null })),
  final: null,
});

export const updateRow = (s: CompareState, i: number, change: Partial<CompareRowState>): CompareState => ({
  ...s,
  rows: s.rows.map((r, k) => (k === i ? { ...r, ...change } : r)),
});
