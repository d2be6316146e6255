import { LogHistogram } from "../stats/log-histogram.ts";
import { TraceArrivals, type TraceSpec } from "./trace.ts";

/** One pass over a trace as it would be replayed: how many rows, how far apart the repetitions, what each class gets. */
export interface TraceScan {
  readonly rows: number;
  readonly periodS: number;
  /** Per class: rows it takes, and histograms of their input and output token counts. */
  readonly classRows: readonly number[];
  readonly inputTokens: readonly LogHistogram[];
  readonly outputTokens: readonly LogHistogram[];
}

/** Reads the trace once, streamed (a TraceError names the file and line of a bad row). */
export function scanTrace(spec: TraceSpec): TraceScan {
  const arrivals = new TraceArrivals({ ...spec, loop: 1 });
  const classRows = spec.match.map(() => 0);
  const inputTokens = spec.match.map(() => new LogHistogram());
  const outputTokens = spec.match.map(() => new LogHistogram());
  while (arrivals.advance() < Infinity) {
    const c = arrivals.classIndex;
    classRows[c]++;
    inputTokens[c].record(arrivals.inputTokens);
    outputTokens[c].record(arrivals.outputTokens);
  }
  return { rows: arrivals.rowsPerPass, periodS: arrivals.periodS, classRows, inputTokens, outputTokens };
}
