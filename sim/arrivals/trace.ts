import { TraceError } from "../scenario/errors.ts";
import type { LengthMatch, Scenario, TraceReplay } from "../scenario/types.ts";
import type { ArrivalStream } from "./stream.ts";
import { AZURE_HEADER, AzureTraceReader } from "./trace-reader.ts";

/** What a replay needs to know before reading the trace (the rest of TraceReplay is measured). */
export type TraceSpec = Pick<TraceReplay, "file" | "timeScale" | "loop" | "startAtS" | "match">;

/** The scenario's arrivals when it replays a trace; undefined when they are generated. */
export function arrivalStreamFor(scenario: Scenario): ArrivalStream | undefined {
  const trace = scenario.workload.trace;
  return trace ? new TraceArrivals(trace) : undefined;
}

/**
 * Arrivals replayed from an Azure LLM inference trace, read as the run needs them. A row at trace
 * time t (seconds after the first row) arrives at `(t - startAtS) x timeScale + r x periodS` in
 * repetition r; rows before startAtS are skipped. Each row goes to the first class whose length
 * match it satisfies and keeps its own input and output token counts.
 * Errors in the trace are TraceErrors naming the file and line.
 */
export class TraceArrivals implements ArrivalStream {
  classIndex = 0;
  inputTokens = 0;
  outputTokens = 0;
  /** Rows replayed per repetition; known once the first repetition has been read. */
  rowsPerPass = 0;
  /** Simulated seconds between the starts of two repetitions; NaN until the first repetition has been read. */
  periodS = NaN;
  private readonly reader: AzureTraceReader;
  private readonly file: string;
  private readonly timeScale: number;
  private readonly loop: number;
  private readonly startAtS: number;
  /** Per class: min input, max input, min output, max output tokens (inclusive). */
  private readonly bounds: Float64Array;
  private readonly classes: number;
  private pass = 0;
  private rows = 0;
  private offsetS = 0;
  private firstS = 0;
  private lastS = 0;
  private done = false;

  constructor(spec: TraceSpec) {
    if (!(spec.timeScale > 0)) throw new RangeError(`invalid time scale ${spec.timeScale}: expected a number > 0`);
    if (!(Number.isInteger(spec.loop) && spec.loop >= 1)) throw new RangeError(`invalid loop ${spec.loop}: expected a whole number >= 1`);
    if (!(spec.startAtS >= 0)) throw new RangeError(`invalid start_at ${spec.startAtS}: expected seconds >= 0`);
    if (spec.match.length === 0) throw new RangeError("a trace replay needs at least one class");
    this.file = spec.file;
    this.timeScale = spec.timeScale;
    this.loop = spec.loop;
    this.startAtS = spec.startAtS;
    this.classes = spec.match.length;
    this.bounds = new Float64Array(spec.match.flatMap((m) => matchBounds(m)));
    this.reader = new AzureTraceReader(spec.file);
  }

  advance(): number {
    if (this.done) return Infinity;
    const r = this.reader;
    for (;;) {
      if (!r.next()) {
        if (this.endPass()) continue;
        return Infinity;
      }
      const t = r.timeS;
      if (t < this.startAtS) continue;
      const ci = this.classOf(r.inputTokens, r.outputTokens);
      if (ci < 0) {
        throw new TraceError(
          this.file,
          `got ${r.inputTokens} input and ${r.outputTokens} output tokens, which no class's match takes; expected a class for every row (a last class without match takes the rest)`,
          r.line,
        );
      }
      if (this.pass === 0) {
        if (this.rows === 0) this.firstS = t;
        this.lastS = t;
      }
      this.rows++;
      this.classIndex = ci;
      this.inputTokens = r.inputTokens;
      this.outputTokens = r.outputTokens;
      return this.offsetS + (t - this.startAtS) * this.timeScale;
    }
  }

  /** The end of the file: starts the next repetition (true) or ends the replay (false). */
  private endPass(): boolean {
    if (this.rows === 0) {
      const where = this.startAtS > 0 ? ` at or after start_at (${this.startAtS} s after the first row)` : "";
      throw new TraceError(this.file, `got no rows${where}; expected at least one row after the header ${AZURE_HEADER}`);
    }
    if (this.pass === 0) {
      this.rowsPerPass = this.rows;
      const meanGapS = this.rows > 1 ? (this.lastS - this.firstS) / (this.rows - 1) : 0;
      this.periodS = (this.lastS - this.startAtS + meanGapS) * this.timeScale;
    }
    this.pass++;
    this.rows = 0;
    if (this.pass >= this.loop) {
      this.done = true;
      this.reader.close();
      return false;
    }
    this.offsetS = this.pass * this.periodS;
    this.reader.rewind();
    return true;
  }

  private classOf(input: number, output: number): number {
    const b = this.bounds;
    for (let c = 0; c < this.classes; c++) {
      const i = 4 * c;
      if (input >= b[i] && input <= b[i + 1] && output >= b[i + 2] && output <= b[i + 3]) return c;
    }
    return -1;
  }
}

function matchBounds(m: LengthMatch | null): number[] {
  return [m?.minInputTokens ?? -Infinity, m?.maxInputTokens ?? Infinity, m?.minOutputTokens ?? -Infinity, m?.maxOutputTokens ?? Infinity];
}
