import { ENERGY_QUANTILES, LATENCY_QUANTILES, LogHistogram, quantiles } from "../stats/log-histogram.ts";
import type { ClassTotals, SimResult } from "../engine/result.ts";
import type { Scenario } from "../scenario/types.ts";

const DAY_S = 86_400;

function merged(classes: readonly ClassTotals[], pickHist: (c: ClassTotals) => LogHistogram): LogHistogram {
  const h = new LogHistogram();
  for (const c of classes) h.merge(pickHist(c));
  return h;
}

function latency(wait: LogHistogram, ttft: LogHistogram, e2e: LogHistogram, tpot: LogHistogram) {
  return {
    wait: quantiles(wait, LATENCY_QUANTILES),
    ttft: quantiles(ttft, LATENCY_QUANTILES),
    e2e: quantiles(e2e, LATENCY_QUANTILES),
    /** Time per output token (physical pools only): null when no query of a physical pool completed. */
    tpot: tpot.count > 0 ? quantiles(tpot, LATENCY_QUANTILES) : null,
  };
}

/** Time mean of resident KV tokens over KV capacity, over busy node time; null when there was none. */
const kvFill = (kvTokenSeconds: number, capacityTokenSeconds: number) => (capacityTokenSeconds > 0 ? kvTokenSeconds / capacityTokenSeconds : null);

const sum = <T>(xs: readonly T[], f: (x: T) => number) => xs.reduce((s, x) => s + f(x), 0);

/** summary.json: the keys docs/design.md ("Results") names (tools rely on them), plus the ledger and per-pool figures. */
export function buildSummary(scenario: Scenario, r: SimResult, timing: { peakRssMb: number; shards?: number }) {
  const { pue, orchestrationOverhead } = scenario.facility;
  const gpuBusyWh = sum(r.pools, (p) => p.gpuBusyWh);
  const gpuIdleWh = sum(r.pools, (p) => p.gpuIdleWh);
  const hostWh = sum(r.pools, (p) => p.hostWh);
  const interconnectWh = sum(r.pools, (p) => p.interconnectWh);
  const parkedWh = sum(r.pools, (p) => p.parkedWh);
  const nodeWh = gpuBusyWh + gpuIdleWh + hostWh + interconnectWh + parkedWh;
  const itWh = nodeWh * (1 + orchestrationOverhead);
  const facilityWh = itWh * pue;
  const toFacility = (1 + orchestrationOverhead) * pue;
  const saturatedWh = sum(r.pools, (p) => p.saturatedWh);
  const nodeSecondsOn = sum(r.pools, (p) => p.nodeSecondsOn);
  const energy = merged(r.classes, (c) => c.energyWh);
  const idleWh = sum(r.pools, (p) => p.idleNodeWh) * toFacility;
  // pools on the physical node (models/node): prefill energy, KV memory
  const physical = r.pools.flatMap((p) => (p.physical ? [{ pool: p, totals: p.physical }] : []));
  const prefillWh = sum(physical, (x) => x.totals.prefillWh) * toFacility;
  return {
    scenario: scenario.name,
    seed: scenario.seed,
    state: r.state,
    simulated_s: r.simulatedS,
    queries: {
      arrived: r.arrived,
      completed: r.completed,
      in_flight: r.inFlight,
      /** Physical pools: queries that queued while a serving node had batch room (KV memory held them back), and queries whose output was cut to fit KV capacity. */
      waited_for_memory: sum(physical, (x) => x.totals.waitedForMemory),
      truncated: sum(physical, (x) => x.totals.truncated),
    },
    energy: {
      facility_wh: facilityWh,
      it_wh: itWh,
      node_wh: nodeWh,
      gwh_per_day: r.simulatedS > 0 ? (facilityWh / 1e9) * (DAY_S / r.simulatedS) : 0,
      /** Facility energy over the paper's formula (P(C) x work, no PUE) for the work done: its beta x PUE. */
      overhead_factor: saturatedWh > 0 ? facilityWh / saturatedWh : null,
      by_component: {
        gpu_busy_wh: gpuBusyWh,
        gpu_idle_wh: gpuIdleWh,
        host_wh: hostWh,
        interconnect_wh: interconnectWh,
        parked_wh: parkedWh,
        orchestration_wh: nodeWh * orchestrationOverhead,
        cooling_and_power_wh: itWh * (pue - 1),
      },
      /** At the facility boundary: energy charged to queries (completed and in flight) plus energy of idle nodes. */
      ledger: {
        attributed_wh: r.attributedWh * toFacility,
        idle_wh: idleWh,
      },
      /**
       * At the facility boundary, with a physical pool (else null): prefill + decode + idle = facility_wh.
       * Idle is the ledger's idle energy; decode is the rest (busy energy of regression pools counts as decode).
       */
      by_phase:
        physical.length > 0 ? { prefill_wh: prefillWh, decode_wh: facilityWh - prefillWh - idleWh, idle_wh: idleWh } : null,
    },
    per_query_wh: {
      attributed: quantiles(energy, ENERGY_QUANTILES),
      all_in_mean: r.completed > 0 ? facilityWh / r.completed : null,
    },
    per_class: Object.fromEntries(
      r.classes.map((c) => [
        c.name,
        {
          arrived: c.arrived,
          completed: c.completed,
          per_query_wh: quantiles(c.energyWh, ENERGY_QUANTILES),
          /** Facility Wh charged for prefill and for decode on physical pools, over all the class's completed queries. */
          per_query_wh_by_phase:
            physical.length > 0 && c.completed > 0 ? { prefill_mean: c.prefillWh / c.completed, decode_mean: c.decodeWh / c.completed } : null,
          latency_s: latency(c.waitS, c.ttftS, c.e2eS, c.tpotS),
        },
      ]),
    ),
    latency_s: latency(
      merged(r.classes, (c) => c.waitS),
      merged(r.classes, (c) => c.ttftS),
      merged(r.classes, (c) => c.e2eS),
      merged(r.classes, (c) => c.tpotS),
    ),
    utilization: {
      mean_active_per_node: nodeSecondsOn > 0 ? sum(r.pools, (p) => p.activeQuerySeconds) / nodeSecondsOn : 0,
      mean_h: nodeSecondsOn > 0 ? sum(r.pools, (p) => p.speedNodeSeconds) / nodeSecondsOn : 0,
      busy_node_fraction: nodeSecondsOn > 0 ? Math.min(1, sum(r.pools, (p) => p.busyNodeSeconds) / nodeSecondsOn) : 0,
      /** Most queries on one node at once (after the warmup), over all pools. */
      max_active_per_node: Math.max(0, ...r.pools.map((p) => p.maxActivePerNode)),
      /** Physical pools: resident KV tokens over KV capacity, time mean over busy nodes; null without a physical pool. */
      kv_fill_mean: physical.length > 0 ? kvFill(sum(physical, (x) => x.totals.kvTokenSeconds), sum(physical, (x) => x.totals.kvCapacityTokens * x.pool.busyNodeSeconds)) : null,
    },
    /** Time-averaged node counts: on (serving or draining), parked by the autoscaler, waking up. */
    fleet: {
      nodes: sum(r.pools, (p) => p.nodes),
      nodes_on_mean: r.simulatedS > 0 ? nodeSecondsOn / r.simulatedS : 0,
      nodes_parked_mean: r.simulatedS > 0 ? sum(r.pools, (p) => p.nodeSecondsParked) / r.simulatedS : 0,
      nodes_waking_mean: r.simulatedS > 0 ? sum(r.pools, (p) => p.nodeSecondsWaking) / r.simulatedS : 0,
    },
    pools: Object.fromEntries(
      r.pools.map((p) => [
        p.name,
        {
          nodes: p.nodes,
          node_wh: p.gpuBusyWh + p.gpuIdleWh + p.hostWh + p.interconnectWh + p.parkedWh,
          nodes_on_mean: r.simulatedS > 0 ? p.nodeSecondsOn / r.simulatedS : 0,
          mean_active_per_node: p.nodeSecondsOn > 0 ? p.activeQuerySeconds / p.nodeSecondsOn : 0,
          mean_h: p.nodeSecondsOn > 0 ? p.speedNodeSeconds / p.nodeSecondsOn : 0,
          busy_node_fraction: p.nodeSecondsOn > 0 ? Math.min(1, p.busyNodeSeconds / p.nodeSecondsOn) : 0,
          max_active_per_node: p.maxActivePerNode,
          // physical pools only
          ...(p.physical
            ? {
                kv_fill_mean: kvFill(p.physical.kvTokenSeconds, p.physical.kvCapacityTokens * p.busyNodeSeconds),
                prefill_wh: p.physical.prefillWh * toFacility,
                kv_capacity_tokens: p.physical.kvCapacityTokens,
              }
            : {}),
        },
      ]),
    ),
    sim: {
      events: r.events,
      wall_s: r.wallS,
      queries_per_wall_s: r.wallS > 0 ? r.arrived / r.wallS : null,
      peak_rss_mb: timing.peakRssMb,
      /** Shards the fleet was split into and run in parallel (1: one simulation). */
      shards: timing.shards ?? 1,
    },
  };
}

export type Summary = ReturnType<typeof buildSummary>;

/** Fields that depend on the machine and moment, not the scenario and seed. */
export const TIMING_FIELDS = ["wall_s", "queries_per_wall_s", "peak_rss_mb"] as const;
