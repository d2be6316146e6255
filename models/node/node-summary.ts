import { loadHardwareProfile } from "../hardware.ts";
import { loadNodeCalibration, type NodeCalibration } from "./calibration.ts";
import { loadModelSpec, PRECISIONS, type Precision } from "./catalog.ts";
import { loadGpuSpec } from "./gpu-spec.ts";
import { loadMeasuredRows, type MeasuredRow } from "./measurements.ts";
import { buildNodeModel, type KvPrecision, type NodeModel } from "./node-model.ts";

/** What `inferwatt node` asks: a catalog model on a hardware profile, at batches and one context. */
export interface NodeQuery {
  readonly model: string;
  readonly hardware: string;
  /** Default: the model's published precision. */
  readonly precision?: Precision;
  /** Default: the smallest power of two whose KV cache holds the largest batch at the context. */
  readonly tp?: number;
  /** Default bf16 (what vLLM uses unless told). */
  readonly kvPrecision?: KvPrecision;
  readonly batches: readonly number[];
  readonly contextTokens: number;
  readonly promptTokens: number;
}

export interface NodeRow {
  readonly batch: number;
  readonly stepS: number;
  readonly nodeOutputTokensPerS: number;
  readonly gpuW: number;
  readonly nodeW: number;
  readonly jPerTokenGpus: number;
  readonly jPerTokenNode: number;
  readonly fits: boolean;
  /** Shipped measurements of this model, precision, tp and batch (max_num_seqs) on this GPU. */
  readonly measured: readonly MeasuredRow[];
}

export interface NodeSummary {
  readonly model: string;
  readonly hardware: string;
  readonly gpuName: string;
  readonly precision: Precision;
  readonly kvPrecision: KvPrecision;
  readonly tp: number;
  /** Replicas of tp GPUs on the node (the node's other GPUs idle). */
  readonly replicas: number;
  readonly gpus: number;
  /** Weights on one GPU; set when the GPU multiplies them in BF16 (no tensor cores for the precision). */
  readonly weightBytesPerGpu: number;
  readonly weightOnly: boolean;
  /** Tokens of context at `contextTokens` per sequence whose KV cache fits, over the node's replicas. */
  readonly kvCapacityTokens: number;
  readonly maxBatch: number;
  readonly contextTokens: number;
  readonly rows: NodeRow[];
  readonly prefill: { readonly promptTokens: number; readonly seconds: number; readonly nodeInputTokensPerS: number; readonly gpuW: number; readonly nodeW: number; readonly jPerInputTokenNode: number };
}

/** The node's decode rows and prefill, from the catalog, the profile's gpu: block and the calibration. RangeError on bad input. */
export function nodeSummary(q: NodeQuery, cal: NodeCalibration = loadNodeCalibration()): NodeSummary {
  const spec = loadModelSpec(q.model);
  const gpu = loadGpuSpec(q.hardware);
  const profile = loadHardwareProfile(q.hardware);
  const precision = q.precision ?? spec.defaultPrecision;
  const weightOnly = gpu.flopsPerS[precision] === undefined;
  // a precision without tensor cores runs only as the model's own weight-only checkpoint (MXFP4 gpt-oss on Hopper)
  if (weightOnly && precision !== spec.defaultPrecision) {
    const has = PRECISIONS.filter((p) => gpu.flopsPerS[p] !== undefined);
    throw new RangeError(`${q.hardware} (${gpu.name}) has no ${precision.toUpperCase()} tensor cores; precisions it runs: ${has.join(", ")}`);
  }
  const kvPrecision = q.kvPrecision ?? "bf16";
  const build = (tp: number): NodeModel => buildNodeModel({ model: spec, gpu, precision, kvPrecision, tp, ep: spec.moe ? tp : 1 }, cal);
  const largest = Math.max(...q.batches);
  let tp = q.tp;
  if (tp === undefined) {
    const options = [1, 2, 4, 8, 16, 32].filter((t) => t <= profile.gpus && spec.attentionHeads % t === 0);
    tp = options.find((t) => build(t).maxBatch(q.contextTokens) >= largest) ?? [...options].reverse().find((t) => build(t).kvBytesFreePerGpu > 0);
    if (tp === undefined) throw new RangeError(`${q.model} at ${precision} does not fit ${q.hardware}: its weights exceed the HBM of all ${profile.gpus} GPUs`);
  }
  if (tp > profile.gpus) throw new RangeError(`--tp ${tp} is more than the ${profile.gpus} GPUs of ${q.hardware}`);
  if (spec.attentionHeads % tp !== 0) throw new RangeError(`--tp ${tp} does not divide the ${spec.attentionHeads} attention heads of ${q.model}`);
  const node = build(tp);
  if (node.kvBytesFreePerGpu <= 0) {
    throw new RangeError(`${q.model} at ${precision} and tp ${tp} does not fit ${q.hardware}: ${(node.weightBytesPerGpu / 1e9).toFixed(1)} GB of weights per GPU against ${(gpu.hbmBytes / 1e9).toFixed(0)} GB of HBM (90 % usable); raise --tp`);
  }
  const replicas = Math.floor(profile.gpus / tp);
  const idleGpus = profile.gpus - replicas * tp;
  const otherW = idleGpus * gpu.idleW + profile.hostBusyW + profile.interconnectW;
  const maxBatch = node.maxBatch(q.contextTokens);
  const measured = gpu.name.startsWith("H100") ? loadMeasuredRows().filter((r) => r.catalogName === q.model && r.precision === precision && r.tp === tp) : [];

  const rows = q.batches.map((batch): NodeRow => {
    const work = node.decodeStep(batch, batch * q.contextTokens);
    const gpuW = node.powerW(work);
    const nodeOutputTokensPerS = (replicas * batch) / work.seconds;
    const gpusW = replicas * tp * gpuW + idleGpus * gpu.idleW;
    const nodeW = gpusW + profile.hostBusyW + profile.interconnectW;
    return {
      batch,
      stepS: work.seconds,
      nodeOutputTokensPerS,
      gpuW,
      nodeW,
      jPerTokenGpus: gpusW / nodeOutputTokensPerS,
      jPerTokenNode: nodeW / nodeOutputTokensPerS,
      fits: batch <= maxBatch,
      measured: measured.filter((r) => r.maxNumSeqs === batch),
    };
  });
  const pf = node.prefill(q.promptTokens);
  const pfGpuW = node.powerW(pf);
  const nodeInputTokensPerS = (replicas * q.promptTokens) / pf.seconds;
  const pfNodeW = replicas * tp * pfGpuW + otherW;
  return {
    model: q.model,
    hardware: q.hardware,
    gpuName: gpu.name,
    precision,
    kvPrecision,
    tp,
    replicas,
    gpus: profile.gpus,
    weightBytesPerGpu: node.weightBytesPerGpu,
    weightOnly,
    kvCapacityTokens: replicas * node.kvCapacityTokens(q.contextTokens),
    maxBatch,
    contextTokens: q.contextTokens,
    rows,
    prefill: { promptTokens: q.promptTokens, seconds: pf.seconds, nodeInputTokensPerS, gpuW: pfGpuW, nodeW: pfNodeW, jPerInputTokenNode: pfNodeW / nodeInputTokensPerS },
  };
}
