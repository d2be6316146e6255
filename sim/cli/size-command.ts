import { sizePools } from "../fleet/offered-work.ts";
import type { PhysicalSizing } from "../fleet/physical-sizing.ts";
import type { Pool } from "../scenario/types.ts";
import { loadScenario } from "../scenario-file/load.ts";
import { UsageError } from "../scenario/errors.ts";
import { SIZE_USAGE } from "./usage.ts";
import { parseFlags } from "./parse-flags.ts";

export function sizeCommand(argv: string[], out: (s: string) => void): void {
  const { values, positionals } = parseFlags({
    args: argv,
    options: { utilization: { type: "string" }, set: { type: "string", multiple: true } },
    allowPositionals: true,
    strict: true,
  });
  if (positionals.length !== 1) throw new UsageError(`expected one scenario file; usage: ${SIZE_USAGE.split("\n")[0]}`);
  const u = values.utilization === undefined ? 0.8 : Number(values.utilization);
  if (!(u > 0 && u <= 1)) throw new UsageError(`--utilization: got "${values.utilization}"; expected a number in (0, 1]`);
  const s = loadScenario(positionals[0], { set: values.set ?? [] });
  const rows = sizePools(s, u);
  const total = rows.reduce((n, r) => n + r.nodes, 0);
  const w = Math.max(5, ...rows.map((r) => r.pool.length));
  const lines = [
    `${s.name}: nodes for the peak hour at utilization ${u},`,
    `ceil(peak queries/s x node-seconds per query at full batch / ${u})`,
    `  ${"pool".padEnd(w)}  ${"nodes".padStart(7)}  ${"peak queries/s".padStart(14)}  ${"node-s per query".padStart(16)}`,
    ...rows.map((r) => `  ${r.pool.padEnd(w)}  ${String(r.nodes).padStart(7)}  ${r.peakRatePerS.toFixed(1).padStart(14)}  ${r.meanWorkNodeS.toFixed(4).padStart(16)}`),
    `  ${"total".padEnd(w)}  ${String(total).padStart(7)}`,
    ...rows.flatMap((r) => (r.physical ? physicalLines(r.pool, s.pools.find((p) => p.name === r.pool)!, r.physical) : [])),
  ];
  out(lines.join("\n") + "\n");
}

/**
 * A pool on the physical node: where its node-seconds per query come from. The full batch is what the KV
 * memory left by the weights holds (each query reserves input + output tokens), at most max_batch.
 */
function physicalLines(name: string, pool: Pool, z: PhysicalSizing): string[] {
  const c = pool.physical!.config;
  const ms = (s: number) => `${(s * 1e3).toFixed(2)} ms`;
  return [
    `${name}: ${pool.physical!.architecture} ${c.precision} (KV cache ${c.kvPrecision}), tensor parallel ${c.tp} on ${pool.hardware.name}`,
    `  KV cache ${z.kvCapacityTokens} tokens / ${Math.round(z.reservationTokens)} reserved per running query (input + output, weighted by its stay): memory-limited batch ${z.memoryBatch}`,
    `  full batch B* = min(max_batch ${pool.maxBatch}, ${z.memoryBatch}) = ${z.batch}; decode step ${ms(z.decodeStepS)} at ${Math.round(z.kvTokens)} tokens of context`,
    `  node-s per query = ${z.meanOutputTokens.toFixed(1)} output tokens x ${ms(z.decodeStepS)} / ${z.batch} + prefill ${ms(z.prefillS)}`,
  ];
}
