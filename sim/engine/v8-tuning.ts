import { setFlagsFromString } from "node:v8";

/**
 * V8's inlining budget, raised for the event loop. The loop's hot path (an arrival or a departure:
 * heap, event queue, level counts, histograms) is many small functions; with V8's default budgets
 * (460 bytes of bytecode per function, 920 inlined into one caller) which of them get inlined depends
 * on small code changes, and the losers cost a call each. Measured on this project's benchmarks
 * (docs/performance-journal.md): hour-8000 about 15 % faster, the baseline at its peak about 9 %, small
 * about 11 %, hour-3pools unchanged. Results do not depend on it: inlining changes no arithmetic.
 *
 * Flags are process-wide (worker threads share them) and read when a function is optimized, so this
 * must run before the simulation gets hot: bin/inferwatt.js and the benchmark call it first thing.
 */
export const V8_FLAGS = ["--max-inlined-bytecode-size=1000", "--max-inlined-bytecode-size-cumulative=4000"] as const;

export function tuneV8(): void {
  for (const flag of V8_FLAGS) setFlagsFromString(flag);
}
