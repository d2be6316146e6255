// Writes models/data/catalog/<name>.yaml from models/data/mlenergy-v3/model-architectures.csv, one file
// per architecture row (precision variants such as -FP8 folded into one name). Rows without a parameter
// count in the table (hybrid Nemotron, partial Qwen3-Omni) are skipped: the node model needs them.
// Run once by hand (node --import tsx scripts/make-catalog.ts); the YAML files are what the project reads.
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { stringify } from "yaml";
import { readCsv } from "../models/csv.ts";
import { catalogName } from "../models/node/measurements.ts";

const ROOT = new URL("../", import.meta.url);

const records = readCsv(fileURLToPath(new URL("models/data/mlenergy-v3/model-architectures.csv", ROOT)));

const num = (s: string) => (s === "" ? undefined : Number(s));

/**
 * The weight block of a model's FP8 checkpoint, when its scales are per 128 x 128 block (a kernel class of
 * its own in vLLM: block-scaled GEMMs with per-token-group activation scales) rather than per output
 * channel or tensor: from weight_precision_served of any row of the same catalog name ("fp8 (block 128x128,
 * e4m3)", DeepSeek's "fp8 (native, block 128x128)"); for Qwen's own -FP8 releases that the table lists as
 * plain "fp8" (Qwen3-VL-235B, Qwen3-Coder-480B), from Qwen's FP8 recipe (model cards: "fine-grained fp8
 * quantization with block size of 128", as the Qwen3-235B-A22B-FP8 config's weight_block_size [128, 128]).
 */
function fp8WeightBlock(name: string): { block: number; source: string } | undefined {
  for (const r of records) {
    if (catalogName(r.model_id) !== name) continue;
    const m = /block (\d+)x\1/.exec(r.weight_precision_served);
    if (m) return { block: Number(m[1]), source: `weight_precision_served of model-architectures.csv, row ${r.model_id}: "${r.weight_precision_served}"` };
  }
  for (const r of records) {
    if (catalogName(r.model_id) === name && /^Qwen\/.*-FP8$/.test(r.model_id))
      return { block: 128, source: `${r.model_id}: Qwen's FP8 releases are block-scaled, 128 x 128 (model cards: "fine-grained fp8 quantization with block size of 128"; the Qwen3-235B-A22B-FP8 config's weight_block_size [128, 128]); the table lists "${r.weight_precision_served}"` };
  }
  return undefined;
}
const written = new Map<string, string>();
for (const r of records) {
  const name = catalogName(r.model_id);
  if (written.has(name)) continue;
  if (r.params_total_b_computed === "") {
    console.log(`skipped ${r.model_id}: no parameter count in the table (${r.architecture_class})`);
    continue;
  }
  const moe = num(r.num_experts) !== undefined;
  const mla = r.attention_type.startsWith("MLA");
  const served = r.weight_precision_served;
  const precision = served.startsWith("fp8") ? "fp8" : served.startsWith("mxfp4") ? "fp4" : "bf16";
  const layers = Number(r.num_layers);
  const doc: Record<string, unknown> = {
    name,
    hf_id: r.model_id,
    params_total_b: Number(r.params_total_b_computed),
    params_active_b: Number(r.params_active_b_computed),
    layers,
    hidden_size: Number(r.hidden_size),
    attention_heads: Number(r.num_attention_heads),
    kv_heads: Number(r.num_key_value_heads),
    head_dim: mla ? Number(r.qk_nope_head_dim) + Number(r.qk_rope_head_dim) : Number(r.head_dim),
    ffn_size: num(r.intermediate_size_dense) ?? 0,
    dense_ffn_layers: num(r.dense_ffn_layers) ?? layers,
  };
  if (moe) {
    doc.moe = {
      layers: Number(r.moe_layers),
      experts: Number(r.num_experts),
      experts_per_token: Number(r.experts_per_token),
      expert_ffn_size: Number(r.moe_intermediate_size),
      shared_experts: num(r.num_shared_experts) ?? 0,
      shared_expert_ffn_size: num(r.shared_expert_intermediate_size) ?? 0,
    };
  }
  doc.attention = mla
    ? {
        kind: "mla",
        kv_lora_rank: Number(r.kv_lora_rank),
        q_lora_rank: Number(r.q_lora_rank),
        rope_head_dim: Number(r.qk_rope_head_dim),
        nope_head_dim: Number(r.qk_nope_head_dim),
        v_head_dim: Number(r.v_head_dim),
      }
    : { kind: "gqa" };
  const full = num(r.full_context_kv_layers) ?? layers;
  // Llama 4's chunked attention (chunk 8192) is treated as a window of that size
  const window = num(r.sliding_window) ?? (/chunk (\d+)/.exec(r.attention_type) ? Number(/chunk (\d+)/.exec(r.attention_type)![1]) : undefined);
  if (window !== undefined) doc.sliding_window = window;
  doc.full_context_kv_layers = full;
  doc.vocab_size = Number(r.vocab_size);
  doc.tied_embeddings = r.tie_word_embeddings === "True";
  doc.default_precision = precision;
  const block = fp8WeightBlock(name);
  if (block) doc.fp8_weight_block = block.block;
  const sources: Record<string, string> = {
    architecture: `${r.source} (the config.json read into models/data/mlenergy-v3/model-architectures.csv, row ${r.model_id})`,
    params_total_b: "params_total_b_computed of model-architectures.csv: counted from the config (language backbone, embeddings and LM head included)",
    params_active_b: "params_active_b_computed of model-architectures.csv, counted the same way",
    default_precision: `weight_precision_served of model-architectures.csv: "${served}"`,
  };
  if (window !== undefined && num(r.sliding_window) === undefined) sources.sliding_window = `attention_type of model-architectures.csv: "${r.attention_type}"; the chunk is taken as a window`;
  if (r.tie_word_embeddings === "") sources.tied_embeddings = "tie_word_embeddings is blank in model-architectures.csv; taken as false (a separate LM head)";
  if (block) sources.fp8_weight_block = block.source;
  if (r.notes) sources.notes = r.notes;
  doc.sources = sources;
  const head = `# ${r.model_id}: ${r.architecture_class}, ${r.attention_type}.\n# Generated by scripts/make-catalog.ts from models/data/mlenergy-v3/model-architectures.csv; every number's source is under sources.\n`;
  writeFileSync(new URL(`models/data/catalog/${name}.yaml`, ROOT), head + stringify(doc, { lineWidth: 0 }));
  written.set(name, r.model_id);
}
console.log(`wrote ${written.size} catalog files: ${[...written.keys()].join(", ")}`);
