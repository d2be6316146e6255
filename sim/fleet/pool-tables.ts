import { batchSpeed } from "../../models/batching.ts";
import { nodePowerComponentsW } from "../../models/power.ts";
import type { Pool } from "../scenario/types.ts";

/**
 * A pool's per-batch-size tables, computed once so the event loop only looks values up.
 * Powers are whole milliwatts: running fleet sums of them are then exact in a double (up to 9e12 W),
 * so adding and removing a node's power millions of times leaves no drift.
 */
export interface PoolTables {
  /** h(k) / k: service rate per active query, node-seconds per second. */
  readonly servicePerQuery: Float64Array;
  /** P(k) / k in watts: what each of k active queries is charged. */
  readonly powerPerQueryW: Float64Array;
  /** G P_gpu(k), P_host(k), and P(k) = all components, in mW. */
  readonly gpuMw: Float64Array;
  readonly hostMw: Float64Array;
  readonly nodeMw: Float64Array;
  readonly interconnectMw: number;
  /** A node switched off by the autoscaler, mW. */
  readonly parkedMw: number;
  /** h(k) P(C) in mW: the power the paper's formula would charge for the work done at rate h(k). */
  readonly saturatedMw: Float64Array;
  /** h(k) in millionths, for the exact running sum of node speeds. */
  readonly speedMicro: Float64Array;
}

export function poolTables(pool: Pool): PoolTables {
  const c = pool.maxBatch;
  const b = pool.hardware.batchHalfSpeed;
  const mw = (w: number) => Math.round(w * 1000);
  const gpuMw = new Float64Array(c + 1);
  const hostMw = new Float64Array(c + 1);
  const nodeMw = new Float64Array(c + 1);
  const servicePerQuery = new Float64Array(c + 1);
  const powerPerQueryW = new Float64Array(c + 1);
  const saturatedMw = new Float64Array(c + 1);
  const speedMicro = new Float64Array(c + 1);
  const interconnectMw = mw(pool.hardware.interconnectW);
  for (let k = 0; k <= c; k++) {
    const p = nodePowerComponentsW(pool.hardware, k);
    gpuMw[k] = mw(p.gpuW);
    hostMw[k] = mw(p.hostW);
    nodeMw[k] = gpuMw[k] + hostMw[k] + interconnectMw;
  }
  for (let k = 1; k <= c; k++) {
    const h = batchSpeed(k, c, b);
    servicePerQuery[k] = h / k;
    powerPerQueryW[k] = nodeMw[k] / 1000 / k;
    saturatedMw[k] = Math.round(h * nodeMw[c]);
    speedMicro[k] = Math.round(h * 1e6);
  }
  const parkedMw = mw(pool.hardware.parkedW);
  return { servicePerQuery, powerPerQueryW, gpuMw, hostMw, nodeMw, interconnectMw, parkedMw, saturatedMw, speedMicro };
}
