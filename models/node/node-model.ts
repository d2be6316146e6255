import type { ModelSpec, Precision } from "./catalog.ts";
import type { GpuSpec } from "./gpu-spec.ts";
import type { NodeCalibration } from "./calibration.ts";

/** Bytes per weight: MXFP4 is 4-bit values with one 8-bit scale per 32 (OCP Microscaling spec v1.0). */
export const BYTES_PER_PARAM: Readonly<Record<Precision, number>> = { bf16: 2, fp8: 1, fp4: 4.25 / 8 };
export type KvPrecision = "bf16" | "fp8";
export const KV_BYTES: Readonly<Record<KvPrecision, number>> = { bf16: 2, fp8: 1 };
/** Activations moved between GPUs are BF16 (vLLM's all-reduce and MoE dispatch). */
const ACTIVATION_BYTES = 2;
/** vLLM's default gpu_memory_utilization 0.9: the rest of HBM is left to CUDA context, activations and graphs. */
export const HBM_USABLE_FRACTION = 0.9;

/** What the node runs: a catalog model at a precision, sharded over tp GPUs (experts over ep of them). */
export interface NodeConfig {
  readonly model: ModelSpec;
  readonly gpu: GpuSpec;
  readonly precision: Precision;
  readonly kvPrecision: KvPrecision;
  /** Tensor-parallel degree = GPUs of one replica (attention heads and dense weights split tp ways). */
  readonly tp: number;
  /** Expert-parallel degree: > 1 moves tokens to their experts by all-to-all; 1 splits every expert tp ways. */
  readonly ep: number;
  /** Share of HBM the server may fill (weights + KV); default HBM_USABLE_FRACTION. */
  readonly hbmUsableFraction?: number;
}

/** Work of one GPU in one decode step or one prefill. */
export interface GpuWork {
  readonly seconds: number;
  readonly bytes: number;
  readonly flops: number;
}

/**
 * The node's physics, precomputed for one config and calibration: every evaluation below is a few
 * multiplications (the fleet tabulates them). All figures are per GPU unless the name says node.
 */
export interface NodeModel {
  readonly config: NodeConfig;
  /** Weights resident on one GPU. */
  readonly weightBytesPerGpu: number;
  /** KV bytes one token of context costs one GPU in the layers that keep the whole context. */
  readonly kvBytesPerTokenFull: number;
  /** Same, in the sliding-window layers (each sequence keeps at most `window` tokens there). */
  readonly kvBytesPerTokenSliding: number;
  readonly window: number;
  /** HBM left for KV cache on one GPU after weights and the reserve. */
  readonly kvBytesFreePerGpu: number;
  /** Weight bytes one GPU reads in a decode step of `batch` tokens (MoE: the experts they touch). */
  weightBytesRead(batch: number): number;
  /** Decode step of `batch` sequences holding `kvTokens` tokens of context in all: t = a(B) + c K. */
  decodeStep(batch: number, kvTokens: number): GpuWork;
  /** Prefill of one prompt of `promptTokens` tokens alone on the node (weights read once, compute bound). */
  prefill(promptTokens: number): GpuWork;
  /** The compute a prompt adds to a decode step it rides in (chunked prefill: the weights are read anyway). */
  prefillInStep(promptTokens: number): GpuWork;
  /** One GPU's power doing `work`: idle + (max - idle) (p0 + pm u_mem + pf u_flop), at most max. */
  powerW(work: GpuWork): number;
  /** Sequences of `contextTokens` each whose KV cache fits. */
  maxBatch(contextTokens: number): number;
}

export function buildNodeModel(config: NodeConfig, cal: NodeCalibration): NodeModel {
  const { model: m, gpu, precision, kvPrecision, tp, ep } = config;
  const h = m.hiddenSize;
  const moe = m.moe;
  // routed experts: gate, up and down projections of h x f each (SwiGLU)
  const paramsPerExpert = moe ? 3 * h * moe.expertFfnSize : 0;
  const expertParams = moe ? moe.layers * moe.experts * paramsPerExpert : 0;
  const nonExpertParams = m.paramsTotal - expertParams;
  // fp4 is weight-only on the experts of an MoE (gpt-oss keeps attention, router and embeddings in BF16); a dense model is 4-bit throughout
  const expertBpp = BYTES_PER_PARAM[precision];
  const nonExpertBpp = precision === "fp4" && moe ? BYTES_PER_PARAM.bf16 : BYTES_PER_PARAM[precision];
  const embeddingParams = m.vocabSize * h;
  // the input embedding is looked up, not read, each step; the LM head (the same table if tied) is read whole
  const nonExpertReadParams = m.tiedEmbeddings ? nonExpertParams : nonExpertParams - embeddingParams;
  const weightBytesPerGpu = (nonExpertParams * nonExpertBpp + expertParams * expertBpp) / tp;
  const nonExpertReadBytes = (nonExpertReadParams * nonExpertBpp) / tp;
  const expertBytesPerLayerExpert = (paramsPerExpert * expertBpp) / tp;

  // KV cache per token per layer: GQA keeps K and V per KV head; MLA one latent (kv_lora_rank + rope) shared by all heads
  const kvb = KV_BYTES[kvPrecision];
  const a = m.attention;
  const kvPerLayer = a.kind === "mla" ? (a.kvLoraRank + a.ropeHeadDim) * kvb : 2 * m.kvHeads * m.headDim * kvb;
  // GQA splits KV heads over tp (replicated when fewer heads than GPUs); vLLM replicates the MLA latent on every GPU
  const kvShards = a.kind === "mla" ? 1 : Math.min(tp, m.kvHeads);
  const kvBytesPerTokenFull = (m.fullContextKvLayers * kvPerLayer) / kvShards;
  const kvBytesPerTokenSliding = ((m.layers - m.fullContextKvLayers) * kvPerLayer) / kvShards;
  const window = m.slidingWindow ?? 0;

  // attention FLOPs per (query token, context token) per layer: QK^T and AV, 2 FLOPs per multiply-add
  const attnFlopsPerCtx = a.kind === "mla" ? 2 * m.attentionHeads * (2 * a.kvLoraRank + a.ropeHeadDim) : 4 * m.attentionHeads * m.headDim;
  const attnFlopsFullPerGpu = (m.fullContextKvLayers * attnFlopsPerCtx) / tp;
  const attnFlopsSlidingPerGpu = ((m.layers - m.fullContextKvLayers) * attnFlopsPerCtx) / tp;
  // matrix FLOPs per token: 2 per active weight (the input embedding is a lookup)
  const linearFlopsPerToken = (2 * (m.tiedEmbeddings ? m.paramsActive : m.paramsActive - embeddingParams)) / tp;

  const bw = gpu.hbmBytesPerS * cal.bandwidthFraction;
  // a precision the GPU has no tensor cores for runs weight-only: the matrices are multiplied in BF16
  const linearPeak = gpu.flopsPerS[precision] ?? gpu.flopsPerS.bf16!;
  const attnPeak = gpu.flopsPerS.bf16!;
  const linearFlops = linearPeak * cal.flopsFraction;
  const attnFlops = attnPeak * cal.flopsFraction;
  // seconds per token of context, in the layers that read all of it: the slower of reading and multiplying
  const fullCtxS = Math.max(kvBytesPerTokenFull / bw, attnFlopsFullPerGpu / attnFlops);
  const slidingCtxS = Math.max(kvBytesPerTokenSliding / bw, attnFlopsSlidingPerGpu / attnFlops);

  // tensor parallel: an all-reduce of B x h BF16 activations after attention and after each FFN (ring:
  // 2 (n-1)/n of the data crosses each GPU's link). Expert parallel (vLLM 0.11 all-gather dispatch,
  // reduce-scatter combine) moves the same bytes in an MoE layer, at its own latency.
  const moeLayers = moe?.layers ?? 0;
  const useAllToAll = moe !== undefined && ep > 1;
  const allReducesPerStep = tp > 1 ? m.layers + (useAllToAll ? m.layers - moeLayers : m.layers) : 0;
  const commBytesPerToken = tp > 1 ? 2 * m.layers * 2 * ((tp - 1) / tp) * h * ACTIVATION_BYTES : 0;
  const commLatencyS = allReducesPerStep * cal.allReduceS + (useAllToAll ? moeLayers * cal.allToAllS : 0);
  const fixedS = cal.stepOverheadS + m.layers * cal.layerOverheadS + commLatencyS;
  const nvlink = gpu.nvlinkBytesPerS;

  const kvBytesFreePerGpu = gpu.hbmBytes * (config.hbmUsableFraction ?? HBM_USABLE_FRACTION) - weightBytesPerGpu;
  const span = gpu.maxW - gpu.idleW;
  const peakFlopsForPower = linearPeak;

  function weightBytesRead(batch: number): number {
    if (!moe) return nonExpertReadBytes;
    // expected distinct experts that `batch` tokens pick, k each of E, per layer: E (1 - (1 - k/E)^B)
    const touched = moe.experts * (1 - Math.pow(1 - moe.expertsPerToken / moe.experts, batch));
    return nonExpertReadBytes + moeLayers * touched * expertBytesPerLayerExpert;
  }

  function decodeStep(batch: number, kvTokens: number): GpuWork {
    const wBytes = weightBytesRead(batch);
    const matmulS = Math.max(wBytes / bw, (linearFlopsPerToken * batch) / linearFlops);
    // sliding layers: every sequence is taken to hold a full window (contexts at least the window)
    const slidingTokens = batch * window;
    const seconds = fixedS + matmulS + kvTokens * fullCtxS + slidingTokens * slidingCtxS + (batch * commBytesPerToken) / nvlink;
    const bytes = wBytes + kvTokens * kvBytesPerTokenFull + slidingTokens * kvBytesPerTokenSliding;
    const flops = linearFlopsPerToken * batch + kvTokens * attnFlopsFullPerGpu + slidingTokens * attnFlopsSlidingPerGpu;
    return { seconds, bytes, flops };
  }

  function promptFlops(n: number): number {
    // causal attention: token i attends to i tokens, n^2 / 2 pairs in all (sliding layers: at most the window)
    const slidingPairs = window > 0 ? n * Math.min(n, window) - Math.min(n, window) ** 2 / 2 : 0;
    return linearFlopsPerToken * n + attnFlopsFullPerGpu * (n * n) / 2 + attnFlopsSlidingPerGpu * slidingPairs;
  }

  function prefillInStep(promptTokens: number): GpuWork {
    const flops = promptFlops(promptTokens);
    const seconds = flops / (linearPeak * cal.prefillFlopsFraction) + (promptTokens * commBytesPerToken) / nvlink;
    return { seconds, bytes: promptTokens * (kvBytesPerTokenFull + kvBytesPerTokenSliding), flops };
  }

  function prefill(promptTokens: number): GpuWork {
    const inStep = prefillInStep(promptTokens);
    const wBytes = weightBytesRead(promptTokens);
    const seconds = fixedS + Math.max(wBytes / bw, inStep.seconds);
    return { seconds, bytes: wBytes + inStep.bytes, flops: inStep.flops };
  }

  function powerW(work: GpuWork): number {
    const uMem = work.bytes / work.seconds / gpu.hbmBytesPerS;
    const uFlop = work.flops / work.seconds / peakFlopsForPower;
    const p = gpu.idleW + span * (cal.power.base + cal.power.memory * uMem + cal.power.compute * uFlop);
    return Math.min(gpu.maxW, Math.max(gpu.idleW, p));
  }

  function maxBatch(contextTokens: number): number {
    const perSeq = contextTokens * kvBytesPerTokenFull + Math.min(contextTokens, window) * kvBytesPerTokenSliding;
    return kvBytesFreePerGpu <= 0 ? 0 : Math.floor(kvBytesFreePerGpu / perSeq);
  }

  return {
    config,
    weightBytesPerGpu,
    kvBytesPerTokenFull,
    kvBytesPerTokenSliding,
    window,
    kvBytesFreePerGpu,
    weightBytesRead,
    decodeStep,
    prefill,
    prefillInStep,
    powerW,
    maxBatch,
  };
}
