import { seededStreams, type StreamFactory } from "../../models/rng.ts";
import { GeneratedArrivals } from "../arrivals/generated.ts";
import type { ArrivalStream } from "../arrivals/stream.ts";
import { arrivalStreamFor } from "../arrivals/trace.ts";
import type { Scenario } from "../scenario/types.ts";
import { Admission } from "./admission.ts";
import { Attribution } from "./attribution.ts";
import { FleetState } from "./fleet-state.ts";
import * as RECORD from "./node-record.ts";
import { NodeLifecycle } from "./node-lifecycle.ts";
import { Observation } from "./observation.ts";
import { PhysicalNodes } from "./physical-node.ts";
import { PowerLedger } from "./power-ledger.ts";
import type { SimProgress, SimResult } from "./result.ts";
import { Service } from "./service.ts";

// Module-level copies: an imported binding is a load from its module cell in the event loop, a local const folds.
const { NI, ON, POOL, REGRESSION, STATE, WAKING } = RECORD;

export interface SimulationOptions {
  /** Replaces the scenario's own arrivals (default: its trace, or its generated workload). */
  readonly arrivals?: ArrivalStream;
  /** Where every random number comes from (default: streams named by the scenario's seed). A shard passes its own. */
  readonly streams?: StreamFactory;
  /** Progress snapshots carry the latency and energy histograms (a shard's, for its parent to merge). Default false. */
  readonly progressHistograms?: boolean;
  /** Wall clock in seconds, injectable for tests. Default performance.now() / 1000. */
  readonly now?: () => number;
}

export interface ProgressOptions {
  /** Called every `progressEveryS` of wall time with a snapshot; returning "stop" ends the run early. */
  readonly onProgress?: (p: SimProgress) => void | "stop";
  /** Default 0.25 s. */
  readonly progressEveryS?: number;
}

export type RunOptions = SimulationOptions & ProgressOptions;

/** What step() handled. */
export const NOTHING = 0;
export const EVENT = 1;
export const TICK = 2;

/**
 * The event loop (docs/design.md, "The event loop"): queries arrive (Poisson, diurnal, or a trace),
 * are routed to nodes of their pool, wait in the pool's queue when every node is at max_batch, and
 * are served by processor sharing; power is integrated exactly between events. The loop only picks
 * the next event and hands it to the room that handles it:
 * arrivals to admission.ts, departures to service.ts and attribution.ts, wakes and autoscaler ticks to
 * node-lifecycle.ts, time-series ticks to observation.ts; power-ledger.ts integrates what they change.
 * Ties: a queued event goes before an arrival at the same time; queued events by (time, sequence).
 */
export class Simulation {
  readonly scenario: Scenario;
  /** Simulated time of the last event handled. */
  clockS = 0;
  events = 0;
  private readonly f: FleetState;
  private readonly service: Service;
  private readonly ledger: PowerLedger;
  private readonly attribution: Attribution;
  private readonly observation: Observation;
  private readonly admission: Admission;
  private readonly lifecycle: NodeLifecycle;
  private readonly physical: PhysicalNodes;
  private readonly endS: number;
  private readonly now: () => number;
  private readonly progressHistograms: boolean;
  /** Whether the warmup is over: energy is counted from then on. */
  private warmedUp: boolean;
  private begun = false;
  /** Whether the run reached its end (the last tick) or ran out of events. */
  private ended = false;
  private wallStartS = 0;
  private result: SimResult | undefined;

  constructor(scenario: Scenario, options: SimulationOptions = {}) {
    this.scenario = scenario;
    const streams = options.streams ?? seededStreams(scenario.seed);
    this.f = new FleetState(scenario, streams);
    this.ledger = new PowerLedger(this.f);
    this.attribution = new Attribution(this.f);
    this.observation = new Observation(scenario, this.f, this.ledger);
    this.physical = new PhysicalNodes(this.f, this.ledger, this.attribution, this.observation, scenario.durationS, scenario.workload.classes.length);
    this.observation.physical = this.physical;
    this.ledger.physical = this.physical;
    this.service = new Service(this.f, this.physical);
    const arrivals = options.arrivals ?? arrivalStreamFor(scenario) ?? new GeneratedArrivals(scenario, streams);
    this.admission = new Admission(scenario, this.f, streams, arrivals, this.service, this.ledger, this.observation, this.physical);
    this.lifecycle = new NodeLifecycle(this.f, this.service, this.ledger, this.admission);
    this.endS = scenario.durationS;
    this.now = options.now ?? (() => performance.now() / 1000);
    this.progressHistograms = options.progressHistograms ?? false;
    this.warmedUp = scenario.warmupS === 0;
  }

  /**
   * Handles the next event if it is due at or before untilS (and the run has not ended): NOTHING when
   * none is, TICK for a time-series tick, EVENT for any other.
   */
  step(untilS = this.endS): number {
    if (!this.begun) this.begin();
    if (this.ended) return NOTHING;
    const ev = this.f.events;
    const queueS = ev.length > 0 ? ev.peekTime() : Infinity;
    const arrivalS = this.admission.nextArrivalS;
    const t = arrivalS < queueS ? arrivalS : queueS;
    if (t > this.endS || t === Infinity) {
      this.ended = true;
      return NOTHING;
    }
    if (t > untilS) return NOTHING;
    this.clockS = t;
    this.events++;
    if (arrivalS < queueS) {
      this.admission.arrive(t);
      return EVENT;
    }
    const slot = ev.peek();
    const f = this.f;
    if (slot < f.nodes) {
      if (f.ni[NI * slot + STATE] === WAKING) this.lifecycle.wakeComplete(slot, t);
      else this.departure(slot, t);
    } else if (slot >= f.autoscaleSlot) this.lifecycle.autoscale(slot - f.autoscaleSlot, t);
    else if (slot === f.tickSlot) {
      this.tick(t);
      if (t >= this.endS) this.ended = true;
      else ev.schedule(f.tickSlot, Math.min(t + this.scenario.timeseriesIntervalS, this.endS));
      return TICK;
    } else {
      ev.cancel(f.warmupSlot);
      this.endWarmup(t);
    }
    return EVENT;
  }

  /**
   * Handles every event due at or before untilS (default: the scenario's end), reporting progress as
   * it goes; "stopped" when onProgress asked to stop, else "reached".
   */
  runUntil(untilS = this.endS, options: ProgressOptions = {}): "reached" | "stopped" {
    if (!this.begun) this.begin();
    const onProgress = options.onProgress;
    const every = options.progressEveryS ?? 0.25;
    let nextProgress = this.now() + every;
    for (;;) {
      const handled = this.step(untilS);
      if (handled === NOTHING) return "reached";
      // a snapshot costs a pass over the nodes: look at the clock only after a tick or every 65,536 events
      if (onProgress && (handled === TICK || (this.events & 0xffff) === 0) && this.now() >= nextProgress) {
        nextProgress = this.now() + every;
        if (onProgress(this.progress()) === "stop") return "stopped";
      }
    }
  }

  /** A snapshot of the run now, as the live view shows it. */
  progress(): SimProgress {
    return this.observation.progress(this.clockS, this.now() - this.wallStartS, this.events, this.progressHistograms);
  }

  /**
   * The run's results: to the scenario's end when it got there, else (stopped) to the last event
   * handled, marked interrupted. Queries still on a node are charged what they drew so far.
   */
  finish(): SimResult {
    // charging the queries in flight is not repeatable: a second call gives the first's result
    if (this.result) return this.result;
    const stopped = !this.ended;
    const stopS = stopped ? this.clockS : this.endS;
    if (stopped && stopS > this.observation.lastTickS) this.tick(stopS);
    const result = this.observation.totals(stopS, this.now() - this.wallStartS, this.events, stopped, this.warmedUp, this.service, this.attribution);
    assertFinite(result, this.scenario);
    this.result = result;
    return result;
  }

  private begin(): void {
    this.begun = true;
    this.wallStartS = this.now();
    const f = this.f;
    const s = this.scenario;
    this.admission.begin();
    f.events.schedule(f.tickSlot, Math.min(s.timeseriesIntervalS, this.endS));
    if (s.warmupS > 0) f.events.schedule(f.warmupSlot, s.warmupS);
    f.pools.forEach((p, i) => p.autoscale && f.events.schedule(f.autoscaleSlot + i, p.autoscale.intervalS));
  }

  /** A time-series row at t: physical nodes' clocks are brought up to t first, so their energy falls in the row it was drawn in. */
  private tick(t: number): void {
    const f = this.f;
    if (f.anyPhysical) for (const p of f.pools) if (p.physical) for (let node = p.first; node < p.first + p.count; node++) this.physical.advance(node, t);
    this.observation.tick(t);
  }

  /** A query finishes on the node at t: it is charged and recorded, and the node takes the next waiting query or serves one fewer. */
  private departure(node: number, t: number): void {
    const f = this.f;
    if (f.anyPhysical && f.poolKind[f.ni[NI * node + POOL]] !== REGRESSION) return this.physical.departure(node, t);
    this.service.advance(node, t);
    f.tags.popMin(node);
    const chargedJ = this.attribution.chargeDeparture(node, this.warmedUp);
    this.observation.departed(f.tags.classIndex, f.tags.arrivalS, t, chargedJ);
    const p = f.pools[f.ni[NI * node + POOL]];
    if (f.ni[NI * node + STATE] !== ON) this.lifecycle.departedOff(node, t);
    else if (p.queue.length > 0) this.admission.admitQueued(p, node, t);
    else {
      this.ledger.moveLevel(node, t, -1);
      p.index.moveDown(node);
    }
    this.service.reschedule(node, t);
  }

  private endWarmup(t: number): void {
    this.ledger.materialize(t);
    for (let node = 0; node < this.f.nodes; node++) {
      this.service.advance(node, t);
      this.attribution.endWarmup(node);
    }
    this.observation.endWarmup(t);
    this.warmedUp = true;
    this.physical.endWarmup();
  }
}

/** Simulates the scenario from start to end, or until onProgress says stop. */
export function simulate(scenario: Scenario, options: RunOptions = {}): SimResult {
  const sim = new Simulation(scenario, options);
  sim.runUntil(scenario.durationS, options);
  return sim.finish();
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
