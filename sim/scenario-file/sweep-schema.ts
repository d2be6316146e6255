import { z } from "zod";
import { strict } from "./strict.ts";

/** A key path as `--set` takes it: dot-separated keys, list items by index or name (`pools.0.max_batch`). */
const keyPath = z.string().regex(/^[^.=\s,]+(\.[^.=\s,]+)*$/, "a key path like facility.pue or pools.0.max_batch");
/** In a grid or one_at_a_time, several key paths joined by commas move together (their values: lists, one value per path). */
const gridKey = z.string().regex(/^[^.=\s,]+(\.[^.=\s,]+)*(,[^.=\s,]+(\.[^.=\s,]+)*)*$/, "a key path like facility.pue, or several joined by commas");

/** Most runs one sweep may ask for without --yes. */
export const MAX_RUNS_WITHOUT_YES = 10_000;

/**
 * A sweep file as written (docs/sweeps.md): a base scenario and exactly one of grid, one_at_a_time and
 * sample. Key paths are checked against the base scenario later, by applying them (sweep-file.ts).
 */
export const rawSweepSchema = strict({
  name: z.string().regex(/^[A-Za-z0-9._-]+$/, "a name of letters, digits, '.', '_' and '-'").optional().describe("the sweep's name; default: the file's name without .yaml"),
  base: z.string().min(1).describe("the base scenario file, relative to the sweep file"),
  seed: z.number().int().min(0).optional().describe("replaces the base scenario's seed (as --seed); replication k runs with seed + k"),
  replications: z.number().int().min(1).max(1000).default(1).describe("runs per point, replication k with seed + k (default 1)"),
  set: z.array(z.string()).default([]).describe("key.path=value assignments applied to every point before its own (as --set)"),
  grid: z
    .record(gridKey, z.array(z.unknown()).min(1))
    .optional()
    .describe("key path -> list of values; the points are the cross product, the last key varying fastest; a key of several paths joined by commas moves them together (each value a list, one per path)"),
  one_at_a_time: z
    .record(gridKey, z.tuple([z.unknown(), z.unknown()]))
    .optional()
    .describe("key path -> [low, high]; point 0 is the base, then each key at low and at high with the others at base; a key of several paths joined by commas moves them together"),
  sample: strict({
    n: z.number().int().min(1).describe("points"),
    seed: z.number().int().min(0).describe("seed of the Latin hypercube"),
    ranges: z.record(keyPath, z.tuple([z.number(), z.number()])).describe("key path -> [low, high], sampled uniformly"),
  })
    .optional()
    .describe("n points of a Latin hypercube over the ranges, seeded"),
});

export type RawSweep = z.output<typeof rawSweepSchema>;

/** The JSON Schema of sweep files (scenarios/sweep.schema.json, `inferwatt schema --sweep`). */
export function sweepJsonSchema(): object {
  const schema = z.toJSONSchema(rawSweepSchema, { io: "input" }) as Record<string, unknown>;
  // exactly one of grid, one_at_a_time, sample
  return {
    ...schema,
    oneOf: [{ required: ["grid"] }, { required: ["one_at_a_time"] }, { required: ["sample"] }],
  };
}
