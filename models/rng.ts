import seedrandom from "seedrandom";

/** A source of uniform numbers in [0, 1), as d3-random's `.source()` takes. */
export type Rng = () => number;

/**
 * A named, seeded stream: every random draw in inferwatt comes from one of these.
 * Streams are independent by name, so adding a draw to one stream never shifts another
 * (arrivals stay the same when routing changes). Alea: fast and of good quality.
 */
export function makeRng(seed: number | string, stream: string): Rng {
  return seedrandom.alea(`${seed}/${stream}`);
}

/** Named streams (makeRng by name): what a simulation draws every random number from. */
export type StreamFactory = (name: string) => Rng;

/** The streams of one seed. */
export function seededStreams(seed: number | string): StreamFactory {
  return (name) => makeRng(seed, name);
}
