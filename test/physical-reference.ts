import { expect } from "vitest";
import type { HardwareProfile } from "../models/hardware-types.ts";
import type { NodeCalibration } from "../models/node/calibration.ts";
import { loadModelSpec, type Precision } from "../models/node/catalog.ts";
import { loadGpuSpec } from "../models/node/gpu-spec.ts";
import type { KvPrecision, NodeConfig, NodeModel } from "../models/node/node-model.ts";
import { nodePowerComponentsW } from "../models/power.ts";
import type { ArrivalStream } from "../sim/arrivals/stream.ts";
import type { SimResult } from "../sim/engine/result.ts";
import type { PhysicalNode, Scenario } from "../sim/scenario/types.ts";
import { arrivalStream } from "./reference-sim.ts";

// A brute-force reference for one physical node (issue #15), independent of the engine: decode is
// simulated one step at a time (every active query gets one token per step, step time
// decodeStep(n, K).seconds with K the resident context at the step's start), prefills one at a time
// ahead of decode, admission FIFO with the KV reservation checked in whole tokens. No closed forms,
// no virtual time: everything is a loop over steps. The engine's processor sharing must agree with it
// wherever its continuous decode coincides with the steps (admissions at t = 0, at departures, or on
// an idle node).
//
// Semantics (decided here where the brief left room; see the notes at each):
// - one node = one replica on G = config.tp GPUs; C_kv = floor(kvBytesFreePerGpu / kvBytesPerTokenFull)
//   tokens; a query reserves r = in + out tokens from admission to departure (models without sliding
//   window layers only); r > C_kv cuts out to C_kv - in (truncated); in > C_kv is rejected (RangeError);
// - admission: FIFO, head of line; admitted when active < maxBatch and reserved + r <= C_kv, and an
//   arrival joins the queue whenever the queue is not empty; after every departure the heads are
//   admitted while they fit. waitedForMemory counts queries that joined the queue while the node had
//   fewer than maxBatch active queries;
// - prefill first: prefills run one at a time in admission order, [s, s + T] with s = max(admission,
//   previous prefill end), T = prefill(in).seconds; decode of every active query pauses while one runs.
//   A decode step in progress when a prefill starts (an admission mid-step: never in the cross-checks)
//   is paused and finishes its remaining time after the backlog, with its own n and K; the next step
//   includes the newcomers;
// - decode resumes at the end of the backlog with every active query; a query departs at the end of
//   the step that gives it its out-th token; out = 0 departs at the end of its prefill;
// - energy: a prefill costs (G P_gpu(prefill(in)) + host busy + interconnect) T, all charged to its
//   query; a step (G P_gpu(step) + host busy + interconnect) t, charged 1/n to each of its n queries;
//   a node with no admitted query draws G idleW + host idle + interconnect, charged to no query;
// - K(t), for kvTokenSeconds, is the state sum over admitted queries of in + tokens delivered: a
//   query's prompt counts from its admission (also while it waits in the prefill backlog and while it
//   is prefilled), a token from the end of the step that delivers it. Within a step it equals the
//   step's own K whenever no one is admitted mid-step.

export interface RefQuery {
  readonly arrivalS: number;
  readonly inTokens: number;
  readonly outTokens: number;
}

export interface RefNodeOptions {
  readonly maxBatch: number;
  /** In arrival order (ties: the order given). */
  readonly queries: readonly RefQuery[];
  /** End of the run for idle energy (default: the last departure); must not be before it. */
  readonly untilS?: number;
}

export interface RefQueryResult {
  readonly arrivalS: number;
  readonly inTokens: number;
  /** Output tokens served (after truncation). */
  readonly outTokens: number;
  readonly truncated: boolean;
  /** Joined the queue while the node had room in its batch (memory held it back). */
  readonly waitedForMemory: boolean;
  readonly admittedS: number;
  readonly prefillStartS: number;
  /** End of its prefill. */
  readonly firstTokenS: number;
  readonly departS: number;
  /** Node joules charged to it: its prefill and its shares of decode steps. */
  readonly energyJ: number;
  readonly prefillJ: number;
  readonly decodeJ: number;
  /** Derived: admittedS - arrivalS, firstTokenS - arrivalS, departS - arrivalS, (departS - firstTokenS) / outTokens (NaN when 0). */
  readonly waitS: number;
  readonly ttftS: number;
  readonly e2eS: number;
  readonly tpotS: number;
}

export interface RefNodeResult {
  readonly queries: readonly RefQueryResult[];
  readonly kvCapacityTokens: number;
  /** Last departure, and the run's end (untilS or the last departure). */
  readonly endS: number;
  readonly horizonS: number;
  /** Node joules: with at least one admitted query / with none; busy split into prefills and steps. */
  readonly busyJ: number;
  readonly idleJ: number;
  readonly prefillJ: number;
  readonly decodeJ: number;
  /** Node joules by component over [0, horizon]. */
  readonly gpuBusyJ: number;
  readonly gpuIdleJ: number;
  readonly hostJ: number;
  readonly interconnectJ: number;
  readonly busyS: number;
  readonly idleS: number;
  /** ∫ K dt (token-seconds) and ∫ admitted queries dt (query-seconds). */
  readonly kvTokenSeconds: number;
  readonly activeQuerySeconds: number;
  readonly maxActive: number;
  readonly maxReservedTokens: number;
  readonly truncated: number;
  readonly waitedForMemory: number;
  readonly steps: number;
  readonly prefills: number;
  /** Power evaluations where the node model's clamp to [idleW, maxW] bound (the engine's interpolation is exact only without). */
  readonly powerClamped: number;
}

/** KV capacity of one node in tokens, as the reference (and the engine) counts it. */
export function kvCapacityTokens(model: NodeModel): number {
  return Math.floor(model.kvBytesFreePerGpu / model.kvBytesPerTokenFull);
}

/** Step-by-step simulation of one physical node serving `queries` (see the semantics above). */
export function referenceNode(model: NodeModel, hw: HardwareProfile, opts: RefNodeOptions): RefNodeResult {
  if (model.window !== 0 || model.kvBytesPerTokenSliding !== 0) throw new RangeError("the reference covers models without sliding-window layers only");
  const { maxBatch, queries } = opts;
  if (!Number.isInteger(maxBatch) || maxBatch < 1) throw new RangeError(`maxBatch must be a whole number >= 1, got ${maxBatch}`);
  const G = model.config.tp;
  const gpu = model.config.gpu;
  const C = kvCapacityTokens(model);
  const hostBusyW = nodePowerComponentsW(hw, 1).hostW;
  const hostIdleW = nodePowerComponentsW(hw, 0).hostW;
  const icW = hw.interconnectW;
  const nq = queries.length;
  for (let i = 1; i < nq; i++) if (queries[i].arrivalS < queries[i - 1].arrivalS) throw new RangeError("queries must be in arrival order");

  // per query
  const out = new Array<number>(nq);
  const truncated = new Array<boolean>(nq).fill(false);
  for (let i = 0; i < nq; i++) {
    const q = queries[i];
    if (!Number.isInteger(q.inTokens) || q.inTokens < 1 || !Number.isInteger(q.outTokens) || q.outTokens < 0) throw new RangeError(`query ${i}: token counts must be whole numbers (prompt >= 1)`);
    if (q.inTokens > C) throw new RangeError(`query ${i}: prompt of ${q.inTokens} tokens exceeds the KV capacity ${C}`);
    out[i] = q.outTokens;
    if (q.inTokens + q.outTokens > C) {
      out[i] = C - q.inTokens;
      truncated[i] = true;
    }
  }
  const reservation = (i: number) => queries[i].inTokens + out[i];
  const gen = new Array<number>(nq).fill(0);
  const admittedS = new Array<number>(nq).fill(NaN);
  const prefillStartS = new Array<number>(nq).fill(NaN);
  const firstTokenS = new Array<number>(nq).fill(NaN);
  const departS = new Array<number>(nq).fill(NaN);
  const prefillJ = new Array<number>(nq).fill(0);
  const decodeJ = new Array<number>(nq).fill(0);
  const waited = new Array<boolean>(nq).fill(false);

  // node state
  let t = 0;
  const queue: number[] = [];
  let qHead = 0;
  const active: number[] = []; // admitted, not departed, in admission order
  let reserved = 0;
  let kState = 0;
  const backlog: number[] = [];
  let bHead = 0;
  // (typed through a cast: the closures below assign them, which the loop's narrowing cannot see)
  let prefilling = null as { q: number; endS: number } | null;
  let step = null as { members: number[]; energyJ: number; endS: number; remainingS: number; paused: boolean } | null;

  // totals
  let gpuBusyJ = 0;
  let busyS = 0;
  let idleS = 0;
  let kvTokenSeconds = 0;
  let activeQuerySeconds = 0;
  let maxActive = 0;
  let maxReserved = 0;
  let waitedForMemory = 0;
  let steps = 0;
  let prefills = 0;
  let powerClamped = 0;
  let totalPrefillJ = 0;
  let totalDecodeJ = 0;

  const gpuPower = (w: ReturnType<NodeModel["decodeStep"]>) => {
    const p = model.powerW(w);
    if (p === gpu.idleW || p === gpu.maxW) powerClamped++;
    return p;
  };

  function advance(to: number): void {
    const dt = to - t;
    if (dt < 0) throw new Error(`time went back: ${t} -> ${to}`);
    kvTokenSeconds += kState * dt;
    activeQuerySeconds += active.length * dt;
    if (active.length > 0) busyS += dt;
    else idleS += dt;
    t = to;
  }

  const fits = (i: number) => active.length < maxBatch && reserved + reservation(i) <= C;

  function admit(i: number): void {
    admittedS[i] = t;
    reserved += reservation(i);
    kState += queries[i].inTokens;
    active.push(i);
    maxActive = Math.max(maxActive, active.length);
    maxReserved = Math.max(maxReserved, reserved);
    if (reserved > C || active.length > maxBatch) throw new Error("reference broke its own admission rule");
    backlog.push(i);
    if (prefilling === null) startNextPrefill();
  }

  function admitHeads(): void {
    while (qHead < queue.length && fits(queue[qHead])) admit(queue[qHead++]);
  }

  function startNextPrefill(): void {
    if (step !== null && !step.paused) {
      step.paused = true;
      step.remainingS = step.endS - t;
    }
    const i = backlog[bHead++];
    const w = model.prefill(queries[i].inTokens);
    const p = gpuPower(w);
    const e = (G * p + hostBusyW + icW) * w.seconds;
    gpuBusyJ += G * p * w.seconds;
    prefillJ[i] = e;
    totalPrefillJ += e;
    prefills++;
    prefillStartS[i] = t;
    prefilling = { q: i, endS: t + w.seconds };
  }

  function depart(i: number): void {
    departS[i] = t;
    reserved -= reservation(i);
    kState -= queries[i].inTokens + gen[i];
    active.splice(active.indexOf(i), 1);
  }

  function startStep(): void {
    const members = active.slice();
    if (members.length === 0) return;
    const n = members.length;
    let K = 0;
    for (const i of members) K += queries[i].inTokens + gen[i];
    const w = model.decodeStep(n, K);
    const p = gpuPower(w);
    gpuBusyJ += G * p * w.seconds;
    const energyJ = (G * p + hostBusyW + icW) * w.seconds;
    totalDecodeJ += energyJ;
    steps++;
    step = { members, energyJ, endS: t + w.seconds, remainingS: 0, paused: false };
  }

  function afterPrefillOrDeparture(): void {
    // the backlog goes first; with none left, decode runs
    if (prefilling !== null) return;
    if (bHead < backlog.length) startNextPrefill();
    else if (step !== null) {
      if (step.paused) {
        step.paused = false;
        step.endS = t + step.remainingS;
      }
    } else startStep();
  }

  function finishPrefill(): void {
    const i = prefilling!.q;
    prefilling = null;
    firstTokenS[i] = t;
    if (out[i] === 0) {
      depart(i);
      admitHeads();
    }
    afterPrefillOrDeparture();
  }

  function finishStep(): void {
    const s = step!;
    step = null;
    const share = s.energyJ / s.members.length;
    const done: number[] = [];
    for (const i of s.members) {
      gen[i]++;
      kState++;
      decodeJ[i] += share;
      if (gen[i] === out[i]) done.push(i);
    }
    for (const i of done) depart(i);
    admitHeads();
    afterPrefillOrDeparture();
  }

  function arrive(i: number): void {
    if (qHead === queue.length && fits(i)) {
      admit(i);
      return;
    }
    if (active.length < maxBatch) {
      waited[i] = true;
      waitedForMemory++;
    }
    queue.push(i);
  }

  let next = 0;
  for (;;) {
    const tPrefill = prefilling !== null ? prefilling.endS : Infinity;
    const tStep = step !== null && !step.paused ? step.endS : Infinity;
    const tArrival = next < nq ? queries[next].arrivalS : Infinity;
    // a node's own events go before an arrival at the same time (as the engine orders them)
    if (tPrefill === Infinity && tStep === Infinity && tArrival === Infinity) break;
    if (tPrefill <= tStep && tPrefill <= tArrival) {
      advance(tPrefill);
      finishPrefill();
    } else if (tStep <= tArrival) {
      advance(tStep);
      finishStep();
    } else {
      advance(tArrival);
      arrive(next++);
    }
  }
  if (qHead !== queue.length || active.length !== 0) throw new Error("reference ended with queries left");

  const endS = t;
  const horizonS = opts.untilS ?? endS;
  if (horizonS < endS) throw new RangeError(`untilS ${horizonS} is before the last departure ${endS}`);
  advance(horizonS);
  const gpuIdleJ = G * gpu.idleW * idleS;
  const idleJ = (G * gpu.idleW + hostIdleW + icW) * idleS;
  const results: RefQueryResult[] = queries.map((q, i) => ({
    arrivalS: q.arrivalS,
    inTokens: q.inTokens,
    outTokens: out[i],
    truncated: truncated[i],
    waitedForMemory: waited[i],
    admittedS: admittedS[i],
    prefillStartS: prefillStartS[i],
    firstTokenS: firstTokenS[i],
    departS: departS[i],
    energyJ: prefillJ[i] + decodeJ[i],
    prefillJ: prefillJ[i],
    decodeJ: decodeJ[i],
    waitS: admittedS[i] - q.arrivalS,
    ttftS: firstTokenS[i] - q.arrivalS,
    e2eS: departS[i] - q.arrivalS,
    tpotS: out[i] > 0 ? (departS[i] - firstTokenS[i]) / out[i] : NaN,
  }));
  return {
    queries: results,
    kvCapacityTokens: C,
    endS,
    horizonS,
    busyJ: totalPrefillJ + totalDecodeJ,
    idleJ,
    prefillJ: totalPrefillJ,
    decodeJ: totalDecodeJ,
    gpuBusyJ,
    gpuIdleJ,
    hostJ: hostBusyW * busyS + hostIdleW * idleS,
    interconnectJ: icW * (busyS + idleS),
    busyS,
    idleS,
    kvTokenSeconds,
    activeQuerySeconds,
    maxActive,
    maxReservedTokens: maxReserved,
    truncated: truncated.filter(Boolean).length,
    waitedForMemory,
    steps,
    prefills,
    powerClamped,
  };
}

// ---- helpers for the engine tests: a physical pool on a hand-built scenario, exact arrivals ----

/** A node config from catalog and profile names; `kvCapacityTokens` sets hbmUsableFraction so that C_kv is exactly that. */
export function nodeConfig(opts: { architecture: string; profile: string; precision: Precision; tp: number; kvPrecision?: KvPrecision; kvCapacityTokens?: number; weightBytesPerGpu?: number; kvBytesPerToken?: number }): NodeConfig {
  const model = loadModelSpec(opts.architecture);
  const gpu = loadGpuSpec(opts.profile);
  const base: NodeConfig = { model, gpu, precision: opts.precision, kvPrecision: opts.kvPrecision ?? "bf16", tp: opts.tp, ep: model.moe ? opts.tp : 1 };
  if (opts.kvCapacityTokens === undefined) return base;
  if (opts.weightBytesPerGpu === undefined || opts.kvBytesPerToken === undefined) throw new RangeError("kvCapacityTokens needs the model's weightBytesPerGpu and kvBytesPerToken");
  // half a token of slack above C so the floor lands on C whatever the rounding
  return { ...base, hbmUsableFraction: (opts.weightBytesPerGpu + (opts.kvCapacityTokens + 0.5) * opts.kvBytesPerToken) / gpu.hbmBytes };
}

/** `s` with its pool `poolIndex` made physical (architecture name, config, calibration) and its max_batch set. */
export function withPhysicalPool(s: Scenario, physical: PhysicalNode, maxBatch: number, poolIndex = 0): Scenario {
  return { ...s, pools: s.pools.map((p, i) => (i === poolIndex ? { ...p, physical, maxBatch } : p)) };
}

export function physicalNode(architecture: string, config: NodeConfig, calibration: NodeCalibration): PhysicalNode {
  return { architecture, config, calibration };
}

export interface ExactArrival extends RefQuery {
  readonly classIndex: number;
}

/** The arrivals as the engine's stream (it pulls one at a time). */
export function streamOf(list: readonly ExactArrival[]): ArrivalStream {
  return arrivalStream(list.map((a) => ({ tS: a.arrivalS, classIndex: a.classIndex, inputTokens: a.inTokens, outputTokens: a.outTokens })));
}

/** Relative difference (absolute when b = 0). */
export const rel = (a: number, b: number) => (b === 0 ? Math.abs(a) : Math.abs(a / b - 1));

// ---- the cross-check: what the engine's result must show for arrivals the reference simulated ----

/** YAML of a one-pool scenario with one class per entry of `classes` (lengths only describe the workload: the arrivals replace it). */
export function physicalYaml(opts: { classes: number; durationS: number; warmupS?: number; queriesPerDay?: number; maxBatch?: number; pue?: number; overhead?: number; seed?: number }): string {
  const classes = Array.from({ length: opts.classes }, (_, i) => `    - { name: c${i}, share: ${1 / opts.classes}, input_tokens: { lognormal: { p5: 200, p95: 3000 } }, output_tokens: { exponential: { median: 200 } } }`).join("\n");
  return `
name: physical
seed: ${opts.seed ?? 11}
duration: ${opts.durationS}s
warmup: ${opts.warmupS ?? 0}s
timeseries_interval: 60s
workload:
  queries_per_day: ${opts.queriesPerDay ?? 86_400}
  classes:
${classes}
pools:
  - { name: p, model: Llama 3.1 405B, hardware: h100-sxm-8x, nodes: 1, max_batch: ${opts.maxBatch ?? 256}, router: least-loaded }
facility: { pue: ${opts.pue ?? 1.25}, orchestration_overhead: ${opts.overhead ?? 0.08} }
`;
}

/** Node joules to facility Wh, as the engine reports per-query energy. */
export function facilityWhPerJ(s: Scenario): number {
  return ((1 + s.facility.orchestrationOverhead) * s.facility.pue) / 3600;
}

/** The reference's figures, per class (classIndex of each arrival) and in total, as the engine's result should report them. */
export interface ExpectedFigures {
  readonly perClass: readonly {
    readonly arrived: number;
    readonly completed: number;
    readonly waitSumS: number;
    readonly ttftSumS: number;
    readonly e2eSumS: number;
    readonly e2eMinS: number;
    readonly e2eMaxS: number;
    readonly tpotSumS: number;
    readonly energyWhSum: number;
    readonly prefillWh: number;
    readonly decodeWh: number;
  }[];
  readonly attributedWh: number;
  readonly nodeWh: number;
  readonly gpuBusyWh: number;
  readonly gpuIdleWh: number;
  readonly hostWh: number;
  readonly interconnectWh: number;
  readonly idleNodeWh: number;
  readonly busyNodeSeconds: number;
  readonly activeQuerySeconds: number;
  readonly maxActivePerNode: number;
  readonly physical: { readonly prefillWh: number; readonly kvTokenSeconds: number; readonly kvCapacityTokens: number; readonly waitedForMemory: number; readonly truncated: number };
}

export function expectedFigures(s: Scenario, arrivals: readonly ExactArrival[], ref: RefNodeResult): ExpectedFigures {
  const toFacility = facilityWhPerJ(s);
  const perClass = s.workload.classes.map((_, c) => {
    const qs = ref.queries.filter((_, i) => arrivals[i].classIndex === c);
    const sum = (f: (q: RefQueryResult) => number) => qs.reduce((a, q) => a + f(q), 0);
    return {
      arrived: qs.length,
      completed: qs.length,
      waitSumS: sum((q) => q.waitS),
      ttftSumS: sum((q) => q.ttftS),
      e2eSumS: sum((q) => q.e2eS),
      e2eMinS: Math.min(...qs.map((q) => q.e2eS)),
      e2eMaxS: Math.max(...qs.map((q) => q.e2eS)),
      tpotSumS: sum((q) => (q.outTokens > 0 ? q.tpotS : 0)),
      energyWhSum: sum((q) => q.energyJ * toFacility),
      prefillWh: sum((q) => q.prefillJ * toFacility),
      decodeWh: sum((q) => q.decodeJ * toFacility),
    };
  });
  return {
    perClass,
    attributedWh: ref.busyJ / 3600,
    nodeWh: (ref.busyJ + ref.idleJ) / 3600,
    gpuBusyWh: ref.gpuBusyJ / 3600,
    gpuIdleWh: ref.gpuIdleJ / 3600,
    hostWh: ref.hostJ / 3600,
    interconnectWh: ref.interconnectJ / 3600,
    idleNodeWh: ref.idleJ / 3600,
    busyNodeSeconds: ref.busyS,
    activeQuerySeconds: ref.activeQuerySeconds,
    maxActivePerNode: ref.maxActive,
    physical: { prefillWh: ref.prefillJ / 3600, kvTokenSeconds: ref.kvTokenSeconds, kvCapacityTokens: ref.kvCapacityTokens, waitedForMemory: ref.waitedForMemory, truncated: ref.truncated },
  };
}

/** Every figure of `r` (pool 0, every class) against the reference's, relative 1e-9 (sums of zero: absolute 1e-9). */
export function expectMatches(r: SimResult, e: ExpectedFigures, tol = 1e-9): void {
  const close = (a: number | undefined, b: number, what: string) =>
    expect(a === undefined ? Infinity : b === 0 ? Math.abs(a) : rel(a, b), `${what}: engine ${a}, reference ${b}`).toBeLessThan(tol);
  expect(r.state).toBe("completed");
  expect(r.inFlight).toBe(0);
  e.perClass.forEach((c, i) => {
    const k = r.classes[i];
    expect([k.arrived, k.completed], `class ${i}: arrived, completed`).toEqual([c.arrived, c.completed]);
    close(k.waitS.sum, c.waitSumS, `class ${i}: sum of waits`);
    close(k.ttftS.sum, c.ttftSumS, `class ${i}: sum of TTFT`);
    close(k.e2eS.sum, c.e2eSumS, `class ${i}: sum of e2e`);
    close(k.e2eS.min, c.e2eMinS, `class ${i}: least e2e`);
    close(k.e2eS.max, c.e2eMaxS, `class ${i}: most e2e`);
    close(k.tpotS.sum, c.tpotSumS, `class ${i}: sum of TPOT`);
    close(k.energyWh.sum, c.energyWhSum, `class ${i}: facility Wh of its queries`);
    close(k.prefillWh, c.prefillWh, `class ${i}: prefill facility Wh`);
    close(k.decodeWh, c.decodeWh, `class ${i}: decode facility Wh`);
  });
  const [p] = r.pools;
  close(r.attributedWh, e.attributedWh, "attributed node Wh");
  close(p.gpuBusyWh + p.gpuIdleWh + p.hostWh + p.interconnectWh + p.parkedWh, e.nodeWh, "node Wh");
  close(p.gpuBusyWh, e.gpuBusyWh, "busy GPU Wh");
  close(p.gpuIdleWh, e.gpuIdleWh, "idle GPU Wh");
  close(p.hostWh, e.hostWh, "host Wh");
  close(p.interconnectWh, e.interconnectWh, "interconnect Wh");
  close(p.idleNodeWh, e.idleNodeWh, "idle node Wh");
  close(p.busyNodeSeconds, e.busyNodeSeconds, "busy node-seconds");
  close(p.activeQuerySeconds, e.activeQuerySeconds, "admitted query-seconds");
  expect(p.maxActivePerNode, "most queries on the node").toBe(e.maxActivePerNode);
  expect(p.physical, "physical totals").toBeDefined();
  close(p.physical?.prefillWh, e.physical.prefillWh, "prefill node Wh");
  close(p.physical?.kvTokenSeconds, e.physical.kvTokenSeconds, "KV token-seconds");
  expect(p.physical?.kvCapacityTokens, "KV capacity").toBe(e.physical.kvCapacityTokens);
  expect(p.physical?.waitedForMemory, "waited for memory").toBe(e.physical.waitedForMemory);
  expect(p.physical?.truncated, "truncated").toBe(e.physical.truncated);
}
