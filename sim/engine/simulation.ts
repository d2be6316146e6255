import { cumulative, pick } from "../../models/categorical.ts";
import { makeRng, type Rng } from "../../models/rng.ts";
import type { TpsModel } from "../../models/throughput.ts";
import { queryWorkNodeS } from "../../models/work.ts";
import { diurnalMultiplier } from "../../models/diurnal.ts";
import { GeneratedArrivals } from "../arrivals/generated.ts";
import { arrivalStreamFor } from "../arrivals/trace.ts";
import type { ArrivalStream } from "../arrivals/stream.ts";
import { Fifo } from "../fleet/fifo.ts";
import { LoadIndex } from "../fleet/load-index.ts";
import { poolTables, type PoolTables } from "../fleet/pool-tables.ts";
import { ARRIVAL_S, CLASS_INDEX, INPUT_TOKENS, QuerySlots, STRIDE, WORK_NODE_S } from "../fleet/query-slots.ts";
import { poolDemand } from "../fleet/sizing.ts";
import { TagHeaps } from "../fleet/tag-heaps.ts";
import { LogHistogram } from "../stats/log-histogram.ts";
import { streamName } from "../scenario/shard.ts";
import type { Autoscale, RouterKind, Scenario } from "../scenario/types.ts";
import { EventQueue } from "./event-queue.ts";
import { type ClassTotals, type PoolTotals, type SimProgress, type SimResult, type TimeseriesRow, RUN as RUN_INDEX, RUNNING_SUMS as SUMS_COUNT } from "./result.ts";

// Module-level copies: imported bindings can compile to getter calls, too slow for the event loop.
const RUN = { ...RUN_INDEX };
const RUNNING_SUMS: number = SUMS_COUNT;
/** The sums changed only by the autoscaler; all others are functions of the nodes' batch sizes (levels). */
const NODE_COUNT_SUMS: readonly number[] = [RUN.nodesOn, RUN.parkedMw, RUN.parkedNodes, RUN.wakingNodes];

// Node states. Only ON nodes receive queries; DRAINING ones finish theirs, then park.
const ON = 0;
const DRAINING = 1;
const PARKED = 2;
const WAKING = 3;

// A node's record, 64 bytes: doubles at nf[NF node + field], int32s at ni[NI node + field], over the
// same bytes. In byte order: V, A, last update (doubles 0-2); active count, where its pool's levels
// start, state, pool (int32s 6-9, bytes 24-39); level time, A at the warmup's end (doubles 5-6); 8 free.
const NODE_RECORD_BYTES = 64;
const NF = NODE_RECORD_BYTES / 8;
const NI = NODE_RECORD_BYTES / 4;
/** Virtual service time V (s) and attribution clock A (J per active query), and when both were last brought up. */
const VIRTUAL_S = 0;
const ATTR_J = 1;
const LAST_S = 2;
const ACTIVE = 6;
const LEVELS = 7;
const STATE = 8;
const POOL = 9;
/** The time up to which the node's time at its level has been added to levelIntegral. */
const LEVEL_S = 5;
/** A at the end of the warmup. */
const WARMUP_ATTR_J = 6;

const ROUTER_CODE: Record<RouterKind, number> = { "least-loaded": 0, "power-of-two": 1, "round-robin": 2, random: 3 };

export interface RunOptions {
  /** Called every `progressEveryS` of wall time (default 0.25 s) with a snapshot; returning "stop" ends the run early. */
  readonly onProgress?: (p: SimProgress) => void | "stop";
  readonly progressEveryS?: number;
  /** Wall clock in seconds, injectable for tests. */
  readonly now?: () => number;
}

interface PoolRuntime {
  readonly first: number;
  readonly count: number;
  readonly maxBatch: number;
  readonly t: PoolTables;
  readonly tps: TpsModel;
  /** 1 / (efficiency levers x hardware throughput multiplier): divides work. */
  readonly workScale: number;
  readonly prefillTokensPerS: number;
  readonly router: number;
  readonly index: LoadIndex;
  readonly queue: Fifo;
  readonly rng: Rng;
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
}

/**
 * The fleet simulator: queries arrive (Poisson, diurnal), are routed to nodes of their pool, wait in
 * the pool's FIFO queue when every node is at max_batch, and are served by processor sharing with
 * virtual time (DESIGN.md, "The node"). Power is piecewise constant between events and integrated
 * exactly; each active query is charged P(n)/n through a second per-node clock.
 */
export class Simulation {
  readonly scenario: Scenario;
  private readonly pools: PoolRuntime[];
  /**
   * Per node, one 64-byte record (a cache line when aligned; what an arrival or departure reads of
   * its node, in one place rather than in nine arrays): doubles nf[NF node + VIRTUAL_S ...] and int32s
   * ni[NI node + ACTIVE ...] over the same memory. Fields: see the offsets at the top of the file.
   */
  private readonly nf: Float64Array;
  private readonly ni: Int32Array;
  /**
   * Per level (all pools' levels 0..max_batch one after the other), h(k)/k and P(k)/k side by side:
   * the node's speed and power per query at batch size k are levelRates[2 (levels + k)] (levels from its record) and
   * the next double, one cache line, no pointer chase through per-pool tables.
   */
  private readonly levelRates: Float64Array;
  private readonly warmupS: number;
  /** Work W(L_out) per class x pool when the class's input length is fixed; L_out below WORK_TABLE_SIZE. */
  private readonly workTables: (Float64Array | null)[];
  private readonly nodes: number;
  /** A draining node's place in its pool's draining set. */
  private readonly drainPos: Int32Array;
  private readonly tags: TagHeaps;
  private readonly q = new QuerySlots();
  /** Node departures, clock ticks, warmup and autoscaler ticks. Arrivals stay out of it: one queue operation less per query. */
  private readonly events: EventQueue;
  /** Time of the next arrival (Infinity when the stream has ended). */
  private nextArrivalS = Infinity;
  private readonly tickSlot: number;
  private readonly warmupSlot: number;
  /** Pool i's autoscaler ticks at slot autoscaleSlot + i. */
  private readonly autoscaleSlot: number;
  // Per pool, running sums (RUNNING_SUMS of them) and their time integrals from the end of the warmup.
  // A sum is integrated only when it changes (or is read): an event touches the few sums it changes,
  // not all of them. Kahan-compensated: a day adds billions of small terms to each integral.
  private readonly run: Float64Array;
  private readonly integral: Float64Array;
  // Most sums are sums over powered nodes of a function of their batch size k (power, k itself,
  // h(k), ...): they are kept as how many nodes are at each level k, per pool, and the node-seconds
  // spent at each level (the counts' time integrals). A query's arrival or departure moves one node
  // one level: two counts change, and the node's time at its old level is added to that level's
  // integral (one addition, not eight sums integrated). The sums and their integrals are made from
  // the levels when read, after every powered node's time so far is added.
  private readonly levelCount: Float64Array;
  private readonly levelIntegral: Float64Array;
  private readonly levelCarry: Float64Array;
  /** Per level, what one node at that level adds to each running sum (RUNNING_SUMS per level). */
  private readonly levelValue: Float64Array;
  private readonly integralCarry: Float64Array;
  /** Per sum, the time its integral runs to. */
  private readonly sumLastS: Float64Array;
  // The workload.
  private readonly arrivals: ArrivalStream;
  private readonly poolCum: Float64Array[];
  private readonly poolRng: Rng;
  // Metrics: per class histograms; ledger; counters.
  private readonly energyWh: LogHistogram[];
  private readonly waitS: LogHistogram[];
  private readonly ttftS: LogHistogram[];
  private readonly e2eS: LogHistogram[];
  private readonly classArrived: Float64Array;
  private readonly classCompleted: Float64Array;
  private readonly facilityPerJ: number;
  private attributedJ = 0;
  private attributedCarryJ = 0;
  /** Whether the warmup is over: energy is counted from then on. */
  private warmedUp: boolean;
  private arrived = 0;
  private completed = 0;
  private eventCount = 0;
  private tickArrived = 0;
  private tickCompleted = 0;
  private readonly timeseries: TimeseriesRow[] = [];
  private lastTickS = 0;
  private readonly lastTickIntegral: Float64Array;

  /** `arrivals` replaces the scenario's generated workload (trace replay). */
  constructor(scenario: Scenario, arrivals?: ArrivalStream) {
    this.scenario = scenario;
    const seed = scenario.seed;
    let first = 0;
    let levels = 0;
    const startOn = scenario.pools.map((p) => initialNodesOn(scenario, p));
    this.pools = scenario.pools.map((p, i) => {
      const pr: PoolRuntime = {
        first,
        count: p.nodes,
        maxBatch: p.maxBatch,
        t: poolTables(p),
        tps: p.tps,
        workScale: 1 / (scenario.efficiency.model * scenario.efficiency.serving * p.hardware.tpsMultiplier),
        prefillTokensPerS: p.hardware.prefillTokensPerS,
        router: ROUTER_CODE[p.router],
        index: new LoadIndex(first, p.nodes, p.maxBatch, startOn[i]),
        queue: new Fifo(),
        rng: makeRng(seed, streamName(scenario, `routing/${p.name}`)),
        rr: 0,
        levels,
        autoscale: p.autoscale,
        parked: new Int32Array(p.nodes),
        parkedCount: 0,
        draining: new Int32Array(p.nodes),
        drainingCount: 0,
        arrivedWorkNodeS: 0,
      };
      // nodes first + startOn .. first + count - 1 start parked; the top of the stack wakes first
      for (let k = p.nodes - 1; k >= startOn[i]; k--) pr.parked[pr.parkedCount++] = first + k;
      first += p.nodes;
      levels += p.maxBatch + 1;
      return pr;
    });
    this.nodes = first;
    const nodeRecords = new ArrayBuffer(NODE_RECORD_BYTES * this.nodes);
    this.nf = new Float64Array(nodeRecords);
    this.ni = new Int32Array(nodeRecords);
    this.pools.forEach((p, i) => {
      for (let node = p.first; node < p.first + p.count; node++) {
        this.ni[NI * node + POOL] = i;
        this.ni[NI * node + LEVELS] = p.levels;
      }
    });
    this.levelRates = new Float64Array(2 * levels);
    for (const p of this.pools)
      for (let k = 0; k <= p.maxBatch; k++) {
        this.levelRates[2 * (p.levels + k)] = p.t.servicePerQuery[k];
        this.levelRates[2 * (p.levels + k) + 1] = p.t.powerPerQueryW[k];
      }
    this.warmupS = scenario.warmupS;
    this.drainPos = new Int32Array(this.nodes);
    for (const p of this.pools) for (let k = 0; k < p.parkedCount; k++) this.ni[NI * p.parked[k] + STATE] = PARKED;
    this.tags = new TagHeaps(this.nodes, Math.min(16, Math.max(...this.pools.map((p) => p.maxBatch))));
    this.events = new EventQueue(this.nodes + 2 + this.pools.length);
    this.tickSlot = this.nodes;
    this.warmupSlot = this.nodes + 1;
    this.autoscaleSlot = this.nodes + 2;

    const np = this.pools.length;
    this.run = new Float64Array(np * RUNNING_SUMS);
    this.integral = new Float64Array(np * RUNNING_SUMS);
    this.integralCarry = new Float64Array(np * RUNNING_SUMS);
    this.sumLastS = new Float64Array(np * RUNNING_SUMS);
    this.lastTickIntegral = new Float64Array(np * RUNNING_SUMS);
    this.levelCount = new Float64Array(levels);
    this.levelIntegral = new Float64Array(levels);
    this.levelCarry = new Float64Array(levels);
    this.levelValue = new Float64Array(levels * RUNNING_SUMS);
    this.pools.forEach((p, i) => {
      const r = i * RUNNING_SUMS;
      const on = p.count - p.parkedCount;
      this.levelCount[p.levels] = on;
      this.run[r + RUN.parkedMw] = p.parkedCount * p.t.parkedMw;
      this.run[r + RUN.nodesOn] = on;
      this.run[r + RUN.parkedNodes] = p.parkedCount;
      const tb = p.t;
      for (let k = 0; k <= p.maxBatch; k++) {
        const v = (p.levels + k) * RUNNING_SUMS;
        this.levelValue[v + RUN.gpuBusyMw] = k > 0 ? tb.gpuMw[k] : 0;
        this.levelValue[v + RUN.gpuIdleMw] = k === 0 ? tb.gpuMw[0] : 0;
        this.levelValue[v + RUN.hostMw] = tb.hostMw[k];
        this.levelValue[v + RUN.interconnectMw] = tb.interconnectMw;
        this.levelValue[v + RUN.idleNodeMw] = k === 0 ? tb.nodeMw[0] : 0;
        this.levelValue[v + RUN.saturatedMw] = tb.saturatedMw[k];
        this.levelValue[v + RUN.activeQueries] = k;
        this.levelValue[v + RUN.speedMicro] = tb.speedMicro[k];
        this.levelValue[v + RUN.busyNodes] = k > 0 ? 1 : 0;
      }
    });

    const w = scenario.workload;
    this.arrivals = arrivals ?? arrivalStreamFor(scenario) ?? new GeneratedArrivals(scenario);
    this.poolCum = w.classes.map((c) => cumulative(scenario.pools.map((p) => p.classShares[c.name] ?? 0)));
    this.poolRng = makeRng(seed, streamName(scenario, "pools"));
    this.workTables = w.classes.flatMap((c) =>
      this.pools.map((p) => ("fixed" in c.inputTokens ? workTable(p, Math.round(c.inputTokens.fixed)) : null)),
    );
    const nc = w.classes.length;
    this.energyWh = Array.from({ length: nc }, () => new LogHistogram());
    this.waitS = Array.from({ length: nc }, () => new LogHistogram());
    this.ttftS = Array.from({ length: nc }, () => new LogHistogram());
    this.e2eS = Array.from({ length: nc }, () => new LogHistogram());
    this.classArrived = new Float64Array(nc);
    this.classCompleted = new Float64Array(nc);
    this.facilityPerJ = ((1 + scenario.facility.orchestrationOverhead) * scenario.facility.pue) / 3600;
    this.warmedUp = scenario.warmupS === 0;
  }

  /** Runs the scenario to its end (or until onProgress says stop). */
  runToEnd(options: RunOptions = {}): SimResult {
    const s = this.scenario;
    const endS = s.durationS;
    const now = options.now ?? (() => performance.now() / 1000);
    const every = options.progressEveryS ?? 0.25;
    const wallStart = now();
    let nextProgress = wallStart + every;
    let stopped = false;
    const ev = this.events;
    this.nextArrivalS = this.arrivals.advance();
    ev.schedule(this.tickSlot, Math.min(s.timeseriesIntervalS, endS));
    if (s.warmupS > 0) ev.schedule(this.warmupSlot, s.warmupS);
    this.pools.forEach((p, i) => p.autoscale && ev.schedule(this.autoscaleSlot + i, p.autoscale.intervalS));
    let clockS = 0;
    for (;;) {
      // a queued event goes before an arrival at the same time
      const queueS = ev.length > 0 ? ev.peekTime() : Infinity;
      const arrivalS = this.nextArrivalS;
      const t = arrivalS < queueS ? arrivalS : queueS;
      if (t > endS || t === Infinity) break;
      clockS = t;
      this.eventCount++;
      const slot = arrivalS < queueS ? -1 : ev.peek();
      if (slot < 0) this.arrival(t);
      else if (slot < this.nodes) {
        if (this.ni[NI * slot + STATE] === WAKING) this.wakeComplete(slot, t);
        else this.departure(slot, t);
      } else if (slot >= this.autoscaleSlot) this.autoscaleTick(slot - this.autoscaleSlot, t);
      else if (slot === this.tickSlot) {
        this.tick(t);
        if (t >= endS) break;
        ev.schedule(this.tickSlot, Math.min(t + s.timeseriesIntervalS, endS));
        if (options.onProgress && now() >= nextProgress) {
          nextProgress = now() + every;
          if (options.onProgress(this.progress(t, now() - wallStart)) === "stop") {
            stopped = true;
            break;
          }
        }
      } else {
        ev.cancel(this.warmupSlot);
        this.endWarmup(t);
      }
      if ((this.eventCount & 0xffff) === 0 && options.onProgress && now() >= nextProgress) {
        nextProgress = now() + every;
        if (options.onProgress(this.progress(t, now() - wallStart)) === "stop") {
          stopped = true;
          break;
        }
      }
    }
    const stopS = stopped ? clockS : endS;
    if (stopped && stopS > this.lastTickS) this.tick(stopS);
    return this.finish(stopS, now() - wallStart, stopped);
  }

  private arrival(t: number): void {
    const a = this.arrivals;
    const ci = a.classIndex;
    const inTok = a.inputTokens;
    const outTok = a.outputTokens;
    this.nextArrivalS = a.advance();
    const pi = pick(this.poolCum[ci], this.poolRng);
    const p = this.pools[pi];
    const table = this.workTables[ci * this.pools.length + pi];
    const work = table !== null && outTok < WORK_TABLE_SIZE ? table[outTok] : workNodeS(p, inTok, outTok);
    p.arrivedWorkNodeS += work;
    if (t >= this.warmupS) {
      this.arrived++;
      this.tickArrived++;
      this.classArrived[ci]++;
    }
    const node = this.route(p);
    if (node < 0) {
      const q = this.q;
      const id = q.take();
      const row = id * STRIDE;
      const qd = q.data;
      qd[row + ARRIVAL_S] = t;
      qd[row + WORK_NODE_S] = work;
      qd[row + INPUT_TOKENS] = inTok;
      qd[row + CLASS_INDEX] = ci;
      p.queue.push(id);
      return;
    }
    this.advanceNode(node, t);
    this.admit(node, p, t, t, work, inTok, ci);
    this.changeActive(node, p, t, 1);
    p.index.moveUp(node);
    this.reschedule(node, t);
  }

  /** A node of pool p below max_batch, by the pool's router; -1 when every node is full. */
  private route(p: PoolRuntime): number {
    if (p.router !== 0) {
      let node: number;
      if (p.router === 1) {
        const a = p.first + Math.floor(p.rng() * p.count);
        const b = p.first + Math.floor(p.rng() * p.count);
        node = this.ni[NI * b + ACTIVE] < this.ni[NI * a + ACTIVE] ? b : a;
      } else if (p.router === 2) {
        node = p.first + p.rr;
        p.rr = p.rr + 1 === p.count ? 0 : p.rr + 1;
      } else node = p.first + Math.floor(p.rng() * p.count);
      if (this.ni[NI * node + ACTIVE] < p.maxBatch && this.ni[NI * node + STATE] === ON) return node;
    }
    return p.index.leastLoaded();
  }

  private departure(node: number, t: number): void {
    this.advanceNode(node, t);
    this.tags.popMin(node);
    this.complete(node, t);
    const pi = this.ni[NI * node + POOL];
    const p = this.pools[pi];
    if (this.ni[NI * node + STATE] !== ON) {
      this.changeActive(node, p, t, -1);
      if (this.ni[NI * node + ACTIVE] === 0) this.park(node, pi, p, t);
    } else if (p.queue.length > 0) this.admitQueued(p, node, t);
    else {
      this.changeActive(node, p, t, -1);
      p.index.moveDown(node);
    }
    this.reschedule(node, t);
  }

  /**
   * A query starts on a node at t: its finish tag goes into the node's heap with what its completion
   * needs, and its wait and time to first token are recorded (when it arrived after the warmup).
   */
  private admit(node: number, p: PoolRuntime, t: number, arrivalS: number, work: number, inputTokens: number, ci: number): void {
    this.tags.push(node, this.nf[NF * node + VIRTUAL_S] + work, arrivalS, this.nf[NF * node + ATTR_J], ci);
    if (arrivalS >= this.warmupS) {
      const waitS = t - arrivalS;
      this.waitS[ci].record(waitS);
      this.ttftS[ci].record(waitS + inputTokens / p.prefillTokensPerS);
    }
  }

  /** The first query of p's queue starts on node. */
  private admitQueued(p: PoolRuntime, node: number, t: number): void {
    const id = p.queue.shift();
    const qd = this.q.data;
    const row = id * STRIDE;
    this.admit(node, p, t, qd[row + ARRIVAL_S], qd[row + WORK_NODE_S], qd[row + INPUT_TOKENS], qd[row + CLASS_INDEX]);
    this.q.release(id);
  }

  /** The query popMin just took off node's heap finishes at t. */
  private complete(node: number, t: number): void {
    const tags = this.tags;
    const attrStartJ = tags.attrStartJ;
    const chargedJ = this.nf[NF * node + ATTR_J] - attrStartJ;
    if (this.warmedUp) {
      const warm = this.nf[NF * node + WARMUP_ATTR_J];
      this.addAttributed(attrStartJ >= warm ? chargedJ : this.nf[NF * node + ATTR_J] - warm);
    }
    const arrivalS = tags.arrivalS;
    if (arrivalS >= this.warmupS) {
      const ci = tags.classIndex;
      this.energyWh[ci].record(chargedJ * this.facilityPerJ);
      this.e2eS[ci].record(t - arrivalS);
      this.classCompleted[ci]++;
      this.completed++;
      this.tickCompleted++;
    }
  }

  /** Kahan-compensated: the ledger adds one term per query. */
  private addAttributed(j: number): void {
    const y = j - this.attributedCarryJ;
    const sum = this.attributedJ + y;
    this.attributedCarryJ = sum - this.attributedJ - y;
    this.attributedJ = sum;
  }

  /** Brings a node's virtual and attribution clocks up to t. */
  private advanceNode(node: number, t: number): void {
    const k = this.ni[NI * node + ACTIVE];
    if (k > 0) {
      const dt = t - this.nf[NF * node + LAST_S];
      const r = 2 * (this.ni[NI * node + LEVELS] + k);
      this.nf[NF * node + VIRTUAL_S] += this.levelRates[r] * dt;
      this.nf[NF * node + ATTR_J] += this.levelRates[r + 1] * dt;
    }
    this.nf[NF * node + LAST_S] = t;
  }

  /** The node's active count changes by delta (+1 or -1): it moves from one level to the next. */
  private changeActive(node: number, p: PoolRuntime, t: number, delta: number): void {
    const k = this.ni[NI * node + ACTIVE];
    const i = p.levels + k;
    this.chargeLevel(node, i, t);
    this.ni[NI * node + ACTIVE] = k + delta;
    this.levelCount[i]--;
    this.levelCount[i + delta]++;
  }

  /**
   * Adds the powered node's time at its level i since it was last charged (counting from the end of
   * the warmup) to the level's integral; Kahan-compensated, a day adds billions of terms to one integral.
   */
  private chargeLevel(node: number, i: number, t: number): void {
    const last = this.nf[NF * node + LEVEL_S];
    const from = last > this.warmupS ? last : this.warmupS;
    if (t > from) {
      const y = t - from - this.levelCarry[i];
      const sum = this.levelIntegral[i] + y;
      this.levelCarry[i] = sum - this.levelIntegral[i] - y;
      this.levelIntegral[i] = sum;
    }
    this.nf[NF * node + LEVEL_S] = t;
  }

  /** Running sum i changes by d at time t. */
  private change(i: number, d: number, t: number): void {
    if (d === 0) return;
    this.integrateSum(i, t);
    this.run[i] += d;
  }

  private integrateSum(i: number, t: number): void {
    integrateTo(this.run, this.integral, this.integralCarry, this.sumLastS, i, t, this.warmupS);
  }

  /**
   * The autoscaler of pool pi: nodes to keep serving = the work that arrived over the last interval
   * per second / target utilization x (1 + reserve), within [min, max]. Scaling up takes draining
   * nodes back first (at once), then wakes parked ones (after the wake delay); scaling down drains
   * the least-loaded nodes, which park when their last query finishes.
   */
  private autoscaleTick(pi: number, t: number): void {
    const p = this.pools[pi];
    const a = p.autoscale!;
    this.events.schedule(this.autoscaleSlot + pi, t + a.intervalS);
    const demand = p.arrivedWorkNodeS / a.intervalS;
    p.arrivedWorkNodeS = 0;
    const target = Math.min(a.max, Math.max(a.min, Math.ceil((demand / a.targetUtilization) * (1 + a.reserve))));
    const r = pi * RUNNING_SUMS;
    let serving = this.run[r + RUN.nodesOn] - p.drainingCount + this.run[r + RUN.wakingNodes];
    while (serving < target && p.drainingCount > 0) {
      this.undrain(p.draining[p.drainingCount - 1], pi, p, t);
      serving++;
    }
    while (serving < target && p.parkedCount > 0) {
      this.wake(p.parked[--p.parkedCount], pi, p, t, a.wakeDelayS);
      serving++;
    }
    while (serving > target) {
      const node = p.index.leastLoadedAny();
      if (node < 0) break;
      p.index.removeNode(node);
      if (this.ni[NI * node + ACTIVE] === 0) this.park(node, pi, p, t);
      else {
        this.ni[NI * node + STATE] = DRAINING;
        this.drainPos[node] = p.drainingCount;
        p.draining[p.drainingCount++] = node;
      }
      serving--;
    }
  }

  /** A node with no query left is switched off: its idle power becomes parked power. */
  private park(node: number, pi: number, p: PoolRuntime, t: number): void {
    if (this.ni[NI * node + STATE] === DRAINING) this.removeDraining(node, p);
    this.ni[NI * node + STATE] = PARKED;
    p.parked[p.parkedCount++] = node;
    const r = pi * RUNNING_SUMS;
    this.chargeLevel(node, p.levels, t);
    this.levelCount[p.levels]--;
    this.change(r + RUN.parkedMw, p.t.parkedMw, t);
    this.change(r + RUN.nodesOn, -1, t);
    this.change(r + RUN.parkedNodes, 1, t);
  }

  /** A parked node powers up: it draws idle power at once and serves after the wake delay. */
  private wake(node: number, pi: number, p: PoolRuntime, t: number, delayS: number): void {
    this.ni[NI * node + STATE] = WAKING;
    const r = pi * RUNNING_SUMS;
    this.nf[NF * node + LEVEL_S] = t;
    this.levelCount[p.levels]++;
    this.change(r + RUN.parkedMw, -p.t.parkedMw, t);
    this.change(r + RUN.parkedNodes, -1, t);
    this.change(r + RUN.wakingNodes, 1, t);
    this.nf[NF * node + LAST_S] = t;
    this.events.schedule(node, t + delayS);
  }

  private wakeComplete(node: number, t: number): void {
    const pi = this.ni[NI * node + POOL];
    const p = this.pools[pi];
    this.change(pi * RUNNING_SUMS + RUN.wakingNodes, -1, t);
    this.change(pi * RUNNING_SUMS + RUN.nodesOn, 1, t);
    this.events.cancel(node);
    this.bringOn(node, pi, p, t);
  }

  /** A draining node is wanted again: it takes queries at once. */
  private undrain(node: number, pi: number, p: PoolRuntime, t: number): void {
    this.removeDraining(node, p);
    this.bringOn(node, pi, p, t);
  }

  /** Puts a node in the router's index and gives it queued queries up to max_batch. */
  private bringOn(node: number, pi: number, p: PoolRuntime, t: number): void {
    this.ni[NI * node + STATE] = ON;
    p.index.addNode(node, this.ni[NI * node + ACTIVE]);
    if (p.queue.length === 0) return;
    this.advanceNode(node, t);
    while (p.queue.length > 0 && this.ni[NI * node + ACTIVE] < p.maxBatch) {
      this.admitQueued(p, node, t);
      this.changeActive(node, p, t, 1);
      p.index.moveUp(node);
    }
    this.reschedule(node, t);
  }

  private removeDraining(node: number, p: PoolRuntime): void {
    const i = this.drainPos[node];
    const last = p.draining[--p.drainingCount];
    p.draining[i] = last;
    this.drainPos[last] = i;
  }

  /** Brings every sum and its integral up to t (before reading them). */
  private materializeIntegrals(t: number): void {
    for (let node = 0; node < this.nodes; node++)
      if (this.ni[NI * node + STATE] !== PARKED) this.chargeLevel(node, this.ni[NI * node + LEVELS] + this.ni[NI * node + ACTIVE], t);
    this.pools.forEach((p, pi) => {
      const r = pi * RUNNING_SUMS;
      for (const c of NODE_COUNT_SUMS) this.integrateSum(r + c, t);
      const fromLevels = new Float64Array(RUNNING_SUMS);
      const integralFromLevels = new Float64Array(RUNNING_SUMS);
      for (let i = p.levels; i <= p.levels + p.maxBatch; i++) {
        const n = this.levelCount[i];
        const integral = this.levelIntegral[i];
        if (n === 0 && integral === 0) continue;
        for (let c = 0; c < RUNNING_SUMS; c++) {
          const v = this.levelValue[i * RUNNING_SUMS + c];
          fromLevels[c] += n * v;
          integralFromLevels[c] += integral * v;
        }
      }
      for (let c = 0; c < RUNNING_SUMS; c++) {
        if (NODE_COUNT_SUMS.includes(c)) continue;
        this.run[r + c] = fromLevels[c];
        this.integral[r + c] = integralFromLevels[c];
      }
      // idle-side power counts parked nodes too
      this.run[r + RUN.idleNodeMw] += this.run[r + RUN.parkedMw];
      this.integral[r + RUN.idleNodeMw] += this.integral[r + RUN.parkedMw];
    });
  }

  private reschedule(node: number, t: number): void {
    const k = this.ni[NI * node + ACTIVE];
    if (k === 0) {
      this.events.cancel(node);
      return;
    }
    const rate = this.levelRates[2 * (this.ni[NI * node + LEVELS] + k)];
    const dt = (this.tags.minTag(node) - this.nf[NF * node + VIRTUAL_S]) / rate;
    this.events.schedule(node, dt > 0 ? t + dt : t);
  }

  private endWarmup(t: number): void {
    this.materializeIntegrals(t);
    for (let node = 0; node < this.nodes; node++) {
      this.advanceNode(node, t);
      this.nf[NF * node + WARMUP_ATTR_J] = this.nf[NF * node + ATTR_J];
    }
    this.lastTickS = t;
    this.lastTickIntegral.set(this.integral);
    this.warmedUp = true;
  }

  private tick(t: number): void {
    this.materializeIntegrals(t);
    const from = Math.max(this.lastTickS, this.warmupS);
    if (t > from) {
      const dt = t - from;
      const avg = (c: number) => {
        let s = 0;
        for (let i = 0; i < this.pools.length; i++) {
          const r = i * RUNNING_SUMS + c;
          s += this.integral[r] - this.lastTickIntegral[r];
        }
        return s / dt;
      };
      let queued = 0;
      for (const p of this.pools) queued += p.queue.length;
      this.timeseries.push({
        tS: t,
        arrivals: this.tickArrived,
        completed: this.tickCompleted,
        activeQueries: this.sumRun(RUN.activeQueries),
        queuedQueries: queued,
        nodesOn: this.sumRun(RUN.nodesOn),
        busyNodes: this.sumRun(RUN.busyNodes),
        nodesParked: this.sumRun(RUN.parkedNodes),
        nodesWaking: this.sumRun(RUN.wakingNodes),
        gpuBusyMw: avg(RUN.gpuBusyMw),
        gpuIdleMw: avg(RUN.gpuIdleMw),
        hostMw: avg(RUN.hostMw),
        interconnectMw: avg(RUN.interconnectMw),
        parkedMw: avg(RUN.parkedMw),
      });
    }
    this.tickArrived = 0;
    this.tickCompleted = 0;
    this.lastTickS = t;
    this.lastTickIntegral.set(this.integral);
  }

  private sumRun(c: number): number {
    let s = 0;
    for (let i = 0; i < this.pools.length; i++) s += this.run[i * RUNNING_SUMS + c];
    return s;
  }

  private progress(t: number, wallS: number): SimProgress {
    this.materializeIntegrals(t);
    const toFacility = this.facilityPerJ * 3600;
    const component = (c: number) => this.sumRun(c) / 1000;
    const powerByComponentW = {
      gpuBusy: component(RUN.gpuBusyMw),
      gpuIdle: component(RUN.gpuIdleMw),
      host: component(RUN.hostMw),
      interconnect: component(RUN.interconnectMw),
      parked: component(RUN.parkedMw),
    };
    const powerW =
      powerByComponentW.gpuBusy + powerByComponentW.gpuIdle + powerByComponentW.host + powerByComponentW.interconnect + powerByComponentW.parked;
    let nodeMwS = 0;
    for (let i = 0; i < this.pools.length; i++) {
      const r = i * RUNNING_SUMS;
      nodeMwS +=
        this.integral[r + RUN.gpuBusyMw] + this.integral[r + RUN.gpuIdleMw] + this.integral[r + RUN.hostMw] + this.integral[r + RUN.interconnectMw] + this.integral[r + RUN.parkedMw];
    }
    const facilityEnergyWh = (nodeMwS / 1000 / 3600) * toFacility;
    const simulatedS = t - this.warmupS;
    const e2e = new LogHistogram();
    const energy = new LogHistogram();
    for (let c = 0; c < this.e2eS.length; c++) {
      e2e.merge(this.e2eS[c]);
      energy.merge(this.energyWh[c]);
    }
    return {
      scenario: this.scenario.name,
      simS: t,
      durationS: this.scenario.durationS,
      warmupS: this.warmupS,
      wallS,
      arrived: this.arrived,
      completed: this.completed,
      inFlight: this.sumRun(RUN.activeQueries) + this.q.inUse,
      events: this.eventCount,
      powerW,
      powerByComponentW,
      facilityPowerW: powerW * toFacility,
      facilityEnergyWh,
      projectedGwhPerDay: simulatedS > 0 ? (facilityEnergyWh / 1e9) * (86_400 / simulatedS) : 0,
      pools: this.scenario.pools.map((sp, i) => ({
        name: sp.name,
        nodes: sp.nodes,
        nodesOn: this.run[i * RUNNING_SUMS + RUN.nodesOn],
        nodesParked: this.run[i * RUNNING_SUMS + RUN.parkedNodes],
        nodesWaking: this.run[i * RUNNING_SUMS + RUN.wakingNodes],
        maxBatch: sp.maxBatch,
        activeQueries: this.run[i * RUNNING_SUMS + RUN.activeQueries],
        queuedQueries: this.pools[i].queue.length,
      })),
      e2eP50S: e2e.quantile(0.5),
      e2eP99S: e2e.quantile(0.99),
      whPerQueryP50: energy.quantile(0.5),
      whPerQueryMean: energy.mean(),
      facilityMwSeries: this.timeseries.map(
        (row) => ((row.gpuBusyMw + row.gpuIdleMw + row.hostMw + row.interconnectMw + row.parkedMw) / 1e9) * toFacility,
      ),
      ...(this.scenario.shard ? { histograms: { e2eS: e2e, energyWh: energy } } : {}),
    };
  }

  /** Integrates to stopS, charges in-flight queries what they drew so far, and totals everything. */
  private finish(stopS: number, wallS: number, stopped: boolean): SimResult {
    const result = this.totals(stopS, wallS, stopped);
    assertFinite(result, this.scenario);
    return result;
  }

  private totals(stopS: number, wallS: number, stopped: boolean): SimResult {
    this.materializeIntegrals(stopS);
    let inFlight = 0;
    for (let node = 0; node < this.nodes; node++) {
      this.advanceNode(node, stopS);
      for (let k = 0; k < this.tags.sizeOf(node); k++) {
        if (this.warmedUp) this.addAttributed(this.nf[NF * node + ATTR_J] - Math.max(this.tags.attrStartAt(node, k), this.nf[NF * node + WARMUP_ATTR_J]));
        if (this.tags.arrivalAt(node, k) >= this.warmupS) inFlight++;
      }
    }
    for (const p of this.pools)
      for (let k = 0; k < p.queue.length; k++) if (this.q.data[p.queue.at(k) * STRIDE + ARRIVAL_S] >= this.warmupS) inFlight++;

    const pools: PoolTotals[] = this.scenario.pools.map((sp, i) => {
      const r = i * RUNNING_SUMS;
      const whOf = (c: number) => this.integral[r + c] / 1000 / 3600;
      return {
        name: sp.name,
        nodes: sp.nodes,
        gpuBusyWh: whOf(RUN.gpuBusyMw),
        gpuIdleWh: whOf(RUN.gpuIdleMw),
        hostWh: whOf(RUN.hostMw),
        interconnectWh: whOf(RUN.interconnectMw),
        parkedWh: whOf(RUN.parkedMw),
        idleNodeWh: whOf(RUN.idleNodeMw),
        saturatedWh: whOf(RUN.saturatedMw),
        activeQuerySeconds: this.integral[r + RUN.activeQueries],
        speedNodeSeconds: this.integral[r + RUN.speedMicro] / 1e6,
        busyNodeSeconds: this.integral[r + RUN.busyNodes],
        nodeSecondsOn: this.integral[r + RUN.nodesOn],
        nodeSecondsParked: this.integral[r + RUN.parkedNodes],
        nodeSecondsWaking: this.integral[r + RUN.wakingNodes],
      };
    });
    const classes: ClassTotals[] = this.scenario.workload.classes.map((c, i) => ({
      name: c.name,
      arrived: this.classArrived[i],
      completed: this.classCompleted[i],
      energyWh: this.energyWh[i],
      waitS: this.waitS[i],
      ttftS: this.ttftS[i],
      e2eS: this.e2eS[i],
    }));
    return {
      state: stopped ? "interrupted" : "completed",
      simulatedS: Math.max(0, stopS - this.warmupS),
      arrived: this.arrived,
      completed: this.completed,
      inFlight,
      attributedWh: this.attributedJ / 3600,
      pools,
      classes,
      timeseries: this.timeseries,
      events: this.eventCount,
      wallS,
    };
  }
}

/** Simulates the scenario from start to end (or until onProgress says stop); `arrivals` replaces its generated workload (trace replay). */
export function simulate(scenario: Scenario, options: RunOptions & { readonly arrivals?: ArrivalStream } = {}): SimResult {
  return new Simulation(scenario, options.arrivals).runToEnd(options);
}

/**
 * Brings the time integral of value[i] (constant since lastS[i]) up to t, counting from warmupS on;
 * Kahan-compensated, since a day adds billions of small terms to one integral.
 */
function integrateTo(value: Float64Array, integral: Float64Array, carry: Float64Array, lastS: Float64Array, i: number, t: number, warmupS: number): void {
  const last = lastS[i];
  const from = last > warmupS ? last : warmupS;
  if (t > from) {
    const y = value[i] * (t - from) - carry[i];
    const sum = integral[i] + y;
    carry[i] = sum - integral[i] - y;
    integral[i] = sum;
  }
  lastS[i] = t;
}

const WORK_TABLE_SIZE = 1 << 15;

/** Work of one query in node-seconds at full batch: L_out / TPS(L_in, L_out), divided by the levers. */
function workNodeS(p: PoolRuntime, inputTokens: number, outputTokens: number): number {
  return queryWorkNodeS(p.tps, inputTokens, outputTokens, p.workScale);
}

/** workNodeS for every L_out below WORK_TABLE_SIZE at a fixed L_in: the event loop then only looks it up. */
function workTable(p: PoolRuntime, inputTokens: number): Float64Array {
  const table = new Float64Array(WORK_TABLE_SIZE);
  for (let k = 0; k < WORK_TABLE_SIZE; k++) table[k] = workNodeS(p, inputTokens, k);
  return table;
}

/**
 * Nodes on at t = 0: all of a fixed pool; for an autoscaled one, what its rule would ask for at the
 * rate of t = 0 (estimated from the scenario's own length distributions), within [min, max].
 */
function initialNodesOn(s: Scenario, p: Scenario["pools"][number]): number {
  const a = p.autoscale;
  if (!a) return p.nodes;
  const demand = poolDemand(s, p) * diurnalMultiplier(s.workload.diurnal)(0);
  return Math.min(a.max, Math.max(a.min, Math.ceil((demand / a.targetUtilization) * (1 + a.reserve))));
}

/** A NaN or infinity in the results is a bug in inferwatt, never a result: fail loudly, naming the run. */
function assertFinite(r: SimResult, s: Scenario): void {
  const bad: string[] = [];
  if (!Number.isFinite(r.attributedWh)) bad.push("attributed energy");
  for (const p of r.pools)
    for (const [k, v] of Object.entries(p)) if (typeof v === "number" && !Number.isFinite(v)) bad.push(`pool ${p.name} ${k}`);
  for (const c of r.classes) if (!Number.isFinite(c.energyWh.sum) || !Number.isFinite(c.e2eS.sum)) bad.push(`class ${c.name}`);
  if (bad.length > 0)
    throw new Error(`inferwatt bug: non-finite results (${bad.join(", ")}) for scenario "${s.name}" with seed ${s.seed}; please report it with the scenario file`);
}
