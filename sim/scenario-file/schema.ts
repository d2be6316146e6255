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

const generatedWorkload = strict({
  queries_per_day: z.number().positive(),
  diurnal: diurnal.default("none").describe("Shape of the arrival rate over a day; default none"),
  classes: z.array(queryClass).min(1),
});

/** A key a trace class does not take, with the reason. */
const notWithTrace = (reason: string) => z.never({ error: `nothing: ${reason}` }).optional().describe(`Not used with workload.trace: ${reason}`);

const tokenBound = z.number().int().min(0);

const traceClass = strict({
  name: z.string().min(1),
  match: strict({
    min_input_tokens: tokenBound.optional(),
    max_input_tokens: tokenBound.optional(),
    min_output_tokens: tokenBound.optional(),
    max_output_tokens: tokenBound.optional(),
  })
    .optional()
    .describe("Token counts (inclusive bounds) of the trace rows this class takes; absent: every row. The first class that matches a row takes it"),
  share: notWithTrace("a class's share is the fraction of trace rows it matches"),
  input_tokens: notWithTrace("each query's lengths come from its trace row"),
  output_tokens: notWithTrace("each query's lengths come from its trace row"),
});

const trace = strict({
  file: z.string().min(1).describe("CSV with the columns TIMESTAMP,ContextTokens,GeneratedTokens, relative to the scenario file's folder"),
  format: z.literal("azure-llm").default("azure-llm").describe("The Azure LLM inference trace's CSV (Patel et al., Splitwise, ISCA 2024)"),
  time_scale: z.number().positive().default(1).describe("Multiplies the trace's inter-arrival times: 0.1 replays it ten times denser; default 1"),
  loop: z.number().int().min(1).default(1).describe("Repetitions back to back, each offset by the trace's span plus its mean gap; default 1"),
  start_at: duration.default("0s").describe("Skips this much of the trace after its first row; simulated time 0 is this point of the trace"),
});

const traceWorkload = strict({
  trace: trace.describe("Replay a trace: arrival times and lengths come from its rows (queries_per_day and diurnal are not used)"),
  classes: z
    .array(traceClass)
    .min(1)
    .default([{ name: "trace" }])
    .describe('Classes by length thresholds; default one class "trace" taking every row'),
});

const workload = z.union([generatedWorkload, traceWorkload], {
  error:
    "a workload: { queries_per_day, diurnal, classes } to generate arrivals, or { trace, classes } to replay a trace " +
    "(queries_per_day, diurnal, class shares and lengths are not used with a trace)",
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
    // the physical node (docs/design.md, "The physical node"): a catalog architecture on the profile's GPUs.
    // precision is the weights'; the KV cache follows it unless kv_precision says otherwise: FP8 weights keep
    // an FP8 KV cache, BF16 and FP4 weights a BF16 one (FP4 KV caches are not modelled).
    strict({
      architecture: z.string().min(1).describe("A model of models/data/catalog (inferwatt node lists them): the physical node instead of the paper's regression"),
      precision: z.enum(["bf16", "fp8", "fp4"]).optional().describe("Of the weights; default the catalog model's published precision"),
      kv_precision: z.enum(["bf16", "fp8"]).optional().describe("Of the KV cache; default fp8 when precision is fp8, else bf16"),
    }),
  ],
  {
    error:
      "a model name of the throughput table, { name, tps: { b0, b1, b2, cap } | { constant } }, " +
      "or { architecture: a catalog model, precision, kv_precision } for the physical node",
  },
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
  max_batch: z.number().int().min(1).default(256).describe("Queries a node runs at once; on the physical node a cap that the KV memory may lower further"),
  tensor_parallel: z
    .number()
    .int()
    .min(1)
    .optional()
    .describe("Physical node only: GPUs of one replica; default (and for now the only value) the profile's GPUs per node, one replica per node"),
  batch_half_speed: z.number().min(0).optional().describe("Overrides the hardware profile's (not with the physical node, whose speed comes from the model)"),
  router: z.enum(["least-loaded", "power-of-two", "round-robin", "random"]).default("least-loaded"),
  nodes: z.number().int().min(1).optional().describe("Nodes of the pool; with autoscale, its physical size (default autoscale.max)"),
  autoscale: strict({
    target_utilization: z.number().gt(0).max(1).describe("Offered work / full-batch capacity the autoscaler aims for"),
    reserve: z.number().min(0).default(0.1).describe("Extra nodes on top, as a fraction"),
    min: z.number().int().min(0).default(1),
    max: z.number().int().min(1).optional().describe("Default: nodes"),
    interval: duration.default("15m"),
    wake_delay: duration.optional().describe("Default: the hardware profile's"),
  }).optional(),
}).refine((p) => p.nodes !== undefined || p.autoscale?.max !== undefined, {
  path: ["nodes"],
  message: "a node count >= 1 (or an autoscale block with max)",
  // checked even when other keys of the pool are wrong, so all problems are reported at once
  when: (payload) => typeof payload.value === "object" && payload.value !== null,
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
export type RawTraceWorkload = z.output<typeof traceWorkload>;
export type RawGeneratedWorkload = z.output<typeof generatedWorkload>;
