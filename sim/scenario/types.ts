import type { Diurnal } from "../../models/diurnal.ts";
import type { HardwareProfile } from "../../models/hardware-types.ts";
import type { LengthSpec } from "../../models/lengths.ts";
import type { TpsModel } from "../../models/throughput.ts";
import type { NodeCalibration } from "../../models/node/calibration.ts";
import type { NodeConfig } from "../../models/node/node-model.ts";

// the day's shape is a workload model (models/diurnal.ts); a scenario holds one
export type { Diurnal } from "../../models/diurnal.ts";

export interface QueryClass {
  readonly name: string;
  readonly share: number;
  readonly inputTokens: LengthSpec;
  readonly outputTokens: LengthSpec;
}

export type RouterKind = "least-loaded" | "power-of-two" | "round-robin" | "random";

export interface Pool {
  readonly name: string;
  readonly modelName: string;
  readonly tps: TpsModel;
  readonly hardware: HardwareProfile;
  /** Share of each class's queries sent to this pool, by class name (0 when absent). */
  readonly classShares: Readonly<Record<string, number>>;
  readonly maxBatch: number;
  readonly router: RouterKind;
  /** Physical nodes of the pool (with an autoscaler: its maximum). */
  readonly nodes: number;
  /** Absent: every node is on all the time. */
  readonly autoscale?: Autoscale;
  /**
   * Present: the pool runs the physical node (models/node: prefill, decode at batch and context, KV memory)
   * instead of the paper's regression; `tps` is then only what sizing and the autoscaler's demand estimate use.
   * Plain data (it crosses to worker threads); the engine builds the node model from it.
   */
  readonly physical?: PhysicalNode;
}

/** A pool's physical node: a catalog architecture at a precision on the profile's GPUs, one replica per node. */
export interface PhysicalNode {
  /** Catalog name (models/data/catalog/<architecture>.yaml). */
  readonly architecture: string;
  /** Model spec, GPU spec (the profile's gpu: block), precisions and tensor-parallel degree (= the profile's GPUs per node). */
  readonly config: NodeConfig;
  readonly calibration: NodeCalibration;
}

/**
 * Every `intervalS` the autoscaler sets the nodes to keep on: the work that arrived over the last
 * interval (node-seconds at full batch per second) / targetUtilization x (1 + reserve), within [min, max].
 */
export interface Autoscale {
  readonly targetUtilization: number;
  readonly reserve: number;
  readonly min: number;
  readonly max: number;
  readonly intervalS: number;
  /** Time from the decision to wake a parked node to its first query (default: the hardware profile's). */
  readonly wakeDelayS: number;
}

/** A scenario after validation, defaults and resolution: every number known, every name looked up. */
export interface Scenario {
  readonly name: string;
  readonly seed: number;
  readonly durationS: number;
  readonly warmupS: number;
  readonly timeseriesIntervalS: number;
  readonly workload: {
    readonly queriesPerDay: number;
    readonly diurnal: Diurnal;
    readonly classes: readonly QueryClass[];
    /**
     * Present: arrivals replay this trace instead of being generated. queriesPerDay is then the
     * replay's mean rate, diurnal is none, and each class's share and lengths summarise the trace
     * rows it matches (for sizing); every query's lengths come from its own row.
     */
    readonly trace?: TraceReplay;
  };
  readonly pools: readonly Pool[];
  readonly facility: { readonly pue: number; readonly orchestrationOverhead: number };
  readonly efficiency: { readonly model: number; readonly serving: number };
  readonly replications: number;
  /** Uncertain numbers and the values this run took, by key path (absent when there are none). */
  readonly uncertain?: Readonly<Record<string, number>>;
  /** 0: uncertain numbers at their medians; r >= 1: replication r. */
  readonly replication?: number;
  /** Present: this scenario is one shard of a larger one (sim/scenario/shard.ts). */
  readonly shard?: { readonly index: number; readonly count: number };
}

/** Token counts a trace row must have to belong to a class (inclusive; absent: unbounded). */
export interface LengthMatch {
  readonly minInputTokens?: number;
  readonly maxInputTokens?: number;
  readonly minOutputTokens?: number;
  readonly maxOutputTokens?: number;
}

/** workload.trace resolved: an Azure LLM inference trace CSV replayed as the arrivals. */
export interface TraceReplay {
  /** Absolute path of the CSV (`TIMESTAMP,ContextTokens,GeneratedTokens`). */
  readonly file: string;
  readonly format: "azure-llm";
  /** Multiplies the trace's inter-arrival times: 0.1 replays it ten times denser. */
  readonly timeScale: number;
  /** Repetitions back to back, each starting periodS after the one before. */
  readonly loop: number;
  /** Trace seconds skipped after the first row's timestamp; simulated time 0 is this point of the trace. */
  readonly startAtS: number;
  /** Per class, in order: what its rows look like (null: any row). The first class that matches a row takes it. */
  readonly match: readonly (LengthMatch | null)[];
  /** Measured when the scenario was loaded: rows replayed per repetition. */
  readonly rows: number;
  /** Simulated seconds between the starts of two repetitions: (span after start_at + mean gap) x timeScale. */
  readonly periodS: number;
}
