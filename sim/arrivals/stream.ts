/**
 * Where queries come from: generated (Poisson with a diurnal rate) or replayed from a trace. The
 * engine pulls one arrival at a time, so nothing is generated or read before it is needed.
 */
export interface ArrivalStream {
  /** Moves to the next arrival and returns its time in simulated seconds; Infinity when there is none. */
  advance(): number;
  /** The current arrival's class (index into the scenario's classes) and token counts. */
  readonly classIndex: number;
  readonly inputTokens: number;
  readonly outputTokens: number;
}
