import { readFileSync, readdirSync } from "node:fs";
import { parse } from "yaml";
import { dataFile } from "../data-dir.ts";

export type Precision = "bf16" | "fp8" | "fp4";
export const PRECISIONS: readonly Precision[] = ["bf16", "fp8", "fp4"];

export interface MoeSpec {
  /** Layers whose FFN is a mixture of experts. */
  readonly layers: number;
  readonly experts: number;
  readonly expertsPerToken: number;
  readonly expertFfnSize: number;
  /** Experts every token passes through (DeepSeek, Llama 4), of shared_expert_ffn_size each. */
  readonly sharedExperts: number;
  readonly sharedExpertFfnSize: number;
}

export type AttentionSpec =
  | { readonly kind: "gqa" }
  | { readonly kind: "mla"; readonly kvLoraRank: number; readonly qLoraRank: number; readonly ropeHeadDim: number; readonly nopeHeadDim: number; readonly vHeadDim: number };

/** One model's architecture, as a file in models/data/catalog describes it. */
export interface ModelSpec {
  readonly name: string;
  readonly hfId: string;
  readonly paramsTotal: number;
  readonly paramsActive: number;
  readonly layers: number;
  readonly hiddenSize: number;
  readonly attentionHeads: number;
  readonly kvHeads: number;
  /** Query/key head dimension (for MLA nope + rope). */
  readonly headDim: number;
  /** Intermediate size of the dense FFN layers (0 when every layer is MoE). */
  readonly ffnSize: number;
  readonly denseFfnLayers: number;
  readonly moe: MoeSpec | undefined;
  readonly attention: AttentionSpec;
  /** Window of the sliding (or chunked) attention layers; undefined when every layer sees the whole context. */
  readonly slidingWindow: number | undefined;
  /** Layers that keep (and read) the whole context; the others keep slidingWindow tokens. */
  readonly fullContextKvLayers: number;
  readonly vocabSize: number;
  /** The LM head is the input embedding table (counted once in paramsTotal). */
  readonly tiedEmbeddings: boolean;
  readonly defaultPrecision: Precision;
  /** Block of the FP8 checkpoint's weight scales (128: 128 x 128 blocks, per-token-group activation scales); undefined: per channel or tensor. */
  readonly fp8WeightBlock: number | undefined;
  readonly sources: Readonly<Record<string, string>>;
}

const CATALOG_DIR = "catalog";

export function knownModels(): string[] {
  return readdirSync(dataFile(CATALOG_DIR))
    .filter((f) => f.endsWith(".yaml"))
    .map((f) => f.slice(0, -".yaml".length))
    .sort();
}

/** A catalog model by name; RangeError naming the file and key when the file is wrong. */
export function loadModelSpec(name: string): ModelSpec {
  const known = knownModels();
  if (!known.includes(name)) throw new RangeError(`unknown model ${JSON.stringify(name)}; known models: ${known.join(", ")}`);
  const path = dataFile(`${CATALOG_DIR}/${name}.yaml`);
  return parseModelSpec(parse(readFileSync(path, "utf8")), path);
}

/** Validates a parsed catalog document; `where` (the file) prefixes every error. */
export function parseModelSpec(doc: unknown, where: string): ModelSpec {
  const fail = (key: string, expected: string, got: unknown): never => {
    throw new RangeError(`${where}: key "${key}" must be ${expected}, got ${JSON.stringify(got)}`);
  };
  if (!isObject(doc)) return fail("(top)", "a mapping of model keys", doc);
  const int = (o: Record<string, unknown>, key: string, prefix = "", min = 1): number => {
    const v = o[key];
    return Number.isInteger(v) && (v as number) >= min ? (v as number) : fail(prefix + key, `a whole number >= ${min}`, v);
  };
  const pos = (key: string): number => {
    const v = doc[key];
    return typeof v === "number" && v > 0 ? v : fail(key, "a number > 0", v);
  };
  const str = (key: string): string => (typeof doc[key] === "string" && doc[key] !== "" ? (doc[key] as string) : fail(key, "a non-empty string", doc[key]));
  const layers = int(doc, "layers");
  let moe: MoeSpec | undefined;
  if (doc.moe !== undefined) {
    const m = isObject(doc.moe) ? doc.moe : fail("moe", "a mapping (layers, experts, experts_per_token, expert_ffn_size, shared_experts, shared_expert_ffn_size)", doc.moe);
    moe = {
      layers: int(m, "layers", "moe."),
      experts: int(m, "experts", "moe."),
      expertsPerToken: int(m, "experts_per_token", "moe."),
      expertFfnSize: int(m, "expert_ffn_size", "moe."),
      sharedExperts: int(m, "shared_experts", "moe.", 0),
      sharedExpertFfnSize: int(m, "shared_expert_ffn_size", "moe.", 0),
    };
    if (moe.expertsPerToken > moe.experts) fail("moe.experts_per_token", `at most moe.experts (${moe.experts})`, moe.expertsPerToken);
    if (moe.layers > layers) fail("moe.layers", `at most layers (${layers})`, moe.layers);
  }
  const a = isObject(doc.attention) ? doc.attention : fail("attention", "a mapping with kind: gqa or mla", doc.attention);
  let attention: AttentionSpec;
  if (a.kind === "gqa") attention = { kind: "gqa" };
  else if (a.kind === "mla") {
    attention = {
      kind: "mla",
      kvLoraRank: int(a, "kv_lora_rank", "attention."),
      qLoraRank: int(a, "q_lora_rank", "attention."),
      ropeHeadDim: int(a, "rope_head_dim", "attention."),
      nopeHeadDim: int(a, "nope_head_dim", "attention."),
      vHeadDim: int(a, "v_head_dim", "attention."),
    };
  } else return fail("attention.kind", '"gqa" or "mla"', a.kind);
  const precision = doc.default_precision;
  if (!PRECISIONS.includes(precision as Precision)) fail("default_precision", `one of ${PRECISIONS.join(", ")}`, precision);
  const spec: ModelSpec = {
    name: str("name"),
    hfId: str("hf_id"),
    paramsTotal: pos("params_total_b") * 1e9,
    paramsActive: pos("params_active_b") * 1e9,
    layers,
    hiddenSize: int(doc, "hidden_size"),
    attentionHeads: int(doc, "attention_heads"),
    kvHeads: int(doc, "kv_heads"),
    headDim: int(doc, "head_dim"),
    ffnSize: int(doc, "ffn_size", "", 0),
    denseFfnLayers: int(doc, "dense_ffn_layers", "", 0),
    moe,
    attention,
    slidingWindow: doc.sliding_window === undefined ? undefined : int(doc, "sliding_window"),
    fullContextKvLayers: int(doc, "full_context_kv_layers"),
    vocabSize: int(doc, "vocab_size"),
    tiedEmbeddings: typeof doc.tied_embeddings === "boolean" ? doc.tied_embeddings : fail("tied_embeddings", "true or false", doc.tied_embeddings),
    defaultPrecision: precision as Precision,
    fp8WeightBlock: doc.fp8_weight_block === undefined ? undefined : int(doc, "fp8_weight_block"),
    sources: isObject(doc.sources) ? (doc.sources as Record<string, string>) : fail("sources", "a mapping from key to where its value comes from", doc.sources),
  };
  if (spec.paramsActive > spec.paramsTotal) fail("params_active_b", `at most params_total_b (${spec.paramsTotal / 1e9})`, spec.paramsActive / 1e9);
  if (spec.fullContextKvLayers > layers) fail("full_context_kv_layers", `at most layers (${layers})`, spec.fullContextKvLayers);
  if (spec.fullContextKvLayers < layers && spec.slidingWindow === undefined) fail("sliding_window", "given when full_context_kv_layers < layers", undefined);
  if (spec.kvHeads > spec.attentionHeads) fail("kv_heads", `at most attention_heads (${spec.attentionHeads})`, spec.kvHeads);
  if (spec.moe === undefined && spec.denseFfnLayers !== layers) fail("dense_ffn_layers", `layers (${layers}) for a model without moe`, spec.denseFfnLayers);
  for (const key of ["architecture", "params_total_b", "params_active_b", "default_precision"]) {
    if (typeof spec.sources[key] !== "string") fail(`sources.${key}`, "the text saying where the value comes from", spec.sources[key]);
  }
  return spec;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
