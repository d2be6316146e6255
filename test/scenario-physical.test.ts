import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadNodeCalibration } from "../models/node/calibration.ts";
import { loadModelSpec } from "../models/node/catalog.ts";
import { loadGpuSpec } from "../models/node/gpu-spec.ts";
import { buildNodeModel } from "../models/node/node-model.ts";
import { sizePools } from "../sim/fleet/offered-work.ts";
import { ScenarioError } from "../sim/scenario/errors.ts";
import { loadScenario, parseScenario, type LoadOptions } from "../sim/scenario-file/load.ts";
import { inferwattInProcess } from "./cli-helpers.ts";

// A pool that names a catalog architecture runs the physical node (docs/design.md, "Scenario file").

const inferwatt = inferwattInProcess;
const DIR = fileURLToPath(new URL("./fixtures/", import.meta.url));

/** The example: Llama 3.1 405B in FP8 on 8x H100, one replica per node. */
const FRONTIER = `name: frontier
workload:
  queries_per_day: 1.0e8
  classes:
    - name: chat
      share: 1.0
      input_tokens: { fixed: 500 }
      output_tokens: { fixed: 300 }
pools:
  - name: frontier
    model: { architecture: llama-3.1-405b, precision: fp8 }
    hardware: h100-sxm-8x
    tensor_parallel: 8
    max_batch: 256
    router: least-loaded
    nodes: 4000
facility: { pue: 1.2, orchestration_overhead: 0.1 }
`;

function load(text: string, opts: LoadOptions = {}) {
  return parseScenario(text, join(DIR, "physical.yaml"), opts);
}

/** The ScenarioError that loading `text` throws. */
function errorOf(text: string, opts: LoadOptions = {}): ScenarioError {
  try {
    load(text, opts);
  } catch (e) {
    if (e instanceof ScenarioError) return e;
    throw e;
  }
  throw new Error("expected a ScenarioError, but the scenario was accepted");
}

function edit(from: string, to: string): string {
  expect(FRONTIER).toContain(from);
  return FRONTIER.replace(from, to);
}

const problem = (e: ScenarioError, path: string) => e.problems.find((p) => p.path === path)?.message;

describe("a pool on the physical node", () => {
  it("resolves model: { architecture, precision } to the catalog spec, the profile's GPU, tp 8 and an FP8 KV cache", () => {
    const [pool] = load(FRONTIER).pools;
    expect(pool.modelName).toBe("llama-3.1-405b");
    expect(pool.physical).toBeDefined();
    const { architecture, config, calibration } = pool.physical!;
    expect(architecture).toBe("llama-3.1-405b");
    expect(config.model).toEqual(loadModelSpec("llama-3.1-405b"));
    expect(config.gpu).toEqual(loadGpuSpec("h100-sxm-8x"));
    expect(calibration).toEqual(loadNodeCalibration());
    expect([config.precision, config.kvPrecision, config.tp, config.ep]).toEqual(["fp8", "fp8", 8, 1]);
    expect(pool.maxBatch).toBe(256);
    expect(pool.nodes).toBe(4000);
    // the profile's tps_multiplier scales the paper's regression only
    expect(pool.hardware.tpsMultiplier).toBe(1);
    expect(pool.tps.kind).toBe("constant");
  });

  it("its KV capacity is the hand formula: (90 % of 80 GB - 405.853e9 B / 8) / (126 layers x 2 x 8 KV heads x 128 x 1 B / 8)", () => {
    const { config, calibration } = load(FRONTIER).pools[0].physical!;
    const node = buildNodeModel(config, calibration);
    const free = 0.9 * 80e9 - 405.853e9 / 8;
    const perToken = (126 * 2 * 8 * 128 * 1) / 8;
    expect(node.weightBytesPerGpu).toBeCloseTo(405.853e9 / 8, -3);
    expect(node.kvBytesPerTokenFull).toBe(perToken);
    expect(node.kvCapacityTokens(800)).toBe(Math.floor(free / perToken));
    expect(node.kvCapacityTokens(800)).toBe(659_361);
  });

  it("defaults: precision the catalog's, KV cache BF16 unless the weights are FP8, tensor_parallel the profile's GPUs; MoE experts over the tp GPUs", () => {
    const b200 = edit("hardware: h100-sxm-8x\n    tensor_parallel: 8\n", "hardware: b200-8x\n");
    const bf16 = load(b200.replace("{ architecture: llama-3.1-405b, precision: fp8 }", "{ architecture: llama-3.1-405b }")).pools[0].physical!.config;
    expect([bf16.precision, bf16.kvPrecision, bf16.tp]).toEqual(["bf16", "bf16", 8]);
    const kv = load(b200.replace("precision: fp8 }", "precision: fp8, kv_precision: bf16 }")).pools[0].physical!.config;
    expect([kv.precision, kv.kvPrecision]).toEqual(["fp8", "bf16"]);
    const fp4 = load(b200.replace("precision: fp8 }", "precision: fp4 }")).pools[0].physical!.config;
    expect([fp4.precision, fp4.kvPrecision]).toEqual(["fp4", "bf16"]);
    const moe = load(b200.replace("llama-3.1-405b", "deepseek-r1")).pools[0].physical!.config;
    expect([moe.model.name, moe.precision, moe.tp, moe.ep]).toEqual(["deepseek-r1", "fp8", 8, 8]);
  });

  it("hardware { base } and { file }: the GPU is the base profile's (a profile file cannot hold a gpu: block)", () => {
    const dir = mkdtempSync(join(tmpdir(), "inferwatt-physical-"));
    writeFileSync(join(dir, "node.yaml"), "base: h200-sxm-8x\ngpu_idle_w: 100\n");
    const file = parseScenario(edit("hardware: h100-sxm-8x", "hardware: { file: node.yaml }"), join(dir, "s.yaml")).pools[0];
    expect([file.physical!.config.gpu.name, file.hardware.gpuIdleW]).toEqual(["H200 SXM 141GB", 100]);
    const base = load(edit("hardware: h100-sxm-8x", "hardware: { base: b200-8x, host_busy_w: 2000 }")).pools[0];
    expect([base.physical!.config.gpu.name, base.hardware.hostBusyW]).toEqual(["B200 (HGX/DGX B200)", 2000]);
    writeFileSync(join(dir, "gpu.yaml"), "base: h100-sxm-8x\ngpu: { name: mine }\n");
    const e = (() => {
      try {
        parseScenario(edit("hardware: h100-sxm-8x", "hardware: { file: gpu.yaml }"), join(dir, "s.yaml"));
      } catch (err) {
        return err as ScenarioError;
      }
    })();
    expect(problem(e!, "pools.0.hardware.file")).toMatch(/in gpu\.yaml: hardware key "gpu" is unknown/);
  });

  it("model by regression name and inline { name, tps } keep their meaning (no physical node)", () => {
    const named = load(edit("{ architecture: llama-3.1-405b, precision: fp8 }", "Llama 3.1 405B").replace("    tensor_parallel: 8\n", "")).pools[0];
    expect([named.modelName, named.tps.kind, named.physical, named.hardware.tpsMultiplier]).toEqual(["Llama 3.1 405B", "regression", undefined, 1]);
    const inline = load(edit("{ architecture: llama-3.1-405b, precision: fp8 }", "{ name: mine, tps: { constant: 2000 } }").replace("    tensor_parallel: 8\n", "")).pools[0];
    expect([inline.modelName, inline.tps, inline.physical]).toEqual(["mine", { kind: "constant", tokensPerS: 2000 }, undefined]);
  });

  it("--set reaches the nested keys: pools.0.model.precision, pools.frontier.model.kv_precision, pools.0.hardware", () => {
    const s = load(FRONTIER, { set: ["pools.frontier.model.kv_precision=bf16", "pools.0.hardware=h200-sxm-8x"] });
    expect([s.pools[0].physical!.config.kvPrecision, s.pools[0].physical!.config.gpu.name]).toEqual(["bf16", "H200 SXM 141GB"]);
    const e = errorOf(FRONTIER, { set: ["pools.0.model.precision=bf16"] });
    expect(e.problems).toHaveLength(1);
    expect(e.problems[0]).toMatchObject({ path: "pools.0.model", source: `--set on ${join(DIR, "physical.yaml")}` });
    expect(e.problems[0].message).toContain("llama-3.1-405b at bf16 needs 101.5 GB of weights per GPU");
  });
});

describe("a pool on the physical node: errors name the key (exit 2)", () => {
  it("weights that do not fit say by how much, and at which precision they would", () => {
    const e = errorOf(edit("precision: fp8 }", "precision: bf16 }"));
    // 405.853e9 parameters x 2 B / 8 GPUs = 101.46 GB against 0.9 x 80 GB = 72.0 GB
    expect(problem(e, "pools.0.model")).toBe(
      'got {"architecture":"llama-3.1-405b","precision":"bf16"}; expected a model whose weights fit the node: llama-3.1-405b at bf16 needs ' +
        "101.5 GB of weights per GPU; h100-sxm-8x leaves 72.0 GB (90 % of 80 GB): 29.5 GB short; at fp8 it fits",
    );
    const r1 = errorOf(edit("llama-3.1-405b", "deepseek-r1"));
    expect(problem(r1, "pools.0.model")).toMatch(/deepseek-r1 at fp8 needs 83\.9 GB of weights per GPU; h100-sxm-8x leaves 72\.0 GB \(90 % of 80 GB\): 11\.9 GB short$/);
  });

  it("an unknown architecture: did you mean, and the catalog's names", () => {
    const e = errorOf(edit("llama-3.1-405b", "llama-3.1-450b"));
    expect(problem(e, "pools.0.model.architecture")).toMatch(/^got "llama-3.1-450b"; expected a model of the catalog .*one of deepseek-r1, .* \(did you mean "llama-3.1-405b"\?\)$/);
  });

  it("a precision the GPU has no tensor cores for (and that is not the model's own checkpoint), or none the schema knows", () => {
    expect(problem(errorOf(edit("precision: fp8 }", "precision: fp4 }")), "pools.0.model.precision")).toBe(
      'got "fp4"; expected a precision h100-sxm-8x (H100 SXM 80GB) runs llama-3.1-405b at: bf16, fp8 (no FP4 tensor cores)',
    );
    expect(problem(errorOf(edit("precision: fp8 }", "precision: int4 }")), "pools.0.model.precision")).toBe('got "int4"; expected one of "bf16", "fp8", "fp4"');
    expect(problem(errorOf(edit("precision: fp8 }", "precision: fp8, kv_precision: fp4 }")), "pools.0.model.kv_precision")).toBe('got "fp4"; expected one of "bf16", "fp8"');
  });

  it("tensor_parallel other than the profile's GPUs is not supported yet; one that does not divide the heads is refused", () => {
    expect(problem(errorOf(edit("tensor_parallel: 8", "tensor_parallel: 4")), "pools.0.tensor_parallel")).toBe(
      "got 4; expected 8, the GPUs per node of h100-sxm-8x: any other tensor-parallel degree is not supported yet (one replica per node)",
    );
    const ten = errorOf(edit("hardware: h100-sxm-8x\n    tensor_parallel: 8\n", "hardware: h100-sxm-10x-equiv\n"));
    expect(problem(ten, "pools.0.hardware")).toBe(
      "got 10; expected a tensor-parallel degree (the profile's GPUs per node) that divides the 128 attention heads of llama-3.1-405b",
    );
  });

  it("autoscale, batch_half_speed: refused on a physical pool; tensor_parallel: refused on a regression pool", () => {
    const e = errorOf(edit("    nodes: 4000\n", "    nodes: 4000\n    batch_half_speed: 50\n    autoscale: { target_utilization: 0.8 }\n"));
    expect(problem(e, "pools.0.autoscale")).toMatch(/expected nothing: autoscale is not supported yet for a pool on the physical node \(model: \{ architecture \}\)$/);
    expect(problem(e, "pools.0.batch_half_speed")).toMatch(/^got 50; expected nothing: on the physical node .* not from h\(n\)$/);
    const regression = errorOf(edit("{ architecture: llama-3.1-405b, precision: fp8 }", "Llama 3.1 405B"));
    expect(problem(regression, "pools.0.tensor_parallel")).toBe("got 8; expected nothing: tensor_parallel is for a pool on the physical node (model: { architecture })");
  });

  it("a KV cache that cannot hold one mean query", () => {
    const e = errorOf(edit("input_tokens: { fixed: 500 }", "input_tokens: { fixed: 1000000 }"));
    expect(problem(e, "pools.0.model")).toBe(
      'got "llama-3.1-405b"; expected a model whose KV cache holds at least one query: the node keeps 659361 tokens of KV cache beside the weights, ' +
        "and a query of this pool reserves 1000300 (input + output tokens) on average",
    );
  });

  it("through the command: validate exits 2 naming the file and key, no stack trace", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "inferwatt-physical-")), "bad.yaml");
    writeFileSync(file, edit("tensor_parallel: 8", "tensor_parallel: 2"));
    const r = await inferwatt("validate", file);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`${file}: pools.0.tensor_parallel: got 2; expected 8`);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const fixed = await inferwatt("validate", file, "--set", "pools.0.tensor_parallel=8");
    expect(fixed.stderr).toBe("");
    expect(fixed.status).toBe(0);
    expect(fixed.stdout).toMatch(/ok: "frontier", .* 1 pool\(s\), 4000 nodes/);
  });
});

describe("scenarios/physical/", () => {
  const dir = new URL("../scenarios/physical/", import.meta.url);
  const shipped = readdirSync(dir).filter((f) => f.endsWith(".yaml")).sort();

  it("ships the three workloads on H100, H200, B200 and the MoE fleet (simulated by the physical-node tests, not by cli.test.ts, which reads scenarios/ only)", () => {
    const mixes = ["baseline", "tts-10", "tts-all"];
    expect(shipped).toEqual(["physical", "physical-b200", "physical-h200", "physical-moe"].flatMap((p) => mixes.map((m) => `${p}-${m}.yaml`)).sort());
  });

  it.each(shipped)("%s validates, and its node count is what inferwatt size recommends", (file) => {
    const path = fileURLToPath(new URL(file, dir));
    const s = loadScenario(path);
    expect(s.pools).toHaveLength(1);
    expect(s.pools[0].physical).toBeDefined();
    const [row] = sizePools(s, 0.8);
    expect(s.pools[0].nodes).toBe(row.nodes);
    // the header states the command and the memory-limited batch it found
    const text = readFileSync(path, "utf8");
    expect(text).toContain(`inferwatt size scenarios/physical/${file}`);
    expect(text.replace(/\n# /g, " ")).toContain(`B* = min(max_batch 256, ${row.physical!.memoryBatch} running queries' reservations in the KV cache) = ${row.physical!.batch}`);
  });
});
