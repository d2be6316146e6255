import { addCompensated } from "./compensated-sum.ts";
import type { FleetState } from "./fleet-state.ts";
import * as RECORD from "./node-record.ts";

// Module-level copies: an imported binding is a load from its module cell in the event loop, a local const folds.
const { ACTIVE, LEVEL_S, LEVELS, NF, NI, PARKED, STATE } = RECORD;

/** The fleet's running sums, per pool at pool * SUM_COUNT + SUM.x, and their time integrals. Powers in mW. */
export const SUM = {
  gpuBusyMw: 0,
  gpuIdleMw: 1,
  hostMw: 2,
  interconnectMw: 3,
  /** Whole-node power of nodes with no query: the idle side of the ledger. */
  idleNodeMw: 4,
  /** Sum of h(n) P(C): the paper's formula applied to the work being done. */
  saturatedMw: 5,
  activeQueries: 6,
  speedMicro: 7,
  busyNodes: 8,
  /** Nodes serving (on or draining). */
  nodesOn: 9,
  /** Power of nodes the autoscaler switched off. */
  parkedMw: 10,
  parkedNodes: 11,
  /** Nodes powering up: they draw idle power and serve nothing yet. */
  wakingNodes: 12,
} as const;
export const SUM_COUNT = 13;
/** The sums changed only by the node lifecycle; all others are functions of the nodes' batch sizes (levels). */
const NODE_COUNT_SUMS: readonly number[] = [SUM.nodesOn, SUM.parkedMw, SUM.parkedNodes, SUM.wakingNodes];

/**
 * Where power is integrated (docs/design.md, "Power and energy"). Power is piecewise constant between
 * events, so energy is exact: every sum's integral over time, from the end of the warmup.
 *
 * Most sums are sums over powered nodes of a function of their batch size k (power, k itself, h(k),
 * ...): they are kept as how many nodes are at each level k, per pool, and the node-seconds spent at
 * each level (the counts' time integrals). A query's arrival or departure moves one node one level:
 * two counts change, and the node's time at its old level is added to that level's integral (one
 * addition, not eight sums integrated). The sums and their integrals are made from the levels when
 * read (materialize), after every powered node's time so far is added. The few sums the lifecycle
 * changes (nodes on, parked, waking) are integrated directly when they change.
 */
export class PowerLedger {
  /** Per pool, the running sums and their integrals (valid after materialize). */
  readonly sums: Float64Array;
  readonly integrals: Float64Array;
  private readonly integralCarry: Float64Array;
  /** Per sum, the time its integral runs to. */
  private readonly sumLastS: Float64Array;
  private readonly levelCount: Float64Array;
  private readonly levelIntegral: Float64Array;
  private readonly levelCarry: Float64Array;
  /** Per level, what one node at that level adds to each running sum (SUM_COUNT per level). */
  private readonly levelValue: Float64Array;
  /** Physical pools' dynamic GPU energy kept per node (physical-node.ts), added up per pool when read; set by the simulation. */
  physical: { dynamicJ(pi: number): number } | undefined;
  /** Per pool: dynamic energy booked at the warmup's end for prefills under way then (J), and its compensation. */
  private readonly bookedJ: Float64Array;
  private readonly bookedCarry: Float64Array;
  private readonly nf: Float64Array;
  private readonly ni: Int32Array;
  private readonly warmupS: number;

  constructor(private readonly f: FleetState) {
    const np = f.pools.length;
    this.nf = f.nf;
    this.ni = f.ni;
    this.warmupS = f.warmupS;
    this.sums = new Float64Array(np * SUM_COUNT);
    this.integrals = new Float64Array(np * SUM_COUNT);
    this.integralCarry = new Float64Array(np * SUM_COUNT);
    this.sumLastS = new Float64Array(np * SUM_COUNT);
    this.levelCount = new Float64Array(f.levelTotal);
    this.levelIntegral = new Float64Array(f.levelTotal);
    this.levelCarry = new Float64Array(f.levelTotal);
    this.levelValue = new Float64Array(f.levelTotal * SUM_COUNT);
    this.bookedJ = new Float64Array(np);
    this.bookedCarry = new Float64Array(np);
    f.pools.forEach((p, pi) => {
      const r = pi * SUM_COUNT;
      const on = p.count - p.parkedCount;
      this.levelCount[p.levels] = on;
      this.sums[r + SUM.parkedMw] = p.parkedCount * p.t.parkedMw;
      this.sums[r + SUM.nodesOn] = on;
      this.sums[r + SUM.parkedNodes] = p.parkedCount;
      const tb = p.t;
      if (p.physical) {
        this.physicalLevels(p, pi);
        return;
      }
      for (let k = 0; k <= p.maxBatch; k++) {
        const v = (p.levels + k) * SUM_COUNT;
        this.levelValue[v + SUM.gpuBusyMw] = k > 0 ? tb.gpuMw[k] : 0;
        this.levelValue[v + SUM.gpuIdleMw] = k === 0 ? tb.gpuMw[0] : 0;
        this.levelValue[v + SUM.hostMw] = tb.hostMw[k];
        this.levelValue[v + SUM.interconnectMw] = tb.interconnectMw;
        this.levelValue[v + SUM.idleNodeMw] = k === 0 ? tb.nodeMw[0] : 0;
        this.levelValue[v + SUM.saturatedMw] = tb.saturatedMw[k];
        this.levelValue[v + SUM.activeQueries] = k;
        this.levelValue[v + SUM.speedMicro] = tb.speedMicro[k];
        this.levelValue[v + SUM.busyNodes] = k > 0 ? 1 : 0;
      }
    });
  }

  /**
   * A physical pool's levels: busy GPUs at their base power (the dynamic part is booked as energy,
   * bookGpuJ), host and interconnect from the profile; no saturated power (the paper's formula is the
   * regression's); speed = batch occupancy k / max_batch.
   */
  private physicalLevels(p: FleetState["pools"][number], pi: number): void {
    const ph = p.physical!;
    const hw = p.t;
    const mw = (w: number) => Math.round(w * 1000);
    for (let k = 0; k <= p.maxBatch; k++) {
      const v = (p.levels + k) * SUM_COUNT;
      // busy GPUs' base power exactly (not whole mW: a level's value multiplies its integral when read, no running sum drifts)
      const gpuMw = k > 0 ? ph.gpus * ph.gpuBaseW * 1000 : mw(ph.gpus * ph.gpuIdleW);
      this.levelValue[v + SUM.gpuBusyMw] = k > 0 ? gpuMw : 0;
      this.levelValue[v + SUM.gpuIdleMw] = k === 0 ? gpuMw : 0;
      this.levelValue[v + SUM.hostMw] = hw.hostMw[k];
      this.levelValue[v + SUM.interconnectMw] = hw.interconnectMw;
      this.levelValue[v + SUM.idleNodeMw] = k === 0 ? gpuMw + hw.hostMw[0] + hw.interconnectMw : 0;
      this.levelValue[v + SUM.activeQueries] = k;
      this.levelValue[v + SUM.speedMicro] = Math.round((k / p.maxBatch) * 1e6);
      this.levelValue[v + SUM.busyNodes] = k > 0 ? 1 : 0;
    }
  }

  /** Dynamic GPU energy of pool pi not kept per node (J, after the warmup), added to its busy-GPU integral. */
  bookGpuJ(pi: number, j: number): void {
    addCompensated(this.bookedJ, this.bookedCarry, pi, j);
  }

  /** Dynamic GPU energy booked so far, all pools (J). */
  bookedTotalJ(): number {
    let j = 0;
    for (let i = 0; i < this.bookedJ.length; i++) j += this.dynamicJ(i);
    return j;
  }

  /** Pool pi's physical nodes' dynamic GPU energy so far (J): what was booked for the pool and what its nodes hold. */
  private dynamicJ(pi: number): number {
    const p = this.f.pools[pi];
    if (!p.physical) return 0;
    return this.bookedJ[pi] + this.physical!.dynamicJ(pi);
  }

  /** The node's active count changes by delta (+1 or -1) at t: it moves from one level to the next. */
  moveLevel(node: number, t: number, delta: number): void {
    const k = this.ni[NI * node + ACTIVE];
    const i = this.ni[NI * node + LEVELS] + k;
    this.chargeLevel(node, i, t);
    this.ni[NI * node + ACTIVE] = k + delta;
    this.levelCount[i]--;
    this.levelCount[i + delta]++;
  }

  /** A node starts drawing power at t (woken), at level 0. */
  powerOn(node: number, t: number): void {
    this.nf[NF * node + LEVEL_S] = t;
    this.levelCount[this.ni[NI * node + LEVELS]]++;
  }

  /** An idle node stops drawing node power at t (parked). */
  powerOff(node: number, t: number): void {
    const i = this.ni[NI * node + LEVELS];
    this.chargeLevel(node, i, t);
    this.levelCount[i]--;
  }

  /** Running sum i (pool * SUM_COUNT + SUM.x, one the lifecycle changes) changes by d at t. */
  change(i: number, d: number, t: number): void {
    if (d === 0) return;
    this.integrateSum(i, t);
    this.sums[i] += d;
  }

  /** Sum c of all pools, as last materialized (or changed). */
  fleetSum(c: number): number {
    let s = 0;
    for (let i = 0; i < this.f.pools.length; i++) s += this.sums[i * SUM_COUNT + c];
    return s;
  }

  /** The largest batch size a node of pool pi spent time at after the warmup (valid after materialize). */
  maxLevelReached(pi: number): number {
    const p = this.f.pools[pi];
    for (let k = p.maxBatch; k > 0; k--) if (this.levelIntegral[p.levels + k] > 0) return k;
    return 0;
  }

  /** Brings every sum and its integral up to t (before reading them). A pass over all nodes: never per query. */
  materialize(t: number): void {
    const f = this.f;
    for (let node = 0; node < f.nodes; node++)
      if (this.ni[NI * node + STATE] !== PARKED) this.chargeLevel(node, this.ni[NI * node + LEVELS] + this.ni[NI * node + ACTIVE], t);
    f.pools.forEach((p, pi) => {
      const r = pi * SUM_COUNT;
      for (const c of NODE_COUNT_SUMS) this.integrateSum(r + c, t);
      const fromLevels = new Float64Array(SUM_COUNT);
      const integralFromLevels = new Float64Array(SUM_COUNT);
      for (let i = p.levels; i <= p.levels + p.maxBatch; i++) {
        const n = this.levelCount[i];
        const integral = this.levelIntegral[i];
        if (n === 0 && integral === 0) continue;
        for (let c = 0; c < SUM_COUNT; c++) {
          const v = this.levelValue[i * SUM_COUNT + c];
          fromLevels[c] += n * v;
          integralFromLevels[c] += integral * v;
        }
      }
      for (let c = 0; c < SUM_COUNT; c++) {
        if (NODE_COUNT_SUMS.includes(c)) continue;
        this.sums[r + c] = fromLevels[c];
        this.integrals[r + c] = integralFromLevels[c];
      }
      this.integrals[r + SUM.gpuBusyMw] += this.dynamicJ(pi) * 1000;
      // idle-side power counts parked nodes too
      this.sums[r + SUM.idleNodeMw] += this.sums[r + SUM.parkedMw];
      this.integrals[r + SUM.idleNodeMw] += this.integrals[r + SUM.parkedMw];
    });
  }

  /** Adds the powered node's time at its level i since it was last charged (from the end of the warmup) to the level's integral. */
  private chargeLevel(node: number, i: number, t: number): void {
    const last = this.nf[NF * node + LEVEL_S];
    const from = last > this.warmupS ? last : this.warmupS;
    if (t > from) addCompensated(this.levelIntegral, this.levelCarry, i, t - from);
    this.nf[NF * node + LEVEL_S] = t;
  }

  /** Brings the integral of sum i (constant since it was last integrated) up to t, from the end of the warmup. */
  private integrateSum(i: number, t: number): void {
    const last = this.sumLastS[i];
    const from = last > this.warmupS ? last : this.warmupS;
    if (t > from) addCompensated(this.integrals, this.integralCarry, i, this.sums[i] * (t - from));
    this.sumLastS[i] = t;
  }
}
