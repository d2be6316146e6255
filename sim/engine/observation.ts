import { LogHistogram } from "../stats/log-histogram.ts";
import { ARRIVAL_S, STRIDE } from "../fleet/query-slots.ts";
import type { Scenario } from "../scenario/types.ts";
import type { Attribution } from "./attribution.ts";
import type { FleetState } from "./fleet-state.ts";
import { SUM, SUM_COUNT, type PowerLedger } from "./power-ledger.ts";
import type { ClassTotals, PoolTotals, SimProgress, SimResult, TimeseriesRow } from "./result.ts";
import type { PhysicalNodes } from "./physical-node.ts";
import type { Service } from "./service.ts";

/**
 * What a run shows of itself: per class counters and streaming histograms (wait, time to first token,
 * end-to-end latency, attributed energy), the time series, the progress snapshots, and the totals at
 * the end. Queries that arrived during the warmup are served but not counted.
 */
export class Observation {
  readonly energyWh: LogHistogram[];
  readonly waitS: LogHistogram[];
  readonly ttftS: LogHistogram[];
  readonly e2eS: LogHistogram[];
  readonly tpotS: LogHistogram[];
  /** Per class, facility Wh charged to completed queries of physical pools for prefill and for decode. */
  private readonly classPrefillWh: Float64Array;
  private readonly classDecodeWh: Float64Array;
  private readonly classArrived: Float64Array;
  private readonly classCompleted: Float64Array;
  /** Node joules to facility watt-hours: x (1 + orchestration overhead) x PUE / 3600. */
  private readonly facilityPerJ: number;
  private readonly warmupS: number;
  arrived = 0;
  completed = 0;
  private tickArrived = 0;
  private tickCompleted = 0;
  readonly timeseries: TimeseriesRow[] = [];
  /** The physical pools' room (set by the simulation): their prefill energy, KV and memory counts. */
  physical: PhysicalNodes | undefined;
  lastTickS = 0;
  private readonly lastTickIntegral: Float64Array;

  constructor(
    private readonly scenario: Scenario,
    private readonly f: FleetState,
    private readonly ledger: PowerLedger,
  ) {
    const nc = scenario.workload.classes.length;
    this.energyWh = Array.from({ length: nc }, () => new LogHistogram());
    this.waitS = Array.from({ length: nc }, () => new LogHistogram());
    this.ttftS = Array.from({ length: nc }, () => new LogHistogram());
    this.e2eS = Array.from({ length: nc }, () => new LogHistogram());
    this.tpotS = Array.from({ length: nc }, () => new LogHistogram());
    this.classPrefillWh = new Float64Array(nc);
    this.classDecodeWh = new Float64Array(nc);
    this.classArrived = new Float64Array(nc);
    this.classCompleted = new Float64Array(nc);
    this.facilityPerJ = ((1 + scenario.facility.orchestrationOverhead) * scenario.facility.pue) / 3600;
    this.warmupS = scenario.warmupS;
    this.lastTickIntegral = new Float64Array(f.pools.length * SUM_COUNT);
  }

  arrival(classIndex: number, t: number): void {
    if (t >= this.warmupS) {
      this.arrived++;
      this.tickArrived++;
      this.classArrived[classIndex]++;
    }
  }

  /** A query starts on a node at t: its wait, and its time to first token (wait + prefill at the profile's rate). */
  started(classIndex: number, arrivalS: number, t: number, inputTokens: number, prefillTokensPerS: number): void {
    if (arrivalS >= this.warmupS) {
      const waitS = t - arrivalS;
      this.waitS[classIndex].record(waitS);
      this.ttftS[classIndex].record(waitS + inputTokens / prefillTokensPerS);
    }
  }

  /** A query starts on a physical node at t: its wait, and its time to first token (the end of its prefill). */
  startedPhysical(classIndex: number, arrivalS: number, t: number, firstTokenS: number): void {
    if (arrivalS >= this.warmupS) {
      this.waitS[classIndex].record(t - arrivalS);
      this.ttftS[classIndex].record(firstTokenS - arrivalS);
    }
  }

  /** A query departs a physical node at t, charged chargedJ of which prefillJ for its prefill; tpotS per output token after the first. */
  departedPhysical(classIndex: number, arrivalS: number, t: number, chargedJ: number, prefillJ: number, tpotS: number): void {
    if (arrivalS >= this.warmupS) {
      this.departed(classIndex, arrivalS, t, chargedJ);
      this.tpotS[classIndex].record(tpotS);
      this.classPrefillWh[classIndex] += prefillJ * this.facilityPerJ;
      this.classDecodeWh[classIndex] += (chargedJ - prefillJ) * this.facilityPerJ;
    }
  }

  /** A query departs at t, charged chargedJ at its node. */
  departed(classIndex: number, arrivalS: number, t: number, chargedJ: number): void {
    if (arrivalS >= this.warmupS) {
      this.energyWh[classIndex].record(chargedJ * this.facilityPerJ);
      this.e2eS[classIndex].record(t - arrivalS);
      this.classCompleted[classIndex]++;
      this.completed++;
      this.tickCompleted++;
    }
  }

  /** At the warmup's end: the time series' first interval starts. */
  endWarmup(t: number): void {
    this.lastTickS = t;
    this.lastTickIntegral.set(this.ledger.integrals);
  }

  /** A row of the time series: counts over the interval ending at t, and mean power by component. */
  tick(t: number): void {
    const ledger = this.ledger;
    ledger.materialize(t);
    const from = Math.max(this.lastTickS, this.warmupS);
    if (t > from) {
      const dt = t - from;
      const avg = (c: number) => {
        let s = 0;
        for (let i = 0; i < this.f.pools.length; i++) {
          const r = i * SUM_COUNT + c;
          s += ledger.integrals[r] - this.lastTickIntegral[r];
        }
        return s / dt;
      };
      let queued = 0;
      for (const p of this.f.pools) queued += p.queue.length;
      this.timeseries.push({
        tS: t,
        arrivals: this.tickArrived,
        completed: this.tickCompleted,
        activeQueries: ledger.fleetSum(SUM.activeQueries),
        queuedQueries: queued,
        nodesOn: ledger.fleetSum(SUM.nodesOn),
        busyNodes: ledger.fleetSum(SUM.busyNodes),
        nodesParked: ledger.fleetSum(SUM.parkedNodes),
        nodesWaking: ledger.fleetSum(SUM.wakingNodes),
        gpuBusyMw: avg(SUM.gpuBusyMw),
        gpuIdleMw: avg(SUM.gpuIdleMw),
        hostMw: avg(SUM.hostMw),
        interconnectMw: avg(SUM.interconnectMw),
        parkedMw: avg(SUM.parkedMw),
      });
    }
    this.tickArrived = 0;
    this.tickCompleted = 0;
    this.lastTickS = t;
    this.lastTickIntegral.set(ledger.integrals);
  }

  private physicalTotals(pi: number) {
    const ph = this.physical!;
    return {
      prefillWh: ph.prefillJ(pi) / 3600,
      kvTokenSeconds: ph.kvTokenSeconds(pi),
      kvCapacityTokens: this.f.pools[pi].physical!.capacityTokens,
      waitedForMemory: ph.waitedForMemory[pi],
      truncated: ph.truncated[pi],
    };
  }

  private lastProgressS = 0;
  private lastProgressBookedJ = 0;
  private lastDynamicW = 0;

  /** Physical nodes' dynamic GPU power (booked as energy, not held as a running sum): its mean since the last snapshot. */
  private dynamicPowerW(t: number): number {
    if (!this.f.anyPhysical) return 0;
    const j = this.ledger.bookedTotalJ();
    if (t > this.lastProgressS) {
      this.lastDynamicW = (j - this.lastProgressBookedJ) / (t - this.lastProgressS);
      this.lastProgressS = t;
      this.lastProgressBookedJ = j;
    }
    return this.lastDynamicW;
  }

  /** The live view's phase split (facility Wh so far) and KV fill now, when a pool is physical. */
  private physicalProgress(facilityEnergyWh: number): SimProgress["physical"] {
    const ph = this.physical!;
    const ledger = this.ledger;
    let prefillJ = 0;
    let idleMwS = 0;
    let kv = 0;
    let capacity = 0;
    this.f.pools.forEach((p, pi) => {
      idleMwS += ledger.integrals[pi * SUM_COUNT + SUM.idleNodeMw];
      if (!p.physical) return;
      prefillJ += ph.prefillJ(pi);
      const fill = ph.kvNow(pi);
      kv += fill.tokens;
      capacity += fill.capacity;
    });
    const prefillWh = prefillJ * this.facilityPerJ;
    const idleWh = (idleMwS / 1000) * this.facilityPerJ;
    return { prefillWh, idleWh, decodeWh: Math.max(0, facilityEnergyWh - prefillWh - idleWh), kvFill: capacity > 0 ? kv / capacity : 0 };
  }

  /** A snapshot at simulated time t for the live view; `withHistograms` for a shard's (merged by its parent). */
  progress(t: number, wallS: number, events: number, withHistograms: boolean): SimProgress {
    const ledger = this.ledger;
    ledger.materialize(t);
    const toFacility = this.facilityPerJ * 3600;
    const component = (c: number) => ledger.fleetSum(c) / 1000;
    const powerByComponentW = {
      gpuBusy: component(SUM.gpuBusyMw) + this.dynamicPowerW(t),
      gpuIdle: component(SUM.gpuIdleMw),
      host: component(SUM.hostMw),
      interconnect: component(SUM.interconnectMw),
      parked: component(SUM.parkedMw),
    };
    const powerW =
      powerByComponentW.gpuBusy + powerByComponentW.gpuIdle + powerByComponentW.host + powerByComponentW.interconnect + powerByComponentW.parked;
    let nodeMwS = 0;
    for (let i = 0; i < this.f.pools.length; i++) {
      const r = i * SUM_COUNT;
      const g = ledger.integrals;
      nodeMwS += g[r + SUM.gpuBusyMw] + g[r + SUM.gpuIdleMw] + g[r + SUM.hostMw] + g[r + SUM.interconnectMw] + g[r + SUM.parkedMw];
    }
    const facilityEnergyWh = (nodeMwS / 1000 / 3600) * toFacility;
    const simulatedS = t - this.warmupS;
    const e2e = new LogHistogram();
    const energy = new LogHistogram();
    for (let c = 0; c < this.e2eS.length; c++) {
      e2e.merge(this.e2eS[c]);
      energy.merge(this.energyWh[c]);
    }
    const sum = (pi: number, c: number) => ledger.sums[pi * SUM_COUNT + c];
    return {
      scenario: this.scenario.name,
      simS: t,
      durationS: this.scenario.durationS,
      warmupS: this.warmupS,
      wallS,
      arrived: this.arrived,
      completed: this.completed,
      inFlight: ledger.fleetSum(SUM.activeQueries) + this.f.queries.inUse,
      events,
      powerW,
      powerByComponentW,
      facilityPowerW: powerW * toFacility,
      facilityEnergyWh,
      projectedGwhPerDay: simulatedS > 0 ? (facilityEnergyWh / 1e9) * (86_400 / simulatedS) : 0,
      pools: this.scenario.pools.map((sp, i) => ({
        name: sp.name,
        nodes: sp.nodes,
        nodesOn: sum(i, SUM.nodesOn),
        nodesParked: sum(i, SUM.parkedNodes),
        nodesWaking: sum(i, SUM.wakingNodes),
        maxBatch: sp.maxBatch,
        activeQueries: sum(i, SUM.activeQueries),
        queuedQueries: this.f.pools[i].queue.length,
      })),
      e2eP50S: e2e.quantile(0.5),
      e2eP99S: e2e.quantile(0.99),
      whPerQueryP50: energy.quantile(0.5),
      whPerQueryMean: energy.mean(),
      facilityMwSeries: this.timeseries.map(
        (row) => ((row.gpuBusyMw + row.gpuIdleMw + row.hostMw + row.interconnectMw + row.parkedMw) / 1e9) * toFacility,
      ),
      ...(this.f.anyPhysical ? { physical: this.physicalProgress(facilityEnergyWh) } : {}),
      ...(withHistograms ? { histograms: { e2eS: e2e, energyWh: energy } } : {}),
    };
  }

  /**
   * The run's totals at stopS: every sum integrated to then, and queries still on a node charged what
   * they drew so far (so the ledger balances), counted in flight with those still queued.
   */
  totals(stopS: number, wallS: number, events: number, stopped: boolean, warmedUp: boolean, service: Service, attribution: Attribution): SimResult {
    const f = this.f;
    const ledger = this.ledger;
    // clocks first: a physical node books its energy as they advance
    for (let node = 0; node < f.nodes; node++) service.advance(node, stopS);
    ledger.materialize(stopS);
    let inFlight = 0;
    for (let node = 0; node < f.nodes; node++) {
      for (let k = 0; k < f.tags.sizeOf(node); k++) {
        if (warmedUp) attribution.chargeInFlight(node, k);
        if (f.tags.arrivalAt(node, k) >= this.warmupS) inFlight++;
      }
    }
    for (const p of f.pools)
      for (let k = 0; k < p.queue.length; k++) if (f.queries.data[p.queue.at(k) * STRIDE + ARRIVAL_S] >= this.warmupS) inFlight++;

    const pools: PoolTotals[] = this.scenario.pools.map((sp, i) => {
      const r = i * SUM_COUNT;
      const whOf = (c: number) => ledger.integrals[r + c] / 1000 / 3600;
      return {
        name: sp.name,
        nodes: sp.nodes,
        gpuBusyWh: whOf(SUM.gpuBusyMw),
        gpuIdleWh: whOf(SUM.gpuIdleMw),
        hostWh: whOf(SUM.hostMw),
        interconnectWh: whOf(SUM.interconnectMw),
        parkedWh: whOf(SUM.parkedMw),
        idleNodeWh: whOf(SUM.idleNodeMw),
        saturatedWh: whOf(SUM.saturatedMw),
        activeQuerySeconds: ledger.integrals[r + SUM.activeQueries],
        speedNodeSeconds: ledger.integrals[r + SUM.speedMicro] / 1e6,
        busyNodeSeconds: ledger.integrals[r + SUM.busyNodes],
        nodeSecondsOn: ledger.integrals[r + SUM.nodesOn],
        nodeSecondsParked: ledger.integrals[r + SUM.parkedNodes],
        nodeSecondsWaking: ledger.integrals[r + SUM.wakingNodes],
        maxActivePerNode: ledger.maxLevelReached(i),
        ...(f.pools[i].physical ? { physical: this.physicalTotals(i) } : {}),
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
      tpotS: this.tpotS[i],
      prefillWh: this.classPrefillWh[i],
      decodeWh: this.classDecodeWh[i],
    }));
    return {
      state: stopped ? "interrupted" : "completed",
      simulatedS: Math.max(0, stopS - this.warmupS),
      arrived: this.arrived,
      completed: this.completed,
      inFlight,
      attributedWh: attribution.attributedJ / 3600,
      pools,
      classes,
      timeseries: this.timeseries,
      events,
      wallS,
    };
  }
}
