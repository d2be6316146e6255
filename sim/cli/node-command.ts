import { knownHardwareProfiles } from "../../models/hardware.ts";
import { knownModels, PRECISIONS, type Precision } from "../../models/node/catalog.ts";
import { nodeSummary, type NodeSummary } from "../../models/node/node-summary.ts";
import { UsageError } from "../scenario/errors.ts";
import { parseFlags, parseIntFlag } from "./parse-flags.ts";


/** `inferwatt node`: prints the node's figures; exit 2 (UsageError) for unknown names or precisions. */
export function nodeCommand(argv: string[], out: (s: string) => void = (s) => process.stdout.write(s)): number {
  const { values } = parseFlags({
    args: argv,
    options: {
      model: { type: "string" },
      hardware: { type: "string" },
      precision: { type: "string" },
      tp: { type: "string" },
      batch: { type: "string" },
      context: { type: "string" },
      prompt: { type: "string" },
      "kv-precision": { type: "string" },
      json: { type: "boolean" },
    },
    strict: true,
    allowPositionals: false,
  });
  const models = knownModels();
  const profiles = knownHardwareProfiles();
  if (values.model === undefined || !models.includes(values.model)) {
    throw new UsageError(`--model: ${values.model === undefined ? "missing" : `unknown model "${values.model}"`}; known models: ${models.join(", ")}`);
  }
  if (values.hardware === undefined || !profiles.includes(values.hardware)) {
    throw new UsageError(`--hardware: ${values.hardware === undefined ? "missing" : `unknown profile "${values.hardware}"`}; known profiles: ${profiles.join(", ")}`);
  }
  if (values.precision !== undefined && !PRECISIONS.includes(values.precision as Precision)) {
    throw new UsageError(`--precision: got "${values.precision}"; expected one of ${PRECISIONS.join(", ")}`);
  }
  const kv = values["kv-precision"];
  if (kv !== undefined && kv !== "bf16" && kv !== "fp8") throw new UsageError(`--kv-precision: got "${kv}"; expected bf16 or fp8`);
  const batches = (values.batch ?? "1,16,64,128,256").split(",").map((b) => parseIntFlag("--batch", b.trim(), 1)!);
  let summary: NodeSummary;
  try {
    summary = nodeSummary({
      model: values.model,
      hardware: values.hardware,
      precision: values.precision as Precision | undefined,
      tp: parseIntFlag("--tp", values.tp, 1),
      kvPrecision: kv as "bf16" | "fp8" | undefined,
      batches,
      contextTokens: parseIntFlag("--context", values.context, 1) ?? 1024,
      promptTokens: parseIntFlag("--prompt", values.prompt, 1) ?? 2048,
    });
  } catch (e) {
    if (e instanceof RangeError) throw new UsageError(e.message);
    throw e;
  }
  out((values.json ? JSON.stringify(toJson(summary), null, 2) : formatSummary(summary)) + "\n");
  return 0;
}

function toJson(s: NodeSummary) {
  return {
    model: s.model,
    hardware: s.hardware,
    precision: s.precision,
    tp: s.tp,
    kv_capacity_tokens: s.kvCapacityTokens,
    rows: s.rows.map((r) => ({
      batch: r.batch,
      context_tokens: s.contextTokens,
      step_ms: r.stepS * 1e3,
      node_output_tokens_per_s: r.nodeOutputTokensPerS,
      gpu_w: r.gpuW,
      node_w: r.nodeW,
      j_per_token_gpu: r.jPerTokenGpus,
      j_per_token_node: r.jPerTokenNode,
      fits: r.fits,
    })),
    prefill: { node_input_tokens_per_s: s.prefill.nodeInputTokensPerS, gpu_w: s.prefill.gpuW, j_per_input_token_node: s.prefill.jPerInputTokenNode },
  };
}

const n0 = (x: number) => Math.round(x).toLocaleString("en-US");
const n1 = (x: number) => x.toFixed(1);
const sig = (x: number) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x >= 1 ? x.toFixed(2) : x.toFixed(3));

/** The tables, each line at most 80 columns. */
export function formatSummary(s: NodeSummary): string {
  const replicas = s.replicas > 1 ? `, ${s.replicas} replicas` : "";
  const lines = [
    `${s.model} on ${s.hardware} (${s.gpus}x ${s.gpuName})`,
    `  weights ${s.precision}${s.weightOnly ? " (weight-only, bf16 math)" : ""}, KV cache ${s.kvPrecision}, tp ${s.tp}${replicas}`,
    `  weights ${n1(s.weightBytesPerGpu / 1e9)} GB per GPU; KV cache holds ${n0(s.kvCapacityTokens)} tokens`,
    `  at ${n0(s.contextTokens)} tokens of context: largest batch ${n0(s.maxBatch)}${s.replicas > 1 ? " per replica" : ""}`,
    "",
    "  batch  step ms   out tok/s  W/GPU   node W  J/tok GPUs  J/tok node  fits",
  ];
  for (const r of s.rows) {
    lines.push(
      `${String(r.batch).padStart(7)}${n1(r.stepS * 1e3).padStart(9)}${n0(r.nodeOutputTokensPerS).padStart(12)}${n0(r.gpuW).padStart(7)}` +
        `${n0(r.nodeW).padStart(9)}${sig(r.jPerTokenGpus).padStart(12)}${sig(r.jPerTokenNode).padStart(12)}  ${r.fits ? "yes" : "no"}`,
    );
    for (const m of r.measured) {
      // measured per replica, ITL p50 against the step; throughput includes the task's prefill
      const tok = (m.outputTokensPerS * s.replicas) / (m.gpus / s.tp);
      lines.push(`  meas.${n1(m.itlP50S * 1e3).padStart(9)}${n0(tok).padStart(12)}${n0(m.gpuW).padStart(7)}${"".padStart(9)}${sig(m.jPerOutputToken).padStart(12)}  ${m.task}`);
    }
  }
  const anyMeasured = s.rows.some((r) => r.measured.length > 0);
  if (anyMeasured) {
    lines.push(
      "  meas.: ML.ENERGY v3 on H100 at that max_num_seqs (ITL p50; tok/s with the",
      "  task's own prefill and contexts, scaled to this node's replicas)",
    );
  }
  lines.push(
    "",
    `  prefill of one ${n0(s.prefill.promptTokens)}-token prompt per replica: ${n1(s.prefill.seconds * 1e3)} ms`,
    `    node input tok/s ${n0(s.prefill.nodeInputTokensPerS)}, W/GPU ${n0(s.prefill.gpuW)}, node W ${n0(s.prefill.nodeW)},`,
    `    J per input token (node) ${sig(s.prefill.jPerInputTokenNode)}`,
  );
  return lines.join("\n");
}
