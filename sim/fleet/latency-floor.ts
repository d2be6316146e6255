import { batchSpeed } from "../../models/batching.ts";
import { lengthSampler } from "../../models/lengths.ts";
import { buildNodeModel } from "../../models/node/node-model.ts";
import { makeRng } from "../../models/rng.ts";
import { queryWorkNodeS } from "../../models/work.ts";
import type { Pool, Scenario } from "../scenario/types.ts";

/** p99 latencies a pool cannot beat with any number of nodes: each query alone on a node (batch 1), no wait. */
export interface LatencyFloor {
  readonly ttft: number;
  readonly e2e: number;
  /** null on the paper's regression (it gives no time per output token). */
  readonly tpot: number | null;
  readonly wait: 0;
  /** How the floor is made, for an infeasible plan's explanation. */
  readonly why: string;
}

const SAMPLES = 20_000;

/**
 * The p99 over the pool's queries (those of class `className`, or all it serves) of the latency each
 * would have alone on a node. Regression: the work L_out / TPS at speed h(1) of one query, the first token
 * after L_in / prefill tokens/s. Physical node: the prefill alone, then L_out decode steps at batch 1
 * (at the mean context of the decode). Null when the pool serves none of those queries.
 */
export function latencyFloor(s: Scenario, pool: Pool, className: string | null): LatencyFloor | null {
  const classes = s.workload.classes.filter((c) => (className === null || c.name === className) && (pool.classShares[c.name] ?? 0) * c.share > 0);
  if (classes.length === 0) return null;
  const weights = classes.map((c) => c.share * pool.classShares[c.name]);
  const total = weights.reduce((a, b) => a + b, 0);
  const rng = makeRng(s.seed, "plan/floor");
  const draws = classes.map((c) => ({ input: lengthSampler(c.inputTokens, makeRng(s.seed, `plan/floor/${c.name}/in`)), output: lengthSampler(c.outputTokens, makeRng(s.seed, `plan/floor/${c.name}/out`)) }));
  const lever = s.efficiency.model * s.efficiency.serving;
  const ttft: number[] = [];
  const e2e: number[] = [];
  const tpot: number[] = [];
  const node = pool.physical ? buildNodeModel(pool.physical.config, pool.physical.calibration) : null;
  const h1 = batchSpeed(1, pool.maxBatch, pool.hardware.batchHalfSpeed);
  for (let i = 0; i < SAMPLES; i++) {
    let u = rng() * total;
    let k = 0;
    while (k < classes.length - 1 && u >= weights[k]) u -= weights[k++];
    const input = draws[k].input();
    const output = draws[k].output();
    if (node) {
      const prefillS = node.prefill(input).seconds / lever;
      const stepS = node.decodeStep(1, input + output / 2).seconds / lever;
      ttft.push(prefillS);
      e2e.push(prefillS + output * stepS);
      if (output > 0) tpot.push(stepS);
    } else {
      ttft.push(input / pool.hardware.prefillTokensPerS);
      e2e.push(queryWorkNodeS(pool.tps, input, output, 1 / (lever * pool.hardware.tpsMultiplier)) / h1);
    }
  }
  const p99 = (xs: number[]) => (xs.length === 0 ? 0 : xs.sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil(0.99 * xs.length) - 1)]);
  const why = node
    ? `a query alone on a node (batch 1) is prefilled, then decodes one token per step of about ${(node.decodeStep(1, 1000).seconds * 1e3 / lever).toFixed(1)} ms: an answer of L tokens takes at least L single-query steps`
    : `a query alone on a node runs at ${(h1 * 100).toFixed(1)} % of the node's full-batch speed (h(1), batch_half_speed ${pool.hardware.batchHalfSpeed}): an answer of L tokens takes at least L / TPS / h(1) seconds`;
  return { ttft: p99(ttft), e2e: p99(e2e), tpot: node ? p99(tpot) : null, wait: 0, why };
}
