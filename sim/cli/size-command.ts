import { sizePools } from "../fleet/offered-work.ts";
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
  ];
  out(lines.join("\n") + "\n");
}
