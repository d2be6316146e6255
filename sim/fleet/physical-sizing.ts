import { lengthMean, lengthSampler, type LengthSpec } from "../../models/lengths.ts";
import { lognormalFromP5P95 } from "../../models/lognormal.ts";
import { buildNodeModel, type NodeModel } from "../../models/node/node-model.ts";
import { makeRng } from "../../models/rng.ts";
import type { PhysicalNode, QueryClass } from "../scenario/types.ts";

/** One class of the queries a pool receives, weighted by its share of them. */
export interface ClassMix {
  readonly weight: number;
  readonly inputTokens: LengthSpec;
  readonly outputTokens: LengthSpec;
}

/** What one node of a physical pool delivers at its memory-limited full batch (`physicalSizing`). */
export interface PhysicalSizing {
  /** Means over the pool's class mix (before rounding to whole tokens). */
  readonly meanInputTokens: number;
  readonly meanOutputTokens: number;
  /**
   * KV tokens a running query holds reserved, on average: L_in + L_out weighted by how long the query
   * runs (L_out steps), E[(L_in + L_out) L_out] / E[L_out]. A long answer is both a larger reservation and
   * a longer stay: by Little's law it is a larger share of the running batch than of the arrivals.
   */
  readonly reservationTokens: number;
  /** Tokens of context whose KV cache fits in the HBM the weights leave (one replica per node). */
  readonly kvCapacityTokens: number;
  /** Queries whose reservations fit at once: floor(kvCapacityTokens / reservationTokens). */
  readonly memoryBatch: number;
  /** B* = min(max_batch, memoryBatch): the node's full batch. */
  readonly batch: number;
  /** K = B* x E[(L_in + L_out / 2) L_out] / E[L_out]: the context the running queries hold, on average (weighted as the reservation). */
  readonly kvTokens: number;
  /** t(B*, K): one decode step at the full batch. */
  readonly decodeStepS: number;
  /** Mean over the inputs of prefill(L_in).seconds: the prompt alone on the node. */
  readonly prefillS: number;
  /** mean L_out x t / B* + mean prefill: node-seconds one query takes at full batch (Infinity when B* = 0). */
  readonly nodeSPerQuery: number;
  /**
   * mean L_out / nodeSPerQuery: output tokens per second of a node at full batch, prefill included,
   * the TPS for which the paper's work L_out / TPS gives the same mean node-seconds per query.
   */
  readonly outputTokensPerS: number;
}

/** Draws of an input length behind the mean prefill time when the length is not fixed (a fixed stream: the same for every seed). */
const PREFILL_SAMPLES = 20_000;

/**
 * The node's capacity for sizing (`inferwatt size`, docs/command-line.md): a query reserves its whole
 * KV context L_in + L_out when admitted, so the node runs at most B* = min(maxBatch, floor(KV capacity /
 * mean reservation of a running query)) queries at once (the mean weighted by stay, see
 * reservationTokens). At that batch a decode step takes t = t(B*, K) with K = B* x the mean context of
 * a running query (weighted the same way); each query holds
 * 1 / B* of L_out steps. Prefill runs first and alone (the node does nothing else meanwhile), so a query
 * costs the node mean L_out x t / B* + mean prefill(L_in) seconds.
 */
export function physicalSizing(node: NodeModel, maxBatch: number, mix: readonly ClassMix[]): PhysicalSizing {
  const total = mix.reduce((s, c) => s + c.weight, 0);
  if (!(total > 0)) throw new RangeError("physicalSizing: the class mix has no weight");
  const w = (c: ClassMix) => c.weight / total;
  const meanInputTokens = mix.reduce((s, c) => s + w(c) * lengthMean(c.inputTokens), 0);
  const meanOutputTokens = mix.reduce((s, c) => s + w(c) * lengthMean(c.outputTokens), 0);
  // moments weighted by each query's stay (L_out steps): E[L_in L_out] = E[L_in] E[L_out] within a class
  const meanOutSq = mix.reduce((s, c) => s + w(c) * secondMoment(c.outputTokens), 0);
  const meanInOut = mix.reduce((s, c) => s + w(c) * lengthMean(c.inputTokens) * lengthMean(c.outputTokens), 0);
  const stayWeighted = meanOutputTokens > 0;
  const reservationTokens = stayWeighted ? (meanInOut + meanOutSq) / meanOutputTokens : meanInputTokens;
  const runningContext = stayWeighted ? (meanInOut + meanOutSq / 2) / meanOutputTokens : meanInputTokens;
  const kvCapacityTokens = node.kvCapacityTokens(Math.max(1, reservationTokens));
  const memoryBatch = Math.floor(kvCapacityTokens / Math.max(1, reservationTokens));
  const batch = Math.min(maxBatch, memoryBatch);
  const kvTokens = batch * runningContext;
  const decodeStepS = batch > 0 ? node.decodeStep(batch, kvTokens).seconds : Infinity;
  const prefillS = mix.reduce((s, c) => s + w(c) * meanPrefillS(node, c.inputTokens), 0);
  const nodeSPerQuery = batch > 0 ? (meanOutputTokens * decodeStepS) / batch + prefillS : Infinity;
  // no output at all: the decode rate alone (the pool's work is then its prefill, which L_out / TPS cannot carry)
  const outputTokensPerS = batch === 0 ? 0 : meanOutputTokens > 0 ? meanOutputTokens / nodeSPerQuery : batch / decodeStepS;
  return { meanInputTokens, meanOutputTokens, reservationTokens, kvCapacityTokens, memoryBatch, batch, kvTokens, decodeStepS, prefillS, nodeSPerQuery, outputTokensPerS };
}

/** E[L^2] of a length distribution, in closed form as lengthMean is: m^2, 2 m^2 (exponential of mean m), exp(2 mu + 2 sigma^2). */
function secondMoment(spec: LengthSpec): number {
  if ("fixed" in spec) return spec.fixed * spec.fixed;
  const m = lengthMean(spec);
  if ("exponential" in spec) return 2 * m * m;
  const { sigma } = lognormalFromP5P95(spec.lognormal.p5, spec.lognormal.p95);
  return m * m * Math.exp(sigma * sigma);
}

function meanPrefillS(node: NodeModel, input: LengthSpec): number {
  // prefill is not linear in the prompt (attention is quadratic), so the mean is over the lengths, not at the mean length
  if ("fixed" in input) return node.prefill(Math.round(input.fixed)).seconds;
  const draw = lengthSampler(input, makeRng("physical-sizing", "prefill"));
  let sum = 0;
  for (let i = 0; i < PREFILL_SAMPLES; i++) sum += node.prefill(draw()).seconds;
  return sum / PREFILL_SAMPLES;
}

/** The classes a pool receives, weighted by class share x the pool's share of the class (all classes by their share when it receives none). */
export function poolClassMix(classes: readonly QueryClass[], classShares: Readonly<Record<string, number>>): ClassMix[] {
  const mix = classes.map((c) => ({ weight: c.share * (classShares[c.name] ?? 0), inputTokens: c.inputTokens, outputTokens: c.outputTokens }));
  if (mix.some((c) => c.weight > 0)) return mix.filter((c) => c.weight > 0);
  return classes.map((c) => ({ weight: c.share > 0 ? c.share : 1, inputTokens: c.inputTokens, outputTokens: c.outputTokens }));
}

/** physicalSizing of a pool's physical node on its share of the classes. */
export function sizePhysicalPool(physical: PhysicalNode, maxBatch: number, classes: readonly QueryClass[], classShares: Readonly<Record<string, number>>): PhysicalSizing {
  return physicalSizing(buildNodeModel(physical.config, physical.calibration), maxBatch, poolClassMix(classes, classShares));
}
