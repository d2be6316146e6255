import type { Rng, StreamFactory } from "../../models/rng.ts";
import type { TpsModel } from "../../models/throughput.ts";
import { diurnalMultiplier } from "../../models/diurnal.ts";
import { autoscaleTarget } from "../fleet/autoscale-rule.ts";
import { Fifo } from "../fleet/fifo.ts";
import { KvIndex } from "../fleet/kv-index.ts";
import { LoadIndex } from "../fleet/load-index.ts";
import { physicalTables, type PhysicalTables } from "../fleet/physical-tables.ts";
import { poolDemand } from "../fleet/offered-work.ts";
import { poolTables, type PoolTables } from "../fleet/pool-tables.ts";
import { QuerySlots } from "../fleet/query-slots.ts";
import { TagHeaps } from "../fleet/tag-heaps.ts";
import type { Autoscale, Pool, Scenario } from "../scenario/types.ts";
import { EventQueue } from "./event-queue.ts";
import * as RECORD from "./node-record.ts";
import { routerCode } from "./routers/index.ts";

// Module-level copies: an imported binding is a load from its module cell in the event loop, a local const folds.
const { LEVELS, NI, NODE_RECORD_BYTES, PARKED, PHYSICAL, POOL, REGRESSION, STATE } = RECORD;

/** A pool as the event loop sees it: its nodes first..first+count-1, its tables, queue, router and autoscaler. */
export interface PoolRuntime {
  readonly first: number;
  readonly count: number;
  readonly maxBatch: number;
  readonly t: PoolTables;
  readonly tps: TpsModel;
  /** 1 / (efficiency levers x hardware throughput multiplier): divides work. */
  readonly workScale: number;
  readonly prefillTokensPerS: number;
  /** One of the codes in routers/index.ts. */
  readonly router: number;
  readonly index: LoadIndex;
  /** Queries waiting for a node below max_batch, in arrival order. */
  readonly queue: Fifo;
  readonly rng: Rng;
  /** The round-robin router's next node (relative to first). */
  rr: number;
  /** Where the pool's batch-size levels 0..maxBatch start in the level arrays. */
  readonly levels: number;
  readonly autoscale: Autoscale | undefined;
  /** Parked nodes (a stack) and draining nodes (a set with positions), for the autoscaler. */
  readonly parked: Int32Array;
  parkedCount: number;
  readonly draining: Int32Array;
  drainingCount: number;
  /** Work (node-seconds at full batch) that arrived since the autoscaler last looked. */
  arrivedWorkNodeS: number;
  /** A pool on the physical node: its tables, and its nodes by free KV memory (routing); null on the regression. */
  readonly physical: PhysicalTables | null;
  readonly kv: KvIndex | null;
}




/**
 * What every room of the engine reads and writes: the node records, the pools, the finish-tag heaps,
 * the waiting queries and the event queue. Event slots: one per node (its next departure or its wake),
 * then the time-series tick, the warmup's end, and one autoscaler tick per pool.
 */
export class FleetState {
  readonly pools: PoolRuntime[];
  readonly nodes: number;
  /**
   * Per node, one 64-byte record (what an arrival or departure reads of its node, in one place rather
   * than in nine arrays): doubles nf[NF node + VIRTUAL_S ...] and int32s ni[NI node + ACTIVE ...] over
   * the same memory. Fields: see the offsets above.
   */
  readonly nf: Float64Array;
  readonly ni: Int32Array;
  /**
   * Per level (all pools' levels 0..max_batch one after the other), h(k)/k and P(k)/k side by side: the
   * node's speed and power per query at batch size k are levelRates[2 (levels + k)] and the next double.
   */
  readonly levelRates: Float64Array;
  /** Levels of all pools together. */
  readonly levelTotal: number;
  readonly tags: TagHeaps;
  /** Queries waiting in a pool's queue: their arrival time, work, input tokens and class. */
  readonly queries = new QuerySlots();
  /** Node departures and wakes, clock ticks, warmup and autoscaler ticks. Arrivals stay out of it: one queue operation less per query. */
  readonly events: EventQueue;
  readonly tickSlot: number;
  readonly warmupSlot: number;
  /** Pool i's autoscaler ticks at slot autoscaleSlot + i. */
  readonly autoscaleSlot: number;
  readonly warmupS: number;
  /** Whether any pool runs the physical node (the regression's event path then checks a node's kind). */
  readonly anyPhysical: boolean;
  /**
   * Per pool, REGRESSION or PHYSICAL: which node model serves its nodes, looked up through the node's
   * pool (in the record's first 48 bytes, read anyway) rather than kept in the record's last 16, which
   * can lie on a cache line of their own (node-record.ts).
   */
  readonly poolKind: Int32Array;

  constructor(scenario: Scenario, streams: StreamFactory) {
    let first = 0;
    let levels = 0;
    const efficiency = scenario.efficiency.model * scenario.efficiency.serving;
    this.pools = scenario.pools.map((p) => {
      const on = initialNodesOn(scenario, p);
      const physical = p.physical ? physicalTables(p, efficiency) : null;
      if (physical && p.autoscale) throw new Error(`pool ${p.name}: the autoscaler does not run physical pools yet`);
      const pr: PoolRuntime = {
        first,
        count: p.nodes,
        maxBatch: p.maxBatch,
        t: poolTables(p),
        tps: p.tps,
        workScale: 1 / (efficiency * p.hardware.tpsMultiplier),
        prefillTokensPerS: p.hardware.prefillTokensPerS,
        router: routerCode(p.router),
        index: new LoadIndex(first, p.nodes, p.maxBatch, on),
        queue: new Fifo(),
        rng: streams(`routing/${p.name}`),
        rr: 0,
        levels,
        autoscale: p.autoscale,
        parked: new Int32Array(p.nodes),
        parkedCount: 0,
        draining: new Int32Array(p.nodes),
        drainingCount: 0,
        arrivedWorkNodeS: 0,
        physical,
        kv: physical ? new KvIndex(first, p.nodes, physical.capacityTokens) : null,
      };
      // nodes first + on .. first + count - 1 start parked; the top of the stack wakes first
      for (let k = p.nodes - 1; k >= on; k--) pr.parked[pr.parkedCount++] = first + k;
      first += p.nodes;
      levels += p.maxBatch + 1;
      return pr;
    });
    this.nodes = first;
    this.levelTotal = levels;
    const records = new ArrayBuffer(NODE_RECORD_BYTES * this.nodes);
    this.nf = new Float64Array(records);
    this.ni = new Int32Array(records);
    this.pools.forEach((p, i) => {
      for (let node = p.first; node < p.first + p.count; node++) {
        this.ni[NI * node + POOL] = i;
        this.ni[NI * node + LEVELS] = p.levels;
      }
      for (let k = 0; k < p.parkedCount; k++) this.ni[NI * p.parked[k] + STATE] = PARKED;
    });
    this.poolKind = Int32Array.from(this.pools, (p) => (p.physical ? PHYSICAL : REGRESSION));
    this.levelRates = new Float64Array(2 * levels);
    for (const p of this.pools)
      for (let k = 0; k <= p.maxBatch && !p.physical; k++) {
        this.levelRates[2 * (p.levels + k)] = p.t.servicePerQuery[k];
        this.levelRates[2 * (p.levels + k) + 1] = p.t.powerPerQueryW[k];
      }
    this.tags = new TagHeaps(this.nodes, Math.min(16, Math.max(...this.pools.map((p) => p.maxBatch))));
    this.events = new EventQueue(this.nodes + 2 + this.pools.length);
    this.tickSlot = this.nodes;
    this.warmupSlot = this.nodes + 1;
    this.autoscaleSlot = this.nodes + 2;
    this.warmupS = scenario.warmupS;
    this.anyPhysical = this.pools.some((p) => p.physical !== null);
  }
}

/**
 * Nodes on at t = 0: all of a fixed pool; for an autoscaled one, what its rule asks for at the rate of
 * t = 0 (estimated from the scenario's own length distributions).
 */
function initialNodesOn(s: Scenario, p: Pool): number {
  const a = p.autoscale;
  if (!a) return p.nodes;
  return autoscaleTarget(a, poolDemand(s, p) * diurnalMultiplier(s.workload.diurnal)(0));
}
