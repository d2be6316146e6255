import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { reflowUsage } from "../sim/cli/help-text.ts";
import { NODE_USAGE } from "../sim/cli/usage.ts";

const ROOT = new URL("..", import.meta.url);
const inferwatt = (...args: string[]) =>
  spawnSync(process.execPath, ["bin/inferwatt.js", ...args], { cwd: ROOT, encoding: "utf8", env: { ...process.env, CI: "true" } });

describe("inferwatt node", () => {
  it("--json: one object with the contract's keys; 405B FP8 on 8x H100 at 5,500 tokens holds 329,680 tokens, batch 256 does not fit", () => {
    const r = inferwatt("node", "--model", "llama-3.1-405b", "--hardware", "h100-sxm-8x", "--precision", "fp8", "--batch", "8,256", "--context", "5500", "--json");
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(Object.keys(j)).toEqual(["model", "hardware", "precision", "tp", "kv_capacity_tokens", "rows", "prefill"]);
    expect(j).toMatchObject({ model: "llama-3.1-405b", hardware: "h100-sxm-8x", precision: "fp8", tp: 8 });
    // (0.9 x 80 GB - 405.853e9 B / 8) / (126 layers x 2 x 8 heads x 128 x 2 B / 8 GPUs) per GPU, one replica
    expect(j.kv_capacity_tokens).toBe(Math.floor((0.9 * 80e9 - 405.853e9 / 8) / ((126 * 2 * 8 * 128 * 2) / 8)));
    expect(j.rows.map((row: { batch: number; fits: boolean }) => [row.batch, row.fits])).toEqual([[8, true], [256, false]]);
    for (const row of j.rows) {
      expect(Object.keys(row)).toEqual(["batch", "context_tokens", "step_ms", "node_output_tokens_per_s", "gpu_w", "node_w", "j_per_token_gpu", "j_per_token_node", "fits"]);
      expect(row.context_tokens).toBe(5500);
      expect(row.node_output_tokens_per_s).toBeCloseTo((row.batch / row.step_ms) * 1000, 6);
      // all eight GPUs, then the node with host busy 1,600 W and network 300 W (h100-sxm-8x.yaml)
      expect(row.j_per_token_gpu).toBeCloseTo((8 * row.gpu_w) / row.node_output_tokens_per_s, 9);
      expect(row.node_w).toBeCloseTo(8 * row.gpu_w + 1600 + 300, 9);
      expect(row.gpu_w).toBeGreaterThanOrEqual(110);
      expect(row.gpu_w).toBeLessThanOrEqual(700);
    }
    // a decode step of 405B FP8 at batch 8 reads 50.7 GB per GPU: at least 15 ms at 3.35 TB/s
    expect(j.rows[0].step_ms).toBeGreaterThan(405.853e9 / 8 / 3.35e12 * 1000);
    expect(Object.keys(j.prefill)).toEqual(["node_input_tokens_per_s", "gpu_w", "j_per_input_token_node"]);
    // compute bound: at most 8 x 1,979 TFLOP/s over 2 x 405.853e9 FLOPs per token
    expect(j.prefill.node_input_tokens_per_s).toBeLessThan((8 * 1978e12) / (2 * 405.853e9));
  });

  it("fits 80 columns, with the shipped measurement beside a measured configuration", () => {
    const runs = [
      ["--model", "llama-3.1-70b", "--hardware", "h100-sxm-8x", "--tp", "4", "--batch", "8,64,256,1024"],
      ["--model", "llama-4-maverick-17b-128e", "--hardware", "h100-sxm-8x", "--precision", "fp8", "--batch", "8,16,512"],
      ["--model", "deepseek-r1", "--hardware", "b200-8x", "--batch", "1,16,64,128,256,4096", "--context", "8000"],
      ["--model", "gpt-oss-120b", "--hardware", "h100-sxm-10x-equiv", "--tp", "2", "--batch", "1024,2048"],
      ["--model", "qwen3-235b-a22b", "--hardware", "h200-sxm-8x"],
    ];
    for (const args of runs) {
      const r = inferwatt("node", ...args);
      expect(r.stderr).toBe("");
      expect(r.status).toBe(0);
      expect(Math.max(...r.stdout.split("\n").map((l) => l.length))).toBeLessThanOrEqual(80);
    }
    const measured = inferwatt("node", ...runs[0]).stdout;
    // ML.ENERGY v3: Llama-3.1-70B-Instruct, TP4, max_num_seqs 8: ITL p50 16.572 ms, 441.3 W per GPU
    expect(measured).toMatch(/\n {2}meas\. {5}16\.6 +[\d,]+ +441 +\S+ +lm-arena-chat\n/);
    expect(measured).toMatch(/tp 4, 2 replicas/);
  });

  it("exit 2 listing what is known: unknown model, unknown hardware, a precision the GPU lacks", () => {
    const model = inferwatt("node", "--model", "llama-9", "--hardware", "h100-sxm-8x");
    expect(model.status).toBe(2);
    expect(model.stderr).toMatch(/--model: unknown model "llama-9"; known models: .*deepseek-v3, .*llama-3\.1-405b, /);
    const hw = inferwatt("node", "--model", "llama-3.1-8b", "--hardware", "tpu");
    expect(hw.status).toBe(2);
    expect(hw.stderr).toMatch(/--hardware: unknown profile "tpu"; known profiles: b200-8x, h100-sxm-10x-equiv, h100-sxm-8x, h200-sxm-8x/);
    const fp4 = inferwatt("node", "--model", "llama-3.1-70b", "--hardware", "h200-sxm-8x", "--precision", "fp4");
    expect(fp4.status).toBe(2);
    expect(fp4.stderr).toMatch(/h200-sxm-8x \(H200 SXM 141GB\) has no FP4 tensor cores; precisions it runs: bf16, fp8/);
    const big = inferwatt("node", "--model", "llama-3.1-405b", "--hardware", "h100-sxm-8x", "--precision", "bf16");
    expect(big.status).toBe(2);
    expect(big.stderr).toMatch(/does not fit h100-sxm-8x/);
  });

  it("help node: the usage reflowed to 80 columns, every word kept", () => {
    const r = inferwatt("help", "node");
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(reflowUsage(NODE_USAGE) + "\n");
    expect(Math.max(...r.stdout.split("\n").map((l) => l.length))).toBeLessThanOrEqual(80);
    const words = (s: string) => s.split(/\s+/).filter(Boolean);
    expect(words(r.stdout)).toEqual(words(NODE_USAGE));
  });
});
