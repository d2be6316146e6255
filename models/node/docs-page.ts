import type { NodeCalibration } from "./calibration.ts";
import { loadModelSpec, type Precision } from "./catalog.ts";
import { loadGpuSpec } from "./gpu-spec.ts";
import { buildNodeModel } from "./node-model.ts";
import { HELD_BACK_MODELS, METRICS, summarize, type ErrorRow, type ErrorTable, type Metric, type Split } from "./error-table.ts";
import { ASSUMED_PROMPT_TOKENS } from "./measurements.ts";

/** The node model's accuracy targets: median absolute error and share of rows within 25 %, per split. */
export const TARGETS = { medianAbs: 0.1, within25: 0.9 } as const;

const METRIC_NAME: Record<Metric, string> = {
  itl: "ITL p50 (vs decode step)",
  tps: "output tokens/s",
  gpuW: "W per GPU",
  jPerToken: "J per output token",
};
/** The metrics the targets name (throughput is reported, not targeted). */
export const TARGET_METRICS: readonly Metric[] = ["itl", "gpuW", "jPerToken"];

/** Why the rows of a model are off, where it is understood (shown beside the worst rows). */
export function knownReason(row: ErrorRow["row"]): string {
  const id = row.modelId;
  if (row.multimodal) return "image/video tokens and the vision encoder's time are not modelled; prompt length a guess";
  if (id.includes("Llama-4")) return "Llama 4: shared-expert MoE layers (their fixed time is fitted on these rows alone) and chunked attention; within the spread of the fit";
  if (id.includes("405B") && row.precision === "fp8") return "405B FP8 at batch 128-256: steps slower than its weights, FP8 GEMMs and the small per-channel FP8 time give (FP8 GEMMs below the fitted FLOP/s fraction at 126 layers?)";
  if (id.includes("gpt-oss")) return "MXFP4 experts dequantized in Triton kernels on Hopper and attention sinks: one weight-only factor for all batches";
  if (id.includes("FP8") && id.includes("Qwen3")) return "block-scaled FP8 MoE: one time per layer for every batch and tensor-parallel degree (over at tp8, under at tp4)";
  if (id.includes("30B-A3B") || id.includes("Coder-30B")) return "small MoE (128 experts of 768): grouped-GEMM cost at tp2 not captured by one per-layer overhead";
  if (row.task === "sourcegraph-fim") return "prompt length assumed (2,000 tokens); prefill dominates this task";
  return "within the spread of the fit (no single cause found)";
}

const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
const signed = (x: number) => `${x >= 0 ? "+" : ""}${(100 * x).toFixed(0)} %`;
const fix = (x: number, d: number) => x.toFixed(d);

function summaryTable(rows: readonly ErrorRow[], splits: readonly Split[]): string[] {
  const out = ["| split | metric | rows | median abs. error | 90th percentile | within 25 % | worst | worst row |", "|---|---|---:|---:|---:|---:|---:|---|"];
  for (const split of splits) {
    const rs = rows.filter((r) => r.split === split);
    for (const m of METRICS) {
      const s = summarize(rs, m);
      out.push(`| ${split} | ${METRIC_NAME[m]} | ${s.rows} | ${pct(s.medianAbs)} | ${pct(s.p90Abs)} | ${pct(s.within25)} | ${pct(s.worstAbs)} | ${s.worstId} |`);
    }
  }
  return out;
}

function meanError(rows: readonly ErrorRow[], metric: Metric): number {
  return rows.reduce((s, r) => s + r.error[metric], 0) / Math.max(1, rows.length);
}

function targetLines(rows: readonly ErrorRow[], splits: readonly Split[] = ["fitted", "held-back"]): string[] {
  const out: string[] = [];
  for (const split of splits) {
    const rs = rows.filter((r) => r.split === split);
    for (const m of TARGET_METRICS) {
      const s = summarize(rs, m);
      const med = s.medianAbs <= TARGETS.medianAbs;
      const share = s.within25 >= TARGETS.within25;
      out.push(
        `- ${split}, ${METRIC_NAME[m]}: median ${pct(s.medianAbs)} (${med ? "met" : "**not met**"}), ` +
          `${pct(s.within25)} of rows within 25 % (${share ? "met" : "**not met**"})`,
      );
    }
  }
  return out;
}

function worstRows(rows: readonly ErrorRow[], n: number): string[] {
  const text = rows.filter((r) => r.split !== "multimodal");
  const score = (r: ErrorRow) => Math.max(...TARGET_METRICS.map((m) => Math.abs(r.error[m])));
  const worst = [...text].sort((a, b) => score(b) - score(a)).slice(0, n);
  return [
    "| row | split | ITL | W/GPU | J/token | reason |",
    "|---|---|---:|---:|---:|---|",
    ...worst.map((r) => `| ${r.row.id} | ${r.split} | ${signed(r.error.itl)} | ${signed(r.error.gpuW)} | ${signed(r.error.jPerToken)} | ${knownReason(r.row)} |`),
  ];
}

function fullTable(rows: readonly ErrorRow[]): string[] {
  return [
    "| row | split | batch | ITL ms meas. | pred. | tok/s meas. | pred. | W/GPU meas. | pred. | J/tok meas. | pred. |",
    "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ...rows.map((r) => {
      const p = r.predicted;
      const m = r.row;
      return `| ${m.id} | ${r.split} | ${fix(m.batch, 0)} | ${fix(m.itlP50S * 1e3, 1)} | ${fix(p.itlP50S * 1e3, 1)} | ${fix(m.outputTokensPerS, 0)} | ${fix(p.outputTokensPerS, 0)} | ${fix(m.gpuW, 0)} | ${fix(p.gpuW, 0)} | ${fix(m.jPerOutputToken, 3)} | ${fix(p.jPerOutputToken, 3)} |`;
    }),
  ];
}

/** Spec-sheet predictions on the three GPUs (tp 8, 2,048 tokens of context, BF16 KV): nothing of H200 or B200 was fitted. */
function specSheetTable(cal: NodeCalibration): string[] {
  const cases: [string, Precision][] = [["llama-3.1-70b", "bf16"], ["llama-3.1-405b", "fp8"], ["deepseek-v3", "fp8"], ["qwen3-235b-a22b", "bf16"]];
  const profiles = ["h100-sxm-8x", "h200-sxm-8x", "b200-8x"];
  const out = ["| model | precision | GPU | largest batch | step ms at 1 / 64 / 256 | J per output token (8 GPUs) at 1 / 64 / 256 |", "|---|---|---|---:|---:|---:|"];
  for (const [name, precision] of cases) {
    const spec = loadModelSpec(name);
    for (const p of profiles) {
      const gpu = loadGpuSpec(p);
      const n = buildNodeModel({ model: spec, gpu, precision, kvPrecision: "bf16", tp: 8, ep: spec.moe ? 8 : 1 }, cal);
      if (n.kvBytesFreePerGpu <= 0) {
        out.push(`| ${name} | ${precision} | ${gpu.name} | does not fit | | |`);
        continue;
      }
      const steps = [1, 64, 256].map((b) => n.decodeStep(b, b * 2048));
      const j = steps.map((w, i) => (8 * n.powerW(w) * w.seconds) / [1, 64, 256][i]);
      out.push(`| ${name} | ${precision} | ${gpu.name} | ${n.maxBatch(2048)} | ${steps.map((w) => (w.seconds * 1e3).toFixed(1)).join(" / ")} | ${j.map((x) => x.toPrecision(3)).join(" / ")} |`);
    }
  }
  return out;
}

/** docs/node-model.md, entirely generated (npm run calibrate writes it; a test checks it is current). */
export function renderNodeModelDoc(cal: NodeCalibration, table: ErrorTable): string {
  const rows = table.rows;
  const count = (s: Split) => rows.filter((r) => r.split === s).length;
  const f = (x: number, d = 3) => x.toPrecision(d);
  const us = (s: number) => `${(s * 1e6).toFixed(1)} µs`;
  const lines = [
    "# A node from first principles",
    "",
    "<!-- Generated by npm run calibrate (scripts/calibrate.ts, models/node/docs-page.ts); test/node-calibration.test.ts checks it is current. Do not edit by hand. -->",
    "",
    "Beside the paper's regression node (`models/throughput.ts`, `models/power.ts`, unchanged), `models/node/`",
    "predicts what one replica of any catalog model does on any GPU with a spec sheet: the time of a decode",
    "step, of a prefill, the KV cache that fits, and the power the GPUs draw. `inferwatt node` prints it.",
    "",
    "## What is measured and what is modelled",
    "",
    "- **Facts** (not fitted): the architecture of each model (`models/data/catalog/*.yaml`, from the models'",
    "  `config.json` files via `models/data/mlenergy-v3/model-architectures.csv`) and each GPU's spec sheet",
    "  (the `gpu:` block of `models/data/<profile>.yaml`: dense TFLOP/s per precision, HBM GB and TB/s,",
    "  NVLink GB/s, idle and maximum W).",
    "- **Fitted** (`models/data/node-calibration.json`, by `npm run calibrate`): efficiency factors, fitted on",
    "  the ML.ENERGY v3 H100 measurements (`models/data/mlenergy-v3/`, vLLM 0.11.1) and nothing else. H200 and",
    "  B200 are predicted from their spec sheets with the H100 factors: no measurement of them is in the fit.",
    "- **Assumed**: the measurements do not publish prompt lengths. Mean prompt tokens per task:",
    ...Object.entries(ASSUMED_PROMPT_TOKENS).map(([task, a]) => `  - \`${task}\`: ${a.tokens} (${a.why})`),
    "  The context a running sequence holds, averaged over its life (long answers stay longer), is",
    "  I + E[O^2] / 2E[O] = I + O (1 + cv^2) / 2 for output lengths of mean O and coefficient of variation cv.",
    "  The runs do not publish cv, so `context_output_factor` = (1 + cv^2) / 2 is fitted with the rest (a",
    `  nuisance parameter of the measurements, not of the node): ${cal.contextOutputFactor.toFixed(3)}, cv = ${Math.sqrt(Math.max(0, 2 * cal.contextOutputFactor - 1)).toFixed(2)}.`,
    "  The KV cache is BF16 (no KV dtype was set in the runs).",
    "",
    "## How a node is modelled",
    "",
    "Per GPU of a replica at tensor parallel `tp` (dense weights and attention heads split `tp` ways, experts",
    "spread over the same GPUs), precomputed once per (model, GPU, precision, tp), so that each evaluation is",
    "a handful of multiplications:",
    "",
    "- **Weights read per decode step**: the non-expert weights (the input embedding is looked up, not read),",
    "  and for MoE, per MoE layer, the expected number of distinct experts `B` tokens choose, `E (1 - (1 - k/E)^B)`",
    "  (`k` experts per token of `E`): `k` at batch 1, all `E` at large batch. Bytes per weight: BF16 2, FP8 1,",
    "  FP4 4.25/8 (MXFP4: 4 bits and one 8-bit scale per 32; for MoE only the experts are 4-bit, as in gpt-oss).",
    "- **KV bytes per token**: GQA `2 x kv_heads x head_dim x bytes` per layer, split over `min(tp, kv_heads)`",
    "  GPUs; MLA `(kv_lora_rank + rope_dim) x bytes` per layer, replicated on every GPU (as vLLM does);",
    "  sliding-window and chunked-attention layers (gemma 3, gpt-oss, Llama 4's 3 of 4 local layers) hold at most",
    "  the window (chunk) per sequence, and the whole context while it is shorter.",
    "- **Decode step** `t(B, K) = a(B) + c K` at batch `B` with `K` tokens of context resident: for the dense",
    "  GEMMs and the expert GEMMs apart, the slower of reading their weights at `bandwidth_fraction x HBM B/s` and",
    "  their FLOPs (`2 x active weights x B`) at `flops_fraction x dense FLOP/s` (expert GEMMs",
    "  `x expert_flops_factor`; weights in a precision without tensor cores, MXFP4 on Hopper, are dequantized and",
    "  multiplied in BF16 `x weight_only_flops_factor`); plus `K` times the slower of reading a token's KV at",
    "  `kv_bandwidth_fraction x HBM B/s` and its attention FLOPs (in sliding or chunked layers `min(K, B x window)`",
    "  tokens: `K` while the sequences fit their window, as every measured Llama 4 context fits its 8192 chunk);",
    "  plus the fixed times: per step, per layer, per MoE layer (routing, sorting tokens by expert), per MoE layer",
    "  with shared experts (the shared expert is a separate MLP, its small kernels launched beside the routed",
    "  experts: applied to every model with `shared_experts > 0`), per FP8 layer by kernel class (weights scaled per channel:",
    "  dynamic per-token activation quantization; in 128 x 128 blocks, `fp8_weight_block` in the catalog (Qwen3",
    "  FP8, DeepSeek): per-group activation quantization and block-scaled GEMMs), per",
    "  running sequence (sampling, bookkeeping), and two all-reduces per layer when `tp > 1` (a latency each,",
    "  plus `2 (tp-1)/tp x B x hidden x 2 bytes` over NVLink). Expert parallelism within the tensor-parallel",
    "  group moves the same bytes (every GPU holds every token; the combine is an all-reduce).",
    "- **Prefill** of `L` prompt tokens: `2 x active weights x L` FLOPs plus causal attention",
    "  `~ 2 x heads x head_dim x L^2` per layer (quadratic; sliding layers at most the window) at",
    "  `prefill_flops_fraction x dense FLOP/s`, or reading the weights if slower, plus the all-reduces.",
    "- **Serving as measured** (steady batch `B`, outputs of `O` tokens, prompts of `I`): `B / O` requests finish",
    "  per step and as many prompts are prefilled inside the steps (vLLM chunked prefill), so the mean step is",
    "  `t(B, K) + (B / O) x prefill(I)` and throughput `B /` mean step; the median step (ITL p50) carries",
    "  `prefill(I) x l^2 / (l + median_prefill_lambda)` with `l = B / O`.",
    "- **KV capacity**: `0.9 x HBM` (vLLM's default `gpu_memory_utilization`; 0.85 where the runs set it) minus",
    "  the weights on a GPU, over the KV bytes per token per GPU; the largest batch at a context follows.",
    "- **Power per GPU**: `idle + (max - idle) x (base + memory x t_mem / t + compute x FLOP/s / peak FLOP/s)`,",
    "  at most `max` (TDP): `t_mem` is the time in kernels bound by HBM traffic (bytes over achieved",
    "  bandwidth, so `t_mem / t` is linear in the achieved bytes/s), the last term the achieved FLOP/s over the",
    "  dense peak at the weights' precision; the rest of the step (launch gaps, synchronisation) draws `base`.",
    "",
    "## Calibration",
    "",
    `Fitted on ${count("fitted")} text-LLM rows; **held back** (not in the fit, to show prediction): every row of`,
    `${HELD_BACK_MODELS.map((m) => `\`${m}\``).join(", ")} (${count("held-back")} rows). The ${count("multimodal")} image/video`,
    "chat rows are reported apart (not fitted). Not predicted: " +
      `${table.skipped.length} rows of models the architecture table gives no parameter count for (${[...new Set(table.skipped.map((s) => s.row.modelId))].map((m) => `\`${m}\``).join(", ")}).`,
    "Caveat on the held-back set: Llama 3.3 70B shares Llama 3.1 70B's architecture, Qwen3-235B Thinking",
    "and Qwen3-Coder-30B share the fitted Qwen3-235B and Qwen3-30B Instruct architectures (other tasks: gpqa,",
    "fill-in-the-middle), and gemma-3-27b, gpt-oss-20b sit beside fitted siblings (gemma-3-12b, gpt-oss-120b);",
    "only Qwen3-14B is a size not fitted. The held-back error shows prediction across workloads and sizes",
    "within families the fit has seen, not for a new family.",
    "The fit (Nelder-Mead from four fixed starting points) minimises the sum of absolute log errors of ITL p50,",
    "throughput, W per GPU and J per token over the fitted rows; absolute errors keep a few rows the physics",
    "misses from pulling the rest.",
    "",
    "| factor | fitted value |",
    "|---|---:|",
    `| bandwidth_fraction (weights) | ${f(cal.bandwidthFraction)} |`,
    `| kv_bandwidth_fraction | ${f(cal.kvBandwidthFraction)} |`,
    `| flops_fraction (decode) | ${f(cal.flopsFraction)} |`,
    `| expert_flops_factor | ${f(cal.expertFlopsFactor)} |`,
    `| weight_only_flops_factor | ${f(cal.weightOnlyFlopsFactor)} |`,
    `| prefill_flops_fraction | ${f(cal.prefillFlopsFraction)} |`,
    `| overhead per step | ${us(cal.stepOverheadS)} |`,
    `| overhead per layer | ${us(cal.layerOverheadS)} |`,
    `| overhead per MoE layer | ${us(cal.moeLayerOverheadS)} |`,
    `| overhead per MoE layer with shared experts (added) | ${us(cal.sharedExpertLayerOverheadS)} |`,
    `| overhead per FP8 layer, per-channel scales | ${us(cal.fp8LayerOverheadS)} |`,
    `| overhead per FP8 layer, 128 x 128 block scales | ${us(cal.fp8BlockLayerOverheadS)} |`,
    `| overhead per running sequence | ${us(cal.sequenceOverheadS)} |`,
    `| all-reduce latency | ${us(cal.allReduceS)} |`,
    `| median_prefill_lambda | ${f(cal.medianPrefillLambda)} |`,
    `| context_output_factor (measurements' nuisance) | ${f(cal.contextOutputFactor)} |`,
    `| power base / memory / compute (x (max - idle)) | ${f(cal.power.base)} / ${f(cal.power.memory)} / ${f(cal.power.compute)} |`,
    "",
    "The bandwidth and FLOP/s fractions are bounded to what an H100 reaches (HBM 0.30-0.93, tensor cores",
    "0.05-0.80); a factor at its bound is the data pulling past that. The overheads absorb what the roofline",
    "does not see (CUDA-graph gaps, small kernels); a near-zero value means another term carries it (here the",
    "time per layer carries the time per step). The fixed times draw `base` power: at small batch the GPUs of",
    "a many-kernel model wait: so the model gets Llama 4's 230-320 W at batch 8 (other models: 350-490 W).",
    "The shared-expert time is fitted on the only measured models with shared experts, Llama 4 Scout (48 MoE",
    "layers) and Maverick (24, every second layer): it follows from the architecture and applies to DeepSeek",
    "V3/R1 too (58 MoE layers with a shared expert), where no measurement has tested it. Likewise the block-scaled",
    `FP8 time is fitted on Qwen3-235B FP8 alone (the held-back Thinking FP8 rows test it: ${signed(meanError(rows.filter((r) => r.row.modelId === "Qwen/Qwen3-235B-A22B-Thinking-2507-FP8"), "itl"))} ITL on average).`,
    "A `median_prefill_lambda` in the thousands means the median step carries no prefill (the prompts land in few steps); a",
    "`context_output_factor` at 0.5, its lower bound, means equal output lengths fit best (cv = 0).",
    "",
    "### Errors (predicted / measured - 1)",
    "",
    ...summaryTable(rows, ["fitted", "held-back", "multimodal"]),
    "",
    "Targets (the node model's: median absolute error at most 10 % and 90 % of rows within 25 %, on ITL, W per GPU",
    "and J per token, fitted and held back):",
    "",
    ...targetLines(rows),
    "",
    "The Llama 4 rows alone (fitted; the rows the model missed most before chunked layers were charged at most",
    "the context, the shared-expert time and the FP8 kernel classes), as a diagnostic:",
    "",
    ...targetLines(rows.filter((r) => r.row.modelId.includes("Llama-4")), ["fitted"]),
    "",
    "### Worst text-LLM rows",
    "",
    ...worstRows(rows, 15),
    "",
    "## H200 and B200, from their spec sheets",
    "",
    "The same factors on the other GPUs' `gpu:` blocks (tensor parallel 8, 2,048 tokens of context per",
    "sequence, BF16 KV cache; decode only, GPU energy). No H200 or B200 measurement was fitted or is shipped:",
    "these are predictions, to be judged when measurements come.",
    "",
    ...specSheetTable(cal),
    "",
    "## Limits (what the model does not capture)",
    "",
    "- Kernel quality per model: one set of factors for all models. Models whose vLLM path is slower than the",
    "  roofline plus the fitted overheads (MXFP4 on Hopper at large batch, small MoE at tp2, 405B FP8 at large",
    "  batch) are off by 20-35 %.",
    "- Prompt lengths are assumed per task, not measured; the prefill share of throughput and energy moves",
    "  with them. Image and video tokens and the vision encoder are not modelled.",
    "- The decode step is linear in the resident context `K` for models without windowed layers, and for the",
    "  others while every sequence fits its window (`K <= B x window`); beyond, the windowed layers' part is",
    "  constant (one kink, at `B x window`). Contexts are taken as equal across the batch.",
    "- Routing is taken as uniform (expected distinct experts); skewed routing touches fewer experts.",
    "- Expert-parallel load imbalance, data-parallel attention, speculative decoding, prefix caching and",
    "  CPU offload are not modelled. Power has no temperature or clock-throttling state beyond the TDP cap.",
    "- H200 and B200 are predicted from spec sheets with H100 factors; their kernels' efficiencies may differ",
    "  (Blackwell FP4 in particular). No measurement of them was used.",
    "- The fixed times (per step, layer, MoE layer, shared-expert layer, FP8 layer, sequence, all-reduce) were fitted on H100 and are",
    "  not scaled to other GPUs; the per-sequence time (about 50 µs) likely stands in for attention-kernel",
    "  costs that a faster GPU would shrink, so large-batch steps on H200 and B200 are probably overstated.",
    "- Host and network power come from the hardware profile (`host_busy_w`, `interconnect_w`), not from this model.",
    "",
    "## Every row",
    "",
    ...fullTable(rows),
    "",
  ];
  return lines.join("\n");
}
