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
  /** Expert-parallel degree: > 1 places whole experts on GPUs (at most tp); 1 splits every expert tp ways. Same bytes per GPU either way. */
  readonly ep: number;
  /** Share of HBM the server may fill (weights + KV); default HBM_USABLE_FRACTION. */
  readonly hbmUsableFraction?: number;
}

/** Work of one GPU in one decode step or one prefill. */
export interface GpuWork {
  readonly seconds: number;
  readonly bytes: number;
  readonly flops: number;
  /** Of `seconds`: in kernels bound by HBM traffic (bytes / achieved bandwidth). */
  readonly memoryS: number;
  /** Of `seconds`: in kernels bound by tensor math (FLOPs / achieved FLOP/s). */
  readonly computeS: number;
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
  /**
   * c of t(B, K) = a(B) + c K: seconds per token of resident context (the fleet solves t for K). With sliding or
   * chunked layers this is the slope once every sequence exceeds the window (K > B x window); below, those
   * layers add their own per-token time (t stays linear in K there, with one kink at B x window).
   */
  readonly secondsPerKvToken: number;
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
  /**
   * One GPU's power doing `work`: idle + (max - idle) (base + memory t_mem / t + compute F / (t F_peak)), at
   * most max: t_mem = bytes / achieved bandwidth of the HBM-bound kernels, F / t the achieved FLOP/s; the
   * terms are linear in the achieved bytes/s and FLOP/s.
   */
  powerW(work: GpuWork): number;
  /** Sequences of `contextTokens` each whose KV cache fits. */
  maxBatch(contextTokens: number): number;
  /** Tokens of context (in sequences of `contextTokens`) whose KV cache fits on the replica. */
  kvCapacityTokens(contextTokens: number): number;
}

export function buildNodeModel(config: NodeConfig, cal: NodeCalibration): NodeModel {
  const { model: m, gpu, precision, kvPrecision, tp, ep } = config;
  if (!Number.isInteger(tp) || tp < 1) throw new RangeError(`tensor-parallel degree must be a whole number >= 1, got ${tp}`);
  // experts spread over GPUs of the tensor-parallel group; ep > tp (data-parallel attention) is not modelled
  if (!Number.isInteger(ep) || ep < 1 || ep > tp || tp % ep !== 0) throw new RangeError(`expert-parallel degree must divide the tensor-parallel degree ${tp}, got ${ep}`);
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
  const kvBw = gpu.hbmBytesPerS * cal.kvBandwidthFraction;
  // a precision the GPU has no tensor cores for runs weight-only: dequantized in the kernel, multiplied in BF16
  const weightOnly = gpu.flopsPerS[precision] === undefined;
  const linearPeak = gpu.flopsPerS[precision] ?? gpu.flopsPerS.bf16!;
  const attnPeak = gpu.flopsPerS.bf16!;
  const gemmFlops = linearPeak * cal.flopsFraction * (weightOnly ? cal.weightOnlyFlopsFactor : 1);
  const expertFlops = gemmFlops * cal.expertFlopsFactor;
  const attnFlops = attnPeak * cal.flopsFraction;
  // seconds per token of context, in the layers that read all of it: the slower of reading and multiplying
  const fullCtxMemS = kvBytesPerTokenFull / kvBw;
  const fullCtxS = Math.max(fullCtxMemS, attnFlopsFullPerGpu / attnFlops);
  const slidingCtxMemS = kvBytesPerTokenSliding / kvBw;
  const slidingCtxS = Math.max(slidingCtxMemS, attnFlopsSlidingPerGpu / attnFlops);
  // matrix FLOPs per token split as the weights are: routed experts apart (small grouped GEMMs)
  const expertFlopsPerToken = moe ? (2 * moe.layers * moe.expertsPerToken * paramsPerExpert) / tp : 0;
  const denseFlopsPerToken = linearFlopsPerToken - expertFlopsPerToken;

  // tensor parallel: an all-reduce of B x h BF16 activations after attention and after each FFN (ring:
  // 2 (n-1)/n of the data crosses each GPU's link). Expert parallel within one tensor-parallel group
  // (vLLM, data parallel 1): every GPU already holds every token, runs its own experts on them, and the
  // combine is the same all-reduce; so EP changes which weights a GPU holds, not the traffic.
  const moeLayers = moe?.layers ?? 0;
  const allReducesPerStep = tp > 1 ? 2 * m.layers : 0;
  const commBytesPerToken = tp > 1 ? allReducesPerStep * 2 * ((tp - 1) / tp) * h * ACTIVATION_BYTES : 0;
  const commLatencyS = allReducesPerStep * cal.allReduceS;
  // FP8 weights with dynamic per-token activation scales (vLLM W8A8) quantize the activations before each layer's GEMMs
  const fp8Activations = precision === "fp8" && gpu.flopsPerS.fp8 !== undefined;
  // block-scaled checkpoints (128 x 128) quantize activations per group of 128 and run block-scaled GEMMs: a kernel class of their own
  const fp8QuantS = fp8Activations ? m.layers * (m.fp8WeightBlock !== undefined ? cal.fp8BlockLayerOverheadS : cal.fp8LayerOverheadS) : 0;
  // time the GPU waits (launch gaps, synchronisation, routing bookkeeping) rather than streams or multiplies;
  // an MoE layer with shared experts runs them as a separate MLP beside the routed experts (more small kernels)
  const sharedExpertLayers = moe && moe.sharedExperts > 0 ? moeLayers : 0;
  const fixedS = cal.stepOverheadS + m.layers * cal.layerOverheadS + moeLayers * cal.moeLayerOverheadS + sharedExpertLayers * cal.sharedExpertLayerOverheadS + commLatencyS;
  const nvlink = gpu.nvlinkBytesPerS;

  const kvBytesFreePerGpu = gpu.hbmBytes * (config.hbmUsableFraction ?? HBM_USABLE_FRACTION) - weightBytesPerGpu;
  const span = gpu.maxW - gpu.idleW;

  function weightBytesRead(batch: number): number {
    if (!moe) return nonExpertReadBytes;
    // expected distinct experts that `batch` tokens pick, k each of E, per layer: E (1 - (1 - k/E)^B)
    const touched = moe.experts * (1 - Math.pow(1 - moe.expertsPerToken / moe.experts, batch));
    return nonExpertReadBytes + moeLayers * touched * expertBytesPerLayerExpert;
  }

  function decodeStep(batch: number, kvTokens: number): GpuWork {
    // each GEMM is bound by its weights or its math, whichever is slower: dense part and experts apart
    const expertBytes = weightBytesRead(batch) - nonExpertReadBytes;
    const denseMemS = nonExpertReadBytes / bw;
    const denseMathS = (denseFlopsPerToken * batch) / gemmFlops;
    const expertMemS = expertBytes / bw;
    const expertMathS = (expertFlopsPerToken * batch) / expertFlops;
    // sliding (or chunked) layers read each sequence's context up to the window: min(K, B x window) in all
    // (linear in K while the sequences fit their window, as every measured context fits Llama 4's 8192 chunk;
    // constant beyond, as gpt-oss's 128-token window)
    const slidingTokens = Math.min(kvTokens, batch * window);
    const kvMemS = kvTokens * fullCtxMemS + slidingTokens * slidingCtxMemS;
    const kvS = kvTokens * fullCtxS + slidingTokens * slidingCtxS;
    const kvMathBound = kvS > kvMemS;
    // per-sequence work (sampling, per-sequence attention setup) and activation quantization are small
    // memory-bound kernels: they count as HBM-bound time for power
    const smallKernelsS = batch * cal.sequenceOverheadS + fp8QuantS;
    const memoryS = smallKernelsS + (denseMemS >= denseMathS ? denseMemS : 0) + (expertMemS >= expertMathS ? expertMemS : 0) + (kvMathBound ? 0 : kvS);
    const computeS = (denseMathS > denseMemS ? denseMathS : 0) + (expertMathS > expertMemS ? expertMathS : 0) + (kvMathBound ? kvS : 0);
    const seconds = fixedS + smallKernelsS + Math.max(denseMemS, denseMathS) + Math.max(expertMemS, expertMathS) + kvS + (batch * commBytesPerToken) / nvlink;
    const bytes = nonExpertReadBytes + expertBytes + kvTokens * kvBytesPerTokenFull + slidingTokens * kvBytesPerTokenSliding;
    const flops = linearFlopsPerToken * batch + kvTokens * attnFlopsFullPerGpu + slidingTokens * attnFlopsSlidingPerGpu;
    return { seconds, bytes, flops, memoryS, computeS };
  }

  function promptFlops(n: number): number {
    // causal attention: token i attends to i tokens, n^2 / 2 pairs in all (sliding layers: at most the window)
    const slidingPairs = window > 0 ? n * Math.min(n, window) - Math.min(n, window) ** 2 / 2 : 0;
    return linearFlopsPerToken * n + attnFlopsFullPerGpu * (n * n) / 2 + attnFlopsSlidingPerGpu * slidingPairs;
  }

  function prefillInStep(promptTokens: number): GpuWork {
    const flops = promptFlops(promptTokens);
    const computeS = flops / (linearPeak * cal.prefillFlopsFraction * (weightOnly ? cal.weightOnlyFlopsFactor : 1));
    const seconds = computeS + (promptTokens * commBytesPerToken) / nvlink;
    return { seconds, bytes: promptTokens * (kvBytesPerTokenFull + kvBytesPerTokenSliding), flops, memoryS: 0, computeS };
  }

  function prefill(promptTokens: number): GpuWork {
    const inStep = prefillInStep(promptTokens);
    const wBytes = weightBytesRead(promptTokens);
    const memS = wBytes / bw;
    const seconds = fixedS + fp8QuantS + Math.max(memS, inStep.seconds);
    const bound = memS > inStep.seconds;
    return { seconds, bytes: wBytes + inStep.bytes, flops: inStep.flops, memoryS: bound ? memS : 0, computeS: bound ? 0 : inStep.computeS };
  }

  /** Streaming HBM and multiplying draw power above a waiting GPU; tensor cores in proportion to the FLOP/s achieved. */
  function powerW(work: GpuWork): number {
    const p = gpu.idleW + span * (cal.power.base + (cal.power.memory * work.memoryS) / work.seconds + (cal.power.compute * work.flops) / (work.seconds * linearPeak));
    return Math.min(gpu.maxW, Math.max(gpu.idleW, p));
  }

  function maxBatch(contextTokens: number): number {
    const perSeq = contextTokens * kvBytesPerTokenFull + Math.min(contextTokens, window) * kvBytesPerTokenSliding;
    return kvBytesFreePerGpu <= 0 ? 0 : Math.floor(kvBytesFreePerGpu / perSeq);
  }

  function kvCapacityTokens(contextTokens: number): number {
    const perToken = kvBytesPerTokenFull + (kvBytesPerTokenSliding * Math.min(contextTokens, window)) / contextTokens;
    return kvBytesFreePerGpu <= 0 ? 0 : Math.floor(kvBytesFreePerGpu / perToken);
  }

  return {
    config,
    weightBytesPerGpu,
    kvBytesPerTokenFull,
    kvBytesPerTokenSliding,
    window,
    secondsPerKvToken: fullCtxS,
    kvBytesFreePerGpu,
    weightBytesRead,
    decodeStep,
    prefill,
    prefillInStep,
    powerW,
    maxBatch,
    kvCapacityTokens,
  };
}
