import { batchSpeed } from "../models/batching.ts";
import { nodePowerComponentsW } from "../models/power.ts";
import { predictTps } from "../models/throughput.ts";
import type { ArrivalStream } from "../sim/arrivals/stream.ts";
import type { Scenario } from "../sim/scenario/types.ts";

/**
 * A reference simulator for the differential test of the engine: slow and plain, so that it is
 * obviously right. One pool of fixed nodes (no autoscaler), each node a processor-sharing server of
 * max batch C: with n queries active each gets h(n)/n node-seconds of service per second and is
 * charged P(n)/n watts; a query that finds every node at C waits in one FIFO queue and goes to the
 * first node that finishes a query. Naive on purpose: at every event every active query's remaining
 * work and charge are brought up to date, and the next finish is found by scanning all of them.
 *
 * The only things taken from the code under test are the models it implements (h(n) in
 * models/batching.ts, P(n) in models/power.ts, TPS in models/throughput.ts) and one convention of
 * the engine: each power component is kept in whole milliwatts (sim/fleet/pool-tables.ts), which
 * moves P(n) by up to 1.5 mW (1e-7 relative) and so must be copied for a comparison at 1e-9.
 */

export interface RefArrival {
  readonly tS: number;
  readonly classIndex: number;
  readonly inputTokens: number;
  readonly outputTokens: number;
}

export type RefRouter = "least-loaded" | "round-robin";

/** Arrivals (in time order) as the engine's arrival stream, which pulls one at a time. */
export function arrivalStream(list: readonly RefArrival[]): ArrivalStream {
  let i = -1;
  const stream = {
    classIndex: 0,
    inputTokens: 0,
    outputTokens: 0,
    advance() {
      i++;
      if (i >= list.length) return Infinity;
      this.classIndex = list[i].classIndex;
      this.inputTokens = list[i].inputTokens;
      this.outputTokens = list[i].outputTokens;
      return list[i].tS;
    },
  };
  return stream;
}

interface Query {
  readonly arrivalS: number;
  readonly classIndex: number;
  readonly inputTokens: number;
  /** Node-seconds of service still to receive. */
  remaining: number;
  admittedS: number;
  /** Energy charged so far (J, node level), and the part of it after the warmup. */
  chargedJ: number;
  chargedAfterWarmupJ: number;
}

interface RefNode {
  active: Query[];
  /** When the node last changed its count: among equally loaded nodes the latest goes first. */
  stamp: number;
}

export interface RefInterval {
  readonly tS: number;
  readonly arrivals: number;
  readonly completed: number;
  /** Mean node power over the interval (after the warmup), W. */
  readonly meanPowerW: number;
}

export interface RefResult {
  readonly arrived: number;
  readonly completed: number;
  readonly inFlight: number;
  readonly completedByClass: number[];
  /** Over completed queries that arrived after the warmup. */
  readonly e2eSumS: number;
  readonly waitSumS: number;
  readonly ttftSumS: number;
  /** Sum over those queries of their whole charge, at the facility boundary, Wh. */
  readonly perQueryFacilityWhSum: number;
  /** Node energy charged to queries after the warmup (completed and in flight), Wh. */
  readonly attributedWh: number;
  /** Node energy after the warmup by component, and of nodes with no query, Wh. */
  readonly gpuBusyWh: number;
  readonly gpuIdleWh: number;
  readonly hostWh: number;
  readonly interconnectWh: number;
  readonly idleNodeWh: number;
  readonly nodeWh: number;
  readonly busyNodeSeconds: number;
  readonly activeQuerySeconds: number;
  readonly intervals: RefInterval[];
}

/** Node power at n active queries, per component, in whole milliwatts as the engine keeps them. */
function powerMw(s: Scenario, n: number) {
  const c = nodePowerComponentsW(s.pools[0].hardware, n);
  const gpu = Math.round(c.gpuW * 1000);
  const host = Math.round(c.hostW * 1000);
  const interconnect = Math.round(c.interconnectW * 1000);
  return { gpu, host, interconnect, node: gpu + host + interconnect };
}

export function referenceSimulate(s: Scenario, arrivals: readonly RefArrival[], router: RefRouter): RefResult {
  if (s.pools.length !== 1 || s.pools[0].autoscale) throw new Error("the reference simulates one pool of fixed nodes");
  const pool = s.pools[0];
  const C = pool.maxBatch;
  const hw = pool.hardware;
  const levers = s.efficiency.model * s.efficiency.serving * hw.tpsMultiplier;
  const endS = s.durationS;
  const warmupS = s.warmupS;
  const intervalS = s.timeseriesIntervalS;
  const toFacility = (1 + s.facility.orchestrationOverhead) * s.facility.pue;
  const power = Array.from({ length: C + 1 }, (_, n) => powerMw(s, n));
  const h = (n: number) => batchSpeed(n, C, hw.batchHalfSpeed);

  const nodes: RefNode[] = Array.from({ length: pool.nodes }, (_, k) => ({ active: [], stamp: -k }));
  const queue: Query[] = [];
  let stampClock = 0;
  let rr = 0;

  let arrived = 0;
  let completed = 0;
  const completedByClass = s.workload.classes.map(() => 0);
  let e2eSumS = 0;
  let waitSumS = 0;
  let ttftSumS = 0;
  let perQueryFacilityWhSum = 0;
  // integrals after the warmup: mW s per component, node-seconds, query-seconds
  let gpuBusyMwS = 0;
  let gpuIdleMwS = 0;
  let hostMwS = 0;
  let interconnectMwS = 0;
  let idleNodeMwS = 0;
  let busyNodeSeconds = 0;
  let activeQuerySeconds = 0;
  const finished: Query[] = [];

  const intervals: RefInterval[] = [];
  let intervalStartS = 0;
  let intervalArrivals = 0;
  let intervalCompleted = 0;
  let intervalMwS = 0;

  /** Time passes from t0 to t1 with nothing changing: every active query is served and charged. */
  const serve = (t0: number, t1: number) => {
    const dt = t1 - t0;
    const after = Math.max(0, t1 - Math.max(t0, warmupS));
    for (const node of nodes) {
      const n = node.active.length;
      const p = power[n];
      for (const q of node.active) {
        q.remaining -= (h(n) / n) * dt;
        q.chargedJ += (p.node / 1000 / n) * dt;
        q.chargedAfterWarmupJ += (p.node / 1000 / n) * after;
      }
      if (n > 0) gpuBusyMwS += p.gpu * after;
      else {
        gpuIdleMwS += p.gpu * after;
        idleNodeMwS += p.node * after;
      }
      hostMwS += p.host * after;
      interconnectMwS += p.interconnect * after;
      intervalMwS += p.node * after;
      if (n > 0) busyNodeSeconds += after;
      activeQuerySeconds += n * after;
    }
  };
  /** Serves up to t1, closing the time-series intervals on the way. */
  let clockS = 0;
  const advance = (t1: number) => {
    for (;;) {
      const boundary = Math.min(intervalStartS + intervalS, endS);
      if (boundary > t1 || clockS >= endS) break;
      serve(clockS, boundary);
      clockS = boundary;
      const from = Math.max(intervalStartS, warmupS);
      if (boundary > from)
        intervals.push({ tS: boundary, arrivals: intervalArrivals, completed: intervalCompleted, meanPowerW: intervalMwS / 1000 / (boundary - from) });
      intervalStartS = boundary;
      intervalArrivals = 0;
      intervalCompleted = 0;
      intervalMwS = 0;
      if (boundary >= endS) return;
    }
    serve(clockS, t1);
    clockS = t1;
  };

  const touch = (node: RefNode) => {
    node.stamp = ++stampClock;
  };
  const start = (node: RefNode, q: Query, t: number) => {
    q.admittedS = t;
    node.active.push(q);
    if (q.arrivalS >= warmupS) {
      waitSumS += t - q.arrivalS;
      ttftSumS += t - q.arrivalS + q.inputTokens / hw.prefillTokensPerS;
    }
  };
  /** A node below max batch: round-robin's turn if it has room, else the least loaded, latest changed first. */
  const route = (): RefNode | undefined => {
    if (router === "round-robin") {
      const node = nodes[rr];
      rr = (rr + 1) % nodes.length;
      if (node.active.length < C) return node;
    }
    let best: RefNode | undefined;
    for (const node of nodes)
      if (node.active.length < C && (!best || node.active.length < best.active.length || (node.active.length === best.active.length && node.stamp > best.stamp)))
        best = node;
    return best;
  };

  let next = 0;
  for (;;) {
    const t = clockS;
    // the next finish: scan every active query
    let finishS = Infinity;
    let finishNode: RefNode | undefined;
    let finishQuery: Query | undefined;
    for (const node of nodes) {
      const n = node.active.length;
      for (const q of node.active) {
        const f = t + Math.max(0, q.remaining) / (h(n) / n);
        if (f < finishS) [finishS, finishNode, finishQuery] = [f, node, q];
      }
    }
    const arrivalS = next < arrivals.length ? arrivals[next].tS : Infinity;
    // a finish goes before an arrival at the same time
    const eventS = Math.min(finishS, arrivalS);
    if (eventS > endS) {
      advance(endS);
      break;
    }
    advance(eventS);
    if (finishS <= arrivalS) {
      const node = finishNode!;
      const q = finishQuery!;
      node.active.splice(node.active.indexOf(q), 1);
      finished.push(q);
      if (q.arrivalS >= warmupS) {
        completed++;
        intervalCompleted++;
        completedByClass[q.classIndex]++;
        e2eSumS += eventS - q.arrivalS;
        perQueryFacilityWhSum += (q.chargedJ / 3600) * toFacility;
      }
      if (queue.length > 0) start(node, queue.shift()!, eventS);
      else touch(node);
    } else {
      const a = arrivals[next++];
      const work = a.outputTokens === 0 ? 0 : a.outputTokens / (predictTps(pool.tps, a.inputTokens, a.outputTokens) * levers);
      const q: Query = { arrivalS: a.tS, classIndex: a.classIndex, inputTokens: a.inputTokens, remaining: work, admittedS: NaN, chargedJ: 0, chargedAfterWarmupJ: 0 };
      if (a.tS >= warmupS) {
        arrived++;
        intervalArrivals++;
      }
      const node = route();
      if (node) {
        start(node, q, eventS);
        touch(node);
      } else queue.push(q);
    }
  }

  const activeAtEnd = nodes.flatMap((n) => n.active);
  const inFlight = activeAtEnd.filter((q) => q.arrivalS >= warmupS).length + queue.filter((q) => q.arrivalS >= warmupS).length;
  let attributedJ = 0;
  for (const q of [...finished, ...activeAtEnd]) attributedJ += q.chargedAfterWarmupJ;
  const wh = (mwS: number) => mwS / 1000 / 3600;
  return {
    arrived,
    completed,
    inFlight,
    completedByClass,
    e2eSumS,
    waitSumS,
    ttftSumS,
    perQueryFacilityWhSum,
    attributedWh: attributedJ / 3600,
    gpuBusyWh: wh(gpuBusyMwS),
    gpuIdleWh: wh(gpuIdleMwS),
    hostWh: wh(hostMwS),
    interconnectWh: wh(interconnectMwS),
    idleNodeWh: wh(idleNodeMwS),
    nodeWh: wh(gpuBusyMwS + gpuIdleMwS + hostMwS + interconnectMwS),
    busyNodeSeconds,
    activeQuerySeconds,
    intervals,
  };
}
