import { readCsv } from "../csv.ts";
import { dataFile } from "../data-dir.ts";
import type { Precision } from "./catalog.ts";

/**
 * Mean prompt tokens per task: not published with the measurements (mean_input_len_tokens is blank),
 * so assumed here, each with its reason. They set the prefill each output token carries.
 */
export const ASSUMED_PROMPT_TOKENS: Readonly<Record<string, { tokens: number; why: string }>> = {
  "lm-arena-chat": { tokens: 400, why: "LMArena conversations: mostly short questions, some long pastes, plus the chat template" },
  gpqa: { tokens: 250, why: "a GPQA Diamond question with four choices and an instruction" },
  "sourcegraph-fim": { tokens: 2000, why: "fill-in-the-middle: code before and after the gap" },
  "image-chat": { tokens: 1300, why: "about 300 text tokens and 1,000 image tokens (the vision encoder's time is not modelled)" },
  "video-chat": { tokens: 4000, why: "about 300 text tokens and several thousand video-frame tokens (encoder not modelled)" },
};

/** One measured vLLM configuration on H100 (a row of models/data/mlenergy-v3/mlenergy-v3-h100.csv). */
export interface MeasuredRow {
  readonly id: string;
  readonly modelId: string;
  /** Catalog name the row's architecture is filed under. */
  readonly catalogName: string;
  readonly task: string;
  readonly multimodal: boolean;
  readonly precision: Precision;
  readonly tp: number;
  readonly ep: number;
  readonly gpus: number;
  readonly maxNumSeqs: number;
  readonly batch: number;
  readonly outputTokens: number;
  readonly promptTokens: number;
  readonly hbmUsableFraction: number;
  readonly itlP50S: number;
  readonly outputTokensPerS: number;
  readonly gpuW: number;
  readonly jPerOutputToken: number;
}

/** The catalog name of a published model id: lower case, no organisation, "-Instruct", "-it", "-v0.1" or precision suffix. */
export function catalogName(modelId: string): string {
  return modelId
    .split("/")[1]
    .toLowerCase()
    .replace(/^meta-llama-/, "llama-")
    .replace(/-instruct/, "")
    .replace(/-(fp8|bf16|it|v0\.1)$/, "")
    .replace(/-(fp8|bf16|it|v0\.1)$/, "");
}

const PRECISION_OF: Record<string, Precision> = { bfloat16: "bf16", fp8: "fp8", mxfp4: "fp4" };

export function loadMeasuredRows(): MeasuredRow[] {
  return readCsv(dataFile("mlenergy-v3/mlenergy-v3-h100.csv")).map((r) => {
    const precision = PRECISION_OF[r.weight_precision];
    if (!precision) throw new RangeError(`mlenergy-v3-h100.csv: weight_precision ${JSON.stringify(r.weight_precision)} is not one of ${Object.keys(PRECISION_OF).join(", ")}`);
    const short = r.model_id.split("/")[1];
    const dup = r.duplicate_index !== "0" ? ` #${r.duplicate_index}` : "";
    return {
      id: `${short} ${r.task} tp${r.attention_tp_effective} n${r.max_num_seqs_configured_total}${dup}`,
      modelId: r.model_id,
      catalogName: catalogName(r.model_id),
      task: r.task,
      multimodal: r.model_class !== "llm",
      precision,
      tp: Number(r.attention_tp_effective),
      ep: Number(r.moe_ep_effective),
      gpus: Number(r.num_gpus),
      maxNumSeqs: Number(r.max_num_seqs_configured_total),
      batch: Number(r.avg_batch_size_measured),
      outputTokens: Number(r.avg_output_len_tokens),
      promptTokens: ASSUMED_PROMPT_TOKENS[r.task].tokens,
      // blank: vLLM's default 0.9
      hbmUsableFraction: r.gpu_memory_utilization === "" ? 0.9 : Number(r.gpu_memory_utilization),
      itlP50S: Number(r.itl_p50_ms) / 1000,
      outputTokensPerS: Number(r.output_tok_per_s_total),
      gpuW: Number(r.power_w_per_gpu),
      jPerOutputToken: Number(r.energy_j_per_output_token),
    };
  });
}
