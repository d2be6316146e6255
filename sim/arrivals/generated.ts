import { cumulative, pick } from "../../models/categorical.ts";
import { lengthSampler } from "../../models/lengths.ts";
import type { Rng, StreamFactory } from "../../models/rng.ts";
import type { Scenario } from "../scenario/types.ts";
import { PoissonArrivals } from "./poisson.ts";
import type { ArrivalStream } from "./stream.ts";

/**
 * The scenario's generated workload: Poisson arrivals at the diurnal rate, a class by its share,
 * input and output lengths from the class's distributions. Each has its own named random stream, so
 * scenarios whose workloads agree see the same queries.
 */
export class GeneratedArrivals implements ArrivalStream {
  classIndex = 0;
  inputTokens = 0;
  outputTokens = 0;
  private tS = 0;
  private readonly times: PoissonArrivals;
  private readonly classCum: Float64Array;
  private readonly classRng: Rng;
  private readonly drawInput: (() => number)[];
  private readonly drawOutput: (() => number)[];

  constructor(s: Scenario, streams: StreamFactory) {
    const w = s.workload;
    this.times = new PoissonArrivals(streams("arrivals"), w.queriesPerDay, w.diurnal);
    this.classCum = cumulative(w.classes.map((c) => c.share));
    this.classRng = streams("classes");
    this.drawInput = w.classes.map((c) => lengthSampler(c.inputTokens, streams(`lengths/${c.name}/input`)));
    this.drawOutput = w.classes.map((c) => lengthSampler(c.outputTokens, streams(`lengths/${c.name}/output`)));
  }

  advance(): number {
    this.tS = this.times.next(this.tS);
    const ci = pick(this.classCum, this.classRng);
    this.classIndex = ci;
    this.inputTokens = this.drawInput[ci]();
    this.outputTokens = this.drawOutput[ci]();
    return this.tS;
  }
}
