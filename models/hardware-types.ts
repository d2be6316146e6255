/** The GPU's active power as a logistic in log2(batch): P_lo + (P_hi - P_lo) sigmoid(k (log2 n - x0)). */
export interface GpuActivePower {
  readonly lowW: number;
  readonly highW: number;
  readonly log2BatchMid: number;
  readonly steepness: number;
}

/** One node's hardware, as a profile file in models/data describes it (all powers in watts). */
export interface HardwareProfile {
  readonly name: string;
  /** GPUs per node (the paper's 8; DeepSeek-R1 is served on a 10-GPU equivalent). */
  readonly gpus: number;
  /** Per GPU, model resident, no queries. */
  readonly gpuIdleW: number;
  readonly gpuActiveW: GpuActivePower;
  /** Whole host (CPUs, DRAM, fans, NICs, NVSwitch) with no query / with queries. */
  readonly hostIdleW: number;
  readonly hostBusyW: number;
  /** This node's share of the network fabric; always on while the node is powered. */
  readonly interconnectW: number;
  /** Drawn by a node the autoscaler switched off. */
  readonly parkedW: number;
  readonly wakeDelayS: number;
  /** b in h(n) = n (b + C) / (C (b + n)); 0 makes h = 1 for every n >= 1. */
  readonly batchHalfSpeed: number;
  /** Prompt tokens per second, for time to first token only. */
  readonly prefillTokensPerS: number;
  /** Throughput relative to the H100 node the throughput table was measured on (1 for H100). */
  readonly tpsMultiplier: number;
  /** Where each value comes from, by field name as written in the profile file. */
  readonly sources: Readonly<Record<string, string>>;
}
