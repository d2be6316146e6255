import { buildNodeModel, type NodeModel } from "../../models/node/node-model.ts";
import type { Pool } from "../scenario/types.ts";

/** Prefill time and energy are tabulated (lazily) for prompts shorter than this; longer ones are computed. */
const PREFILL_TABLE = 1 << 16;

/**
 * What the event loop needs of a pool's physical node, computed once (docs/design.md, "The physical
 * node"). One node is one replica on the profile's G GPUs.
 *
 * Decode: the node model's step time is linear in the resident KV tokens K, t(n, K) = a(n) + c(n) K
 * (exact for models whose every layer keeps the whole context; for sliding-window layers, exact once
 * every sequence is longer than the window, n x window <= K, and an overestimate below). Over a decode
 * interval every active query gains one token per step, so K = K0 + n u after u steps; u steps take
 * u (a + c K0) + c n u (u - 1) / 2 seconds. Written as u (a' + c K0) + c n u^2 / 2 with a' = a - c n / 2,
 * the same expression holds for fractional u (processor sharing) and equals the step-by-step sum at
 * whole steps. Energy per step is linear in K the same way (power x step time: both linear in the
 * bytes and FLOPs of the step), with the same half-step correction.
 *
 * Power: a GPU draws `gpuBaseW` = idle + (max - idle) x base whenever the node is busy (in the power
 * ledger's levels, as the regression node's power is), plus a dynamic part, the step's HBM traffic and
 * FLOPs (booked as energy per step: stepE0 + stepE1 K joules for the node). The dynamic part is the
 * node model's clamped power: evaluated at two contexts and interpolated, exact when the clamp to the
 * GPU's TDP does not bind between them.
 */
export interface PhysicalTables {
  readonly model: NodeModel;
  readonly gpus: number;
  /** KV cache of one node, in tokens of the full-context layers. */
  readonly capacityTokens: number;
  /** The longest prompt + answer whose reservation fits (a server's max_model_len). */
  readonly maxContextTokens: number;
  /** Sliding-layer KV bytes per full-context KV byte, and the window (0: none). */
  readonly slidingRatio: number;
  readonly window: number;
  /**
   * Per batch n = 0..max_batch, STEP doubles at STEP n (one cache line): a'(n) s, c(n) s per KV token, c(n) n,
   * e0'(n) J, e1(n) J per KV token (whole node, dynamic part), e1(n) n / 2, busyConstW / n, 1 / n.
   */
  readonly step: Float64Array;
  /** Per GPU while busy, before the dynamic part: W. */
  readonly gpuBaseW: number;
  /** Whole node while busy, before the dynamic part (G x gpuBaseW + host busy + interconnect): W. */
  readonly busyConstW: number;
  readonly gpuIdleW: number;
  /** Prefill of L tokens alone on the node: seconds, and its dynamic energy (J, whole node); NaN until first asked. */
  readonly prefillS: Float64Array;
  readonly prefillDynJ: Float64Array;
  /** 1 / the efficiency levers: multiplies the node model's times. */
  readonly timeScale: number;
}

const mw = (w: number) => Math.round(w * 1000);

/** Doubles per batch size in PhysicalTables.step, and their offsets. */
export const STEP = 8;
export const STEP_A = 0;
export const STEP_C = 1;
export const STEP_CN = 2;
export const STEP_E0 = 3;
export const STEP_E1 = 4;
export const STEP_E1N_HALF = 5;
export const STEP_BUSY_PER_QUERY_W = 6;
export const STEP_INV_N = 7;

/**
 * `efficiency` is the scenario's model x serving levers: as they divide the regression's work, they
 * divide the physical node's step and prefill times here (and the dynamic energy drawn in them).
 */
export function physicalTables(pool: Pool, efficiency = 1): PhysicalTables {
  const ph = pool.physical;
  if (!ph) throw new Error(`pool ${pool.name} has no physical node`);
  const model = buildNodeModel(ph.config, ph.calibration);
  const gpu = ph.config.gpu;
  const g = ph.config.tp;
  const c = pool.maxBatch;
  const full = model.kvBytesPerTokenFull;
  const capacityTokens = Math.floor(model.kvBytesFreePerGpu / full);
  const gpuBaseW = gpu.idleW + (gpu.maxW - gpu.idleW) * ph.calibration.power.base;
  const hw = pool.hardware;
  const step = new Float64Array(STEP * (c + 1));
  const window = model.window;
  const scale = 1 / efficiency;
  const dynamicJ = (n: number, k: number) => {
    const w = model.decodeStep(n, k);
    return g * (model.powerW(w) - gpuBaseW) * w.seconds * scale;
  };
  for (let n = 1; n <= c; n++) {
    // two contexts on the linear stretch: every sequence past the window, and a full cache beyond that
    const k1 = n * window;
    const k2 = k1 + Math.max(capacityTokens, 1);
    const t1 = model.decodeStep(n, k1).seconds * scale;
    const t2 = model.decodeStep(n, k2).seconds * scale;
    const cn = (t2 - t1) / (k2 - k1);
    const e1 = (dynamicJ(n, k2) - dynamicJ(n, k1)) / (k2 - k1);
    const o = STEP * n;
    step[o + STEP_A] = t1 - cn * k1 - (cn * n) / 2;
    step[o + STEP_C] = cn;
    step[o + STEP_CN] = cn * n;
    step[o + STEP_E0] = dynamicJ(n, k1) - e1 * k1 - (e1 * n) / 2;
    step[o + STEP_E1] = e1;
    step[o + STEP_E1N_HALF] = (e1 * n) / 2;
    step[o + STEP_INV_N] = 1 / n;
  }
  const prefillS = new Float64Array(PREFILL_TABLE).fill(NaN);
  const prefillDynJ = new Float64Array(PREFILL_TABLE).fill(NaN);
  const slidingRatio = model.kvBytesPerTokenSliding / full;
  // largest L with L + min(L, window) x ratio <= capacity
  const maxContextTokens =
    window === 0 ? capacityTokens : capacityTokens >= window * (1 + slidingRatio) ? Math.floor(capacityTokens - window * slidingRatio) : Math.floor(capacityTokens / (1 + slidingRatio));
  const busyConstW = g * gpuBaseW + (mw(hw.hostBusyW) + mw(hw.interconnectW)) / 1000;
  for (let n = 1; n <= c; n++) step[STEP * n + STEP_BUSY_PER_QUERY_W] = busyConstW / n;
  return {
    model,
    gpus: g,
    capacityTokens,
    maxContextTokens,
    slidingRatio,
    window,
    step,
    gpuBaseW,
    // host and interconnect in whole milliwatts, as the power ledger's levels hold them (pool-tables.ts): charged and drawn agree
    busyConstW,
    gpuIdleW: gpu.idleW,
    prefillS,
    prefillDynJ,
    timeScale: scale,
  };
}

/** A prompt of L tokens: its prefill seconds and dynamic joules into `out` (from the table, filled on first use, for L < PREFILL_TABLE). */
export function prefillOf(t: PhysicalTables, promptTokens: number, out: { s: number; dynJ: number }): void {
  if (promptTokens < PREFILL_TABLE && t.prefillS[promptTokens] === t.prefillS[promptTokens]) {
    out.s = t.prefillS[promptTokens];
    out.dynJ = t.prefillDynJ[promptTokens];
    return;
  }
  const w = t.model.prefill(promptTokens);
  out.s = w.seconds * t.timeScale;
  out.dynJ = t.gpus * (t.model.powerW(w) - t.gpuBaseW) * out.s;
  if (promptTokens < PREFILL_TABLE) {
    t.prefillS[promptTokens] = out.s;
    t.prefillDynJ[promptTokens] = out.dynJ;
  }
}

/** KV tokens (full-context equivalents) a sequence of `tokens` in all holds: sliding layers keep at most the window. */
export function reservationTokens(t: PhysicalTables, tokens: number): number {
  return t.window > 0 ? tokens + Math.min(tokens, t.window) * t.slidingRatio : tokens;
}
