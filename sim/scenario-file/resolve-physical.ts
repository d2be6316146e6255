import type { HardwareProfile } from "../../models/hardware-types.ts";
import { loadNodeCalibration } from "../../models/node/calibration.ts";
import { knownModels, loadModelSpec, PRECISIONS, type ModelSpec, type Precision } from "../../models/node/catalog.ts";
import { loadGpuSpec, type GpuSpec } from "../../models/node/gpu-spec.ts";
import { buildNodeModel, HBM_USABLE_FRACTION, type KvPrecision, type NodeConfig } from "../../models/node/node-model.ts";
import { didYouMean } from "./did-you-mean.ts";
import { gotExpected, type Problem } from "../scenario/errors.ts";
import type { RawPool } from "./schema.ts";
import type { PhysicalNode } from "../scenario/types.ts";

export type RawPhysicalModel = Extract<RawPool["model"], { architecture: string }>;

export function isPhysicalModel(model: RawPool["model"]): model is RawPhysicalModel {
  return typeof model === "object" && "architecture" in model;
}

/**
 * A pool's physical node (docs/design.md, "The physical node"): the catalog architecture at its precision
 * on the GPUs of the pool's profile, one replica per node (tensor parallel over all the node's GPUs). The
 * config is built as `inferwatt node` builds it (models/node/node-summary.ts): precision default the
 * model's published one, a precision the GPU has no tensor cores for only as the model's own weight-only
 * checkpoint, experts spread over the tensor-parallel GPUs (ep = tp) for an MoE, dense ep 1, 90 % of HBM usable.
 * Problems go to `problems`; undefined when there were any (or the hardware was already wrong).
 */
export function resolvePhysicalNode(
  p: RawPool & { model: RawPhysicalModel },
  hardware: HardwareProfile | undefined,
  gpuProfile: string | undefined,
  path: string,
  problems: Problem[],
): PhysicalNode | undefined {
  const before = problems.length;
  const m = p.model;
  // keys that mean nothing (or not yet) on the physical node
  if (p.autoscale !== undefined)
    problems.push({ path: `${path}.autoscale`, message: gotExpected(p.autoscale, "nothing: autoscale is not supported yet for a pool on the physical node (model: { architecture })") });
  if (p.batch_half_speed !== undefined)
    problems.push({
      path: `${path}.batch_half_speed`,
      message: gotExpected(p.batch_half_speed, "nothing: on the physical node (model: { architecture }) the speed at each batch comes from the model, the GPU and the calibration, not from h(n)"),
    });
  const spec = catalogModel(m.architecture, `${path}.model.architecture`, problems);
  if (!spec || !hardware || gpuProfile === undefined) return undefined;
  let gpu: GpuSpec;
  try {
    gpu = loadGpuSpec(gpuProfile);
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    problems.push({ path: `${path}.hardware`, message: gotExpected(gpuProfile, `a profile with a "gpu:" block, the GPU's spec sheet the physical node needs (${e.message})`) });
    return undefined;
  }
  const precision: Precision = m.precision ?? spec.defaultPrecision;
  // as inferwatt node: without tensor cores for it, a precision runs only as the model's own weight-only checkpoint (MXFP4 gpt-oss on Hopper)
  if (gpu.flopsPerS[precision] === undefined && precision !== spec.defaultPrecision) {
    const runs = PRECISIONS.filter((q) => gpu.flopsPerS[q] !== undefined || q === spec.defaultPrecision);
    problems.push({
      path: `${path}.model.precision`,
      message: gotExpected(precision, `a precision ${hardware.name} (${gpu.name}) runs ${m.architecture} at: ${runs.join(", ")} (no ${precision.toUpperCase()} tensor cores)`),
    });
  }
  // the KV cache is kept at the weights' precision when that is FP8 (vLLM's --kv-cache-dtype fp8 with FP8
  // checkpoints); BF16 otherwise, FP4 weights included (an FP4 KV cache is not modelled)
  const kvPrecision: KvPrecision = m.kv_precision ?? (precision === "fp8" ? "fp8" : "bf16");
  const tp = p.tensor_parallel ?? hardware.gpus;
  const tpPath = p.tensor_parallel === undefined ? `${path}.hardware` : `${path}.tensor_parallel`;
  if (tp !== hardware.gpus) {
    problems.push({ path: tpPath, message: gotExpected(tp, `${hardware.gpus}, the GPUs per node of ${hardware.name}: any other tensor-parallel degree is not supported yet (one replica per node)`) });
  } else if (spec.attentionHeads % tp !== 0) {
    problems.push({ path: tpPath, message: gotExpected(tp, `a tensor-parallel degree (the profile's GPUs per node) that divides the ${spec.attentionHeads} attention heads of ${m.architecture}`) });
  }
  if (problems.length > before) return undefined;
  const calibration = loadNodeCalibration();
  const configAt = (q: Precision): NodeConfig => ({ model: spec, gpu, precision: q, kvPrecision, tp, ep: spec.moe ? tp : 1 });
  const config = configAt(precision);
  const node = buildNodeModel(config, calibration);
  if (node.kvBytesFreePerGpu <= 0) {
    const gb = (b: number) => (b / 1e9).toFixed(1);
    const usable = gpu.hbmBytes * HBM_USABLE_FRACTION;
    const fits = PRECISIONS.filter((q) => q !== precision && (gpu.flopsPerS[q] !== undefined || q === spec.defaultPrecision) && buildNodeModel(configAt(q), calibration).kvBytesFreePerGpu > 0);
    const hint = fits.length > 0 ? `; at ${fits.join(" or ")} it fits` : "";
    problems.push({
      path: `${path}.model`,
      message: gotExpected(
        m,
        `a model whose weights fit the node: ${m.architecture} at ${precision} needs ${gb(node.weightBytesPerGpu)} GB of weights per GPU; ` +
          `${hardware.name} leaves ${gb(usable)} GB (${HBM_USABLE_FRACTION * 100} % of ${(gpu.hbmBytes / 1e9).toFixed(0)} GB): ${gb(node.weightBytesPerGpu - usable)} GB short${hint}`,
      ),
    });
    return undefined;
  }
  return { architecture: m.architecture, config, calibration };
}

function catalogModel(name: string, path: string, problems: Problem[]): ModelSpec | undefined {
  const known = knownModels();
  if (known.includes(name)) return loadModelSpec(name);
  const guess = didYouMean(name, known);
  const hint = guess ? ` (did you mean "${guess}"?)` : "";
  problems.push({ path, message: gotExpected(name, `a model of the catalog (models/data/catalog; inferwatt node lists them): one of ${known.join(", ")}${hint}`) });
  return undefined;
}

/** tensor_parallel on a pool of the paper's regression: it has no meaning there. */
export function checkNotPhysical(p: RawPool, path: string, problems: Problem[]): void {
  if (p.tensor_parallel !== undefined)
    problems.push({ path: `${path}.tensor_parallel`, message: gotExpected(p.tensor_parallel, "nothing: tensor_parallel is for a pool on the physical node (model: { architecture })") });
}
