import type { LogHistogram } from "../stats/log-histogram.ts";

export interface TimeseriesRow {
  readonly tS: number;
  readonly arrivals: number;
  readonly completed: number;
  readonly activeQueries: number;
  readonly queuedQueries: number;
  readonly nodesOn: number;
  readonly busyNodes: number;
  readonly nodesParked: number;
  readonly nodesWaking: number;
  /** Mean power over the interval ending at tS, per component, mW. */
  readonly gpuBusyMw: number;
  readonly gpuIdleMw: number;
  readonly hostMw: number;
  readonly interconnectMw: number;
  readonly parkedMw: number;
}

export interface PoolTotals {
  readonly name: string;
  readonly nodes: number;
  readonly gpuBusyWh: number;
  readonly gpuIdleWh: number;
  readonly hostWh: number;
  readonly interconnectWh: number;
  readonly parkedWh: number;
  readonly idleNodeWh: number;
  readonly saturatedWh: number;
  readonly activeQuerySeconds: number;
  readonly speedNodeSeconds: number;
  readonly busyNodeSeconds: number;
  readonly nodeSecondsOn: number;
  readonly nodeSecondsParked: number;
  readonly nodeSecondsWaking: number;
  /** Most queries on one node at once (after the warmup). */
  readonly maxActivePerNode: number;
  /** The physical node's figures; undefined for a pool on the paper's regression. */
  readonly physical?: PhysicalPoolTotals;
}

/** What a physical pool adds to its totals (docs/design.md, "The physical node"). */
export interface PhysicalPoolTotals {
  /** Node energy while prefilling (whole node: GPUs at prefill power, host, interconnect), Wh; the rest of busy energy is decode. */
  readonly prefillWh: number;
  /** Time integral of resident KV tokens summed over nodes (token-seconds). */
  readonly kvTokenSeconds: number;
  /** KV cache one node holds, in tokens of full-context layers. */
  readonly kvCapacityTokens: number;
  /** Queries that entered the queue while some serving node was below max_batch (memory, not batch, held them back). */
  readonly waitedForMemory: number;
  /** Queries whose output was cut so that prompt + output fit the node's KV capacity (a server's max_model_len). */
  readonly truncated: number;
}

export interface ClassTotals {
  readonly name: string;
  readonly arrived: number;
  readonly completed: number;
  /** Per completed query: attributed energy at the facility boundary, Wh. */
  readonly energyWh: LogHistogram;
  readonly waitS: LogHistogram;
  readonly ttftS: LogHistogram;
  readonly e2eS: LogHistogram;
  /** Time per output token, (e2e - ttft) / output tokens: queries served by physical pools only (empty otherwise). */
  readonly tpotS: LogHistogram;
  /** Facility Wh charged to the class's completed queries for prefill and for decode (physical pools; 0 otherwise). */
  readonly prefillWh: number;
  readonly decodeWh: number;
}

export interface PoolProgress {
  readonly name: string;
  readonly nodes: number;
  readonly nodesOn: number;
  readonly nodesParked: number;
  readonly nodesWaking: number;
  readonly maxBatch: number;
  readonly activeQueries: number;
  readonly queuedQueries: number;
}

/** A snapshot while a run goes on: what the live view and the progress lines show. Plain data (posted between threads). */
export interface SimProgress {
  readonly scenario: string;
  readonly simS: number;
  readonly durationS: number;
  readonly warmupS: number;
  readonly wallS: number;
  readonly arrived: number;
  readonly completed: number;
  readonly inFlight: number;
  readonly events: number;
  /** Node (IT, before orchestration overhead and PUE) power right now, W, and its components. */
  readonly powerW: number;
  readonly powerByComponentW: {
    readonly gpuBusy: number;
    readonly gpuIdle: number;
    readonly host: number;
    readonly interconnect: number;
    readonly parked: number;
  };
  /** Facility power = node power x (1 + orchestration overhead) x PUE, right now, W. */
  readonly facilityPowerW: number;
  /** Facility energy since warmup, Wh, and that scaled to a day. */
  readonly facilityEnergyWh: number;
  readonly projectedGwhPerDay: number;
  readonly pools: readonly PoolProgress[];
  /** Over queries completed so far (NaN before the first). */
  readonly e2eP50S: number;
  readonly e2eP99S: number;
  readonly whPerQueryP50: number;
  readonly whPerQueryMean: number;
  /** Mean facility power of each finished time-series interval so far, MW (for a sparkline). */
  readonly facilityMwSeries: readonly number[];
  /** With physical pools: facility Wh so far by phase, and resident KV tokens / KV capacity of the busy physical nodes now. */
  readonly physical?: { readonly prefillWh: number; readonly decodeWh: number; readonly idleWh: number; readonly kvFill: number };
  /** A shard's progress only: its latency and energy histograms, so that shards' quantiles merge exactly. */
  readonly histograms?: { readonly e2eS: LogHistogram; readonly energyWh: LogHistogram };
}

/** What a run produced, before it is written as summary.json (engine units: Wh, seconds). */
export interface SimResult {
  readonly state: "completed" | "interrupted";
  /** Simulated time after warmup. */
  readonly simulatedS: number;
  readonly arrived: number;
  readonly completed: number;
  readonly inFlight: number;
  /** Node energy charged to queries (completed and in flight), before overhead and PUE. */
  readonly attributedWh: number;
  readonly pools: readonly PoolTotals[];
  readonly classes: readonly ClassTotals[];
  readonly timeseries: readonly TimeseriesRow[];
  readonly events: number;
  readonly wallS: number;
}
