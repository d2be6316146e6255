import { describe, expect, it } from "vitest";
import { knownHardwareProfiles, loadHardwareProfile } from "../models/hardware.ts";
import { loadNodeCalibration } from "../models/node/calibration.ts";
import { knownModels, loadModelSpec, parseModelSpec, type Precision } from "../models/node/catalog.ts";
import { loadGpuSpec, parseGpuSpec } from "../models/node/gpu-spec.ts";
import { buildNodeModel, type KvPrecision } from "../models/node/node-model.ts";
import { predictServing } from "../models/node/serving.ts";

const cal = loadNodeCalibration();
const h100 = loadGpuSpec("h100-sxm-8x");
const node = (model: string, precision: Precision, tp: number, gpu = h100, kvPrecision: KvPrecision = "bf16") => {
  const spec = loadModelSpec(model);
  return buildNodeModel({ model: spec, gpu, precision, kvPrecision, tp, ep: spec.moe ? tp : 1 }, cal);
};

describe("model catalog", () => {
  it("holds the models issue 14 names, each with its sources", () => {
    const names = ["llama-3.1-8b", "llama-3.1-70b", "llama-3.1-405b", "mixtral-8x22b", "deepseek-v3", "deepseek-r1", "qwen3-32b", "qwen3-235b-a22b", "gpt-oss-120b"];
    expect(knownModels()).toEqual(expect.arrayContaining(names));
    for (const name of knownModels()) {
      const m = loadModelSpec(name);
      expect(m.sources.architecture).toMatch(/config/);
      expect(m.paramsActive).toBeLessThanOrEqual(m.paramsTotal);
    }
  });

  it("reads DeepSeek-V3 as MLA with 256 experts, 8 per token, over 58 of 61 layers (its config.json)", () => {
    const m = loadModelSpec("deepseek-v3");
    expect(m.attention).toEqual({ kind: "mla", kvLoraRank: 512, qLoraRank: 1536, ropeHeadDim: 64, nopeHeadDim: 128, vHeadDim: 128 });
    expect(m.moe).toEqual({ layers: 58, experts: 256, expertsPerToken: 8, expertFfnSize: 2048, sharedExperts: 1, sharedExpertFfnSize: 2048 });
  });

  it("rejects a bad file naming the file and the key", () => {
    const doc = { name: "x", hf_id: "o/x", params_total_b: 1, params_active_b: 1, layers: 2, hidden_size: 8, attention_heads: 2, kv_heads: 4, default_precision: "bf16" };
    expect(() => parseModelSpec({ ...doc, attention: { kind: "gqa" } }, "catalog/x.yaml")).toThrow(/catalog\/x\.yaml: key "head_dim" must be a whole number >= 1, got undefined/);
    expect(() => parseModelSpec({ ...doc, layers: 2.5 }, "catalog/x.yaml")).toThrow(/key "layers"/);
    expect(() => parseModelSpec({ ...doc, default_precision: "int4", attention: { kind: "gqa" } }, "catalog/x.yaml")).toThrow(/key "default_precision" must be one of bf16, fp8, fp4, got "int4"/);
  });
});

describe("gpu: blocks of the hardware profiles", () => {
  it("carry the spec sheets (gpu-specs.csv) and every profile still loads", () => {
    expect(h100.flopsPerS).toEqual({ bf16: 989e12, fp8: 1978e12 });
    expect(loadGpuSpec("b200-8x").flopsPerS.fp4).toBe(9000e12);
    expect(loadGpuSpec("h200-sxm-8x").hbmBytesPerS).toBe(4.8e12);
    // the 10-GPU equivalent inherits the H100's block through base:
    expect(loadGpuSpec("h100-sxm-10x-equiv")).toEqual(h100);
    for (const p of knownHardwareProfiles()) expect(loadHardwareProfile(p).name).toBe(p);
  });

  it("rejects a value without a source, naming the key", () => {
    const g = { name: "G", bf16_tflops: 1, hbm_gb: 1, hbm_tb_per_s: 1, nvlink_gb_per_s: 1, idle_w: 50, max_w: 100, sources: {} };
    expect(() => parseGpuSpec(g, "p.yaml")).toThrow(/p\.yaml: key "gpu\.sources\.bf16_tflops"/);
    expect(() => parseGpuSpec({ ...g, idle_w: 200 }, "p.yaml")).toThrow(/gpu\.idle_w/);
  });
});

describe("decode step: physics limits", () => {
  const models = knownModels();
  const gpus = ["h100-sxm-8x", "h200-sxm-8x", "b200-8x"].map((p) => loadGpuSpec(p));

  it("is never faster than reading the weights it needs at the full rated bandwidth", () => {
    for (const name of models) {
      const spec = loadModelSpec(name);
      for (const gpu of gpus) {
        const n = node(name, spec.defaultPrecision === "fp4" ? "fp4" : "bf16", 8, gpu);
        for (const b of [1, 8, 64, 512]) {
          expect(n.decodeStep(b, b * 1000).seconds).toBeGreaterThan(n.weightBytesRead(b) / gpu.hbmBytesPerS);
        }
      }
    }
    // Llama 3.1 8B BF16 on one H100: (8.03e9 - 128256 x 4096 input embedding) x 2 B at 3.35 TB/s = 4.48 ms
    expect(node("llama-3.1-8b", "bf16", 1).decodeStep(1, 1000).seconds).toBeGreaterThan(((8.03e9 - 128256 * 4096) * 2) / 3.35e12);
    expect(node("llama-3.1-8b", "bf16", 1).weightBytesRead(1)).toBeCloseTo((8.03e9 - 128256 * 4096) * 2, -6);
  });

  it("is linear in the resident context K at a given batch", () => {
    const n = node("llama-3.1-70b", "bf16", 4);
    const t = (k: number) => n.decodeStep(64, k).seconds;
    expect(t(200_000) - t(100_000)).toBeCloseTo(t(100_000) - t(0), 12);
    expect((t(100_000) - t(0)) / 100_000).toBeCloseTo(n.secondsPerKvToken, 15);
    // 80 layers x 2 x 8 KV heads x 128 x 2 B / 4 GPUs per token, at the fitted KV bandwidth
    expect(n.secondsPerKvToken).toBeCloseTo((80 * 2 * 8 * 128 * 2) / 4 / (3.35e12 * cal.kvBandwidthFraction), 15);
    expect(t(100_000)).toBeGreaterThan(t(0));
  });

  it("gets faster with HBM bandwidth where memory-bound (70B BF16 batch 1: H200 / H100 between 1 and 4.8 / 3.35)", () => {
    const ratio = node("llama-3.1-70b", "bf16", 8).decodeStep(1, 1000).seconds / node("llama-3.1-70b", "bf16", 8, loadGpuSpec("h200-sxm-8x")).decodeStep(1, 1000).seconds;
    expect(ratio).toBeGreaterThan(1);
    expect(ratio).toBeLessThan(4.8 / 3.35);
  });
});

describe("MoE weights read", () => {
  it("at batch 1 are the active experts only: Mixtral 8x22B reads its 39.15 B active weights, less the input embedding", () => {
    // active 39.152e9 (model-architectures.csv); 32000 x 6144 input embedding looked up, not read
    expect(node("mixtral-8x22b", "bf16", 1).weightBytesRead(1) / 2).toBeCloseTo(39.152e9 - 32000 * 6144, -8);
    // Qwen3-235B-A22B: 22.191e9 active, 151936 x 4096 embedding; within 1 % (the table counts norms apart)
    const q = node("qwen3-235b-a22b", "bf16", 1).weightBytesRead(1) / 2 / (22.191e9 - 151936 * 4096);
    expect(Math.abs(q - 1)).toBeLessThan(0.01);
  });

  it("at large batch approach all of them, and grow with batch as E (1 - (1 - k/E)^B)", () => {
    const n = node("mixtral-8x22b", "bf16", 8);
    const all = ((140.621e9 - 32000 * 6144) * 2) / 8;
    expect(n.weightBytesRead(4096) / all).toBeCloseTo(1, 3);
    // 8 experts, 2 per token: batch 2 touches 8 (1 - (3/4)^2) = 3.5 experts per layer on average
    const perExpert = (3 * 6144 * 16384 * 2 * 56) / 8;
    expect(n.weightBytesRead(2) - n.weightBytesRead(1)).toBeCloseTo((3.5 - 2) * perExpert, -3);
  });
});

describe("KV cache", () => {
  // kv_cache_bytes_per_token_bf16_all_layers_full_len of model-architectures.csv (one GPU, every layer)
  const table: Record<string, number> = {
    "llama-3.1-405b": 516096,
    "llama-3.1-70b": 327680,
    "deepseek-v3": 70272,
    "qwen3-235b-a22b": 192512,
    "gpt-oss-120b": 73728,
    "gemma-3-27b": 507904,
  };

  it.each(Object.entries(table))("%s: KV bytes per token over all layers match the architecture table", (name, bytes) => {
    const n = node(name, loadModelSpec(name).defaultPrecision === "fp4" ? "fp4" : "bf16", 1);
    expect(n.kvBytesPerTokenFull + n.kvBytesPerTokenSliding).toBe(bytes);
  });

  it("shrinks with GQA (Llama 70B: 8 KV heads of 64, 1/8 of full attention) and MLA (DeepSeek-V3: 576 per layer, 1/71 of its 128 heads)", () => {
    expect(node("llama-3.1-70b", "bf16", 1).kvBytesPerTokenFull).toBe((80 * 2 * 64 * 128 * 2) / 8);
    // full attention would keep K (192) and V (128) for each of 128 heads: 61 x 128 x 320 x 2 B per token
    expect((61 * 128 * (192 + 128) * 2) / node("deepseek-v3", "fp8", 1).kvBytesPerTokenFull).toBeCloseTo(71.1, 1);
    // GQA splits over tensor parallel GPUs; vLLM replicates the MLA latent on each
    expect(node("llama-3.1-70b", "bf16", 8).kvBytesPerTokenFull).toBe(327680 / 8);
    expect(node("deepseek-v3", "fp8", 8).kvBytesPerTokenFull).toBe(70272);
  });

  it("Llama 3.1 405B FP8 on 8x H100 leaves about 29 GB per GPU after weights; 256 x 5,500 tokens of FP8 KV need about 45 GB", () => {
    const n = node("llama-3.1-405b", "fp8", 8, h100, "fp8");
    // 80 GB - 405.853e9 weights x 1 B / 8 GPUs = 29.27 GB; the KV pool is that less 10 % of HBM (vLLM's 0.9)
    expect((n.kvBytesFreePerGpu + 0.1 * 80e9) / 1e9).toBeCloseTo(29.27, 2);
    // 126 layers x 2 x 8 KV heads x 128 x 1 B / 8 GPUs = 32,256 B per token per GPU
    expect((256 * 5500 * n.kvBytesPerTokenFull) / 1e9).toBeCloseTo(45.4, 1);
    expect(n.maxBatch(5500)).toBe(Math.floor((0.9 * 80e9 - 405.853e9 / 8) / (5500 * 32256)));
    expect(n.maxBatch(5500)).toBe(119);
    expect(n.maxBatch(5500)).toBeLessThan(256);
  });

  it("at batch 256 and 3,000 tokens of context, 405B FP8 on 8x H100 reads about as many KV bytes as weight bytes (issue 14)", () => {
    const n = node("llama-3.1-405b", "fp8", 8);
    // 256 x 3000 x 64,512 B = 49.5 GB of BF16 KV per GPU against 405.853e9 / 8 = 50.7 GB of FP8 weights
    const kvBytes = n.decodeStep(256, 256 * 3000).bytes - n.weightBytesRead(256);
    expect(kvBytes / 1e9).toBeCloseTo(49.5, 1);
    expect(kvBytes / n.weightBytesRead(256)).toBeGreaterThan(0.95);
    // so decode gets dearer per token as context grows (the regression's opposite)
    expect(n.decodeStep(256, 256 * 6000).seconds).toBeGreaterThan(1.3 * n.decodeStep(256, 256 * 1000).seconds);
  });

  it("Llama 4's chunked layers read the whole context while it fits the 8192-token chunk, at most the chunk beyond", () => {
    const n = node("llama-4-scout-17b-16e", "bf16", 8);
    const t = (k: number) => n.decodeStep(64, k).seconds;
    // linear in K below 64 x 8192 tokens, every layer (12 global, 36 chunked) charged per token
    const slopeIn = (t(64 * 4000) - t(64 * 1000)) / (64 * 3000);
    expect((t(64 * 8000) - t(64 * 4000)) / (64 * 4000)).toBeCloseTo(slopeIn, 15);
    // beyond the chunk only the 12 global layers grow with the context: a quarter of the slope
    expect((t(64 * 20000) - t(64 * 10000)) / (64 * 10000) / slopeIn).toBeCloseTo(12 / 48, 6);
    expect((t(64 * 20000) - t(64 * 10000)) / (64 * 10000)).toBeCloseTo(n.secondsPerKvToken, 15);
  });

  it("fixed times follow architecture traits: shared-expert MoE layers, FP8 by weight-scale class", () => {
    // the catalog records which FP8 checkpoints are block-scaled (from model-architectures.csv)
    expect(loadModelSpec("qwen3-235b-a22b-2507").fp8WeightBlock).toBe(128);
    expect(loadModelSpec("deepseek-v3").fp8WeightBlock).toBe(128);
    expect(loadModelSpec("llama-3.1-405b").fp8WeightBlock).toBeUndefined();
    expect(loadModelSpec("llama-4-maverick-17b-128e").fp8WeightBlock).toBeUndefined();
    // at batch 1 and no context, BF16 against FP8 of the same model differs by the weights read and the FP8 time
    const fp8Time = (model: string) => {
      const b = node(model, "bf16", 8).decodeStep(1, 0).seconds - node(model, "bf16", 8).weightBytesRead(1) / (h100.hbmBytesPerS * cal.bandwidthFraction);
      const f = node(model, "fp8", 8).decodeStep(1, 0).seconds - node(model, "fp8", 8).weightBytesRead(1) / (h100.hbmBytesPerS * cal.bandwidthFraction);
      return f - b;
    };
    expect(fp8Time("qwen3-235b-a22b-2507") / 94).toBeCloseTo(cal.fp8BlockLayerOverheadS, 9);
    expect(fp8Time("llama-3.1-405b") / 126).toBeCloseTo(cal.fp8LayerOverheadS, 9);
    // a shared expert adds its fixed time on every MoE layer that has one: Scout 48, Maverick 24 (interleaved)
    const scout = loadModelSpec("llama-4-scout-17b-16e");
    const noShared = { ...scout, moe: { ...scout.moe!, sharedExperts: 0 } };
    const step = (m: typeof scout) => buildNodeModel({ model: m, gpu: h100, precision: "bf16", kvPrecision: "bf16", tp: 8, ep: 8 }, cal).decodeStep(8, 8000).seconds;
    expect(step(scout) - step(noShared)).toBeCloseTo(48 * cal.sharedExpertLayerOverheadS, 9);
    expect(loadModelSpec("llama-4-maverick-17b-128e").moe!.layers).toBe(24);
  });

  it("gpt-oss sliding layers hold at most their 128-token window per sequence", () => {
    const n = node("gpt-oss-120b", "fp4", 1);
    const perSeq = (ctx: number) => n.kvBytesFreePerGpu / n.maxBatch(ctx);
    // 18 full layers x 2 x 8 x 64 x 2 B = 36,864 B per token; 18 sliding layers add 128 tokens' worth once
    expect(n.kvBytesPerTokenFull).toBe(36864);
    expect(n.maxBatch(10_000)).toBe(Math.floor(n.kvBytesFreePerGpu / (10_000 * 36864 + 128 * 36864)));
    expect(perSeq(10_000)).toBeGreaterThan(10_000 * 36864);
  });
});

describe("power", () => {
  it("is never below idle nor above the GPU's maximum, in decode and prefill", () => {
    for (const p of ["h100-sxm-8x", "h200-sxm-8x", "b200-8x"]) {
      const gpu = loadGpuSpec(p);
      for (const name of ["llama-3.1-8b", "llama-3.1-405b", "deepseek-v3", "gpt-oss-120b"]) {
        const spec = loadModelSpec(name);
        const n = node(name, spec.defaultPrecision === "fp4" ? "fp4" : "fp8", 8, gpu);
        for (const b of [1, 16, 256, 4096]) {
          for (const ctx of [0, 1000, 100_000]) {
            const w = n.powerW(n.decodeStep(b, b * ctx));
            expect(w).toBeGreaterThanOrEqual(gpu.idleW);
            expect(w).toBeLessThanOrEqual(gpu.maxW);
          }
        }
        for (const l of [1, 2048, 100_000]) expect(n.powerW(n.prefill(l))).toBeLessThanOrEqual(gpu.maxW);
      }
    }
  });

  it("rises with batch as the measured H100 runs do (405B FP8 TP8 chat: 408 W at batch 8, 609 W at 256), each within 25 %", () => {
    const n = node("llama-3.1-405b", "fp8", 8);
    // the chat rows' workload: 400-token prompts (assumed), 365-token answers (measured mean)
    const w8 = predictServing(n, cal, 8, 400, 365).gpuW;
    const w256 = predictServing(n, cal, 256, 400, 365).gpuW;
    expect(w256 - w8).toBeGreaterThan(50);
    expect(Math.abs(w8 / 408 - 1)).toBeLessThan(0.25);
    expect(Math.abs(w256 / 609 - 1)).toBeLessThan(0.25);
    // a long prefill keeps the tensor cores busy: hotter than decode at batch 8
    expect(n.powerW(n.prefill(8192))).toBeGreaterThan(n.powerW(n.decodeStep(8, 8000)));
  });
});

describe("prefill", () => {
  it("is compute-bound and quadratic in the prompt through attention", () => {
    const n = node("llama-3.1-70b", "bf16", 8);
    const t = (l: number) => n.prefillInStep(l).seconds;
    // linear part cancels in the second difference; the quadratic part is 2 x heads x head_dim x layers x L^2 / tp FLOPs
    const second = t(40_000) - 2 * t(20_000) + t(0);
    const quadFlops = (((80 * 4 * 64 * 128) / 8) * (40_000 ** 2 - 2 * 20_000 ** 2)) / 2;
    expect(second).toBeCloseTo(quadFlops / (989e12 * cal.prefillFlopsFraction), 6);
    expect(n.prefill(8192).computeS).toBeGreaterThan(0);
  });
});
