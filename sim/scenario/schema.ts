import { z } from "zod";
import { strict } from "./strict.ts";

// The scenario file as written (snake_case keys, units in strings). Cross-field rules (shares that
// sum to 1, names that exist) and look-ups are in resolve.ts; this is what `inferwatt schema` prints.

const duration = z.union([z.string(), z.number().min(0)], {
  error: 'a duration such as "24h", "90m" or "3600s", or a number of seconds',
});

function lognormal(bound: z.ZodNumber) {
  const percentiles = strict({ p5: bound, p95: bound }).refine((v) => v.p95 >= v.p5, {
    message: "p95 >= p5",
    path: ["p95"],
  });
  return strict({ lognormal: percentiles });
}

/** A known number, or an uncertain one as a log-normal by its P5 and P95. */
function uncertain(bound: z.ZodNumber, what: string) {
  return z.union([bound, lognormal(bound)], { error: `${what}, or { lognormal: { p5, p95 } }` });
}

const lengthSpec = z.union(
  [
    strict({ fixed: z.number().min(0) }),
    strict({ exponential: strict({ median: z.number().positive() }) }),
    lognormal(z.number().positive()),
  ],
  { error: "a length: { fixed: n }, { exponential: { median: m } } or { lognormal: { p5: a, p95: b } }" },
);

const diurnal = z.union(
  [
    z.literal("none"),
    strict({ peak_to_trough: z.number().min(1), peak_hour: z.number().min(0).lt(24) }),
    strict({ hourly: z.array(z.number().positive()).length(24) }),
  ],
  { error: '"none", { peak_to_trough: r, peak_hour: h } or { hourly: [24 numbers] }' },
);

const queryClass = strict({
  name: z.string().min(1),
  share: z.number().min(0).max(1),
  input_tokens: lengthSpec,
  output_tokens: lengthSpec,
});

const workload = strict({
  queries_per_day: z.number().positive(),
  diurnal: diurnal.default("none").describe("Shape of the arrival rate over a day; default none"),
  classes: z.array(queryClass).min(1),
});

const model = z.union(
  [
    z.string().min(1),
    strict({
      name: z.string().min(1).default("custom"),
      tps: z.union(
        [
          strict({ b0: z.number(), b1: z.number(), b2: z.number(), cap: z.number().positive() }),
          strict({ constant: z.number().positive() }),
        ],
        { error: "{ b0, b1, b2, cap } or { constant: tokens per s }" },
      ),
    }),
  ],
  { error: "a model name of the throughput table, or { name, tps: { b0, b1, b2, cap } | { constant } }" },
);

const hardware = z.union(
  [z.string().min(1), strict({ file: z.string().min(1) }), z.object({ base: z.string().min(1) }).catchall(z.unknown())],
  { error: "a hardware profile name, { base: name, <field overrides> } or { file: path.yaml }" },
);

const share = z.number().min(0).max(1);

const pool = strict({
  name: z.string().min(1),
  model,
  hardware,
  share: z
    .union([share, z.record(z.string(), share)], { error: "a share in [0, 1], or { class name: share }" })
    .optional()
    .describe("Share of every class, or by class; default 1 when there is one pool"),
  max_batch: z.number().int().min(1).default(256),
  batch_half_speed: z.number().min(0).optional().describe("Overrides the hardware profile's"),
  router: z.enum(["least-loaded", "power-of-two", "round-robin", "random"]).default("least-loaded"),
  nodes: z.number().int().min(1),
});

const facility = strict({
  pue: uncertain(z.number().min(1), "a PUE >= 1"),
  orchestration_overhead: z.number().min(0),
});

const efficiency = strict({
  model: uncertain(z.number().positive(), "a factor > 0").default(1),
  serving: uncertain(z.number().positive(), "a factor > 0").default(1),
});

export const rawScenarioSchema = strict({
  name: z.string().min(1),
  seed: z.number().int().default(42),
  duration: duration.default("24h"),
  warmup: duration.default("0s").describe("Simulated first, excluded from metrics"),
  timeseries_interval: duration.optional().describe("Default 5m, or duration / 12 if shorter"),
  workload,
  pools: z.array(pool).min(1),
  facility,
  efficiency: efficiency.prefault({}),
  replications: z.number().int().min(1).default(1),
});

export type RawScenario = z.output<typeof rawScenarioSchema>;
export type RawPool = RawScenario["pools"][number];
