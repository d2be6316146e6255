import { readFileSync } from "node:fs";
import type { SimResult } from "../sim/engine/result.ts";
import { simulate as simulateRun } from "../sim/engine/simulation.ts";
import { buildSummary, TIMING_FIELDS, type Summary } from "../sim/report/summary.ts";
import { parseScenario } from "../sim/scenario-file/load.ts";
import type { Scenario } from "../sim/scenario/types.ts";

/** A scenario from YAML text, as a user's file would give it. */
export function scenario(yaml: string, set: string[] = []): Scenario {
  return parseScenario(yaml, "test.yaml", { set });
}

/** A scenario file (relative to the repository) as `inferwatt run <file> --set ...` reads it. */
export function scenarioFile(path: string, set: string[] = []): Scenario {
  return parseScenario(readFileSync(path, "utf8"), path, { set });
}

export function simulate(s: Scenario): Summary {
  return buildSummary(s, simulateRun(s), { peakRssMb: 0 });
}

/** The engine's result and its summary, for checks that need both (expectConserved). */
export function simulateWithResult(s: Scenario): { summary: Summary; result: SimResult } {
  const result = simulateRun(s);
  return { summary: buildSummary(s, result, { peakRssMb: 0 }), result };
}

/** summary.json without the fields that depend on the machine. */
export function withoutTiming(s: Summary): unknown {
  const copy = JSON.parse(JSON.stringify(s));
  for (const k of TIMING_FIELDS) delete copy.sim[k];
  return copy;
}

/** One pool of `nodes` nodes serving one class at constant throughput (tokens/s per node at full batch). */
export function singlePool(opts: {
  queriesPerDay: number;
  duration: string;
  warmup?: string;
  output: string;
  tokensPerS?: number;
  nodes?: number;
  maxBatch?: number;
  batchHalfSpeed?: number;
  router?: string;
  model?: string;
}): string {
  const model = opts.model ?? `{ name: flat, tps: { constant: ${opts.tokensPerS ?? 1000} } }`;
  return `
name: test
seed: 7
duration: ${opts.duration}
warmup: ${opts.warmup ?? "0s"}
workload:
  queries_per_day: ${opts.queriesPerDay}
  classes:
    - { name: q, share: 1, input_tokens: { fixed: 500 }, output_tokens: ${opts.output} }
pools:
  - name: p
    model: ${model}
    hardware: h100-sxm-8x
    max_batch: ${opts.maxBatch ?? 256}
    batch_half_speed: ${opts.batchHalfSpeed ?? 104}
    router: ${opts.router ?? "least-loaded"}
    nodes: ${opts.nodes ?? 1}
facility: { pue: 1.2, orchestration_overhead: 0.1 }
`;
}
