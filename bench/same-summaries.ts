// npm run bench:same: the byte-identity gate for changes to the engine. Simulates every shipped
// scenario (and the benchmark ones, and one shard of each) over a short span and prints one line per
// run (the physical node's scenarios too): the SHA-256 of its summary.json without the timing fields, and its GWh/day. Run it before and
// after a change and diff the outputs: a refactoring must leave every line the same.
import { createHash } from "node:crypto";
import { readdirSync } from "node:fs";
import { simulate } from "../sim/engine/simulation.ts";
import { buildSummary, TIMING_FIELDS } from "../sim/report/summary.ts";
import { loadScenario } from "../sim/scenario-file/load.ts";
import { shardScenario, shardStreams } from "../sim/scenario/shard.ts";

/** Simulated span per file (long enough for warmup, ticks and, where autoscaled, several decisions). */
const SPANS: Record<string, string> = { "baseline-autoscaled.yaml": "50m", "small.yaml": "1h", "trace-conv.yaml": "30m" };
const files = [
  ...readdirSync("scenarios").filter((f) => f.endsWith(".yaml")).map((f) => `scenarios/${f}`),
  ...readdirSync("scenarios/physical").filter((f) => f.endsWith(".yaml")).map((f) => `scenarios/physical/${f}`),
  ...readdirSync("bench/scenarios").filter((f) => f.endsWith(".yaml")).map((f) => `bench/scenarios/${f}`),
].sort();
for (const file of files) {
  const base = file.split("/").pop()!;
  const set = [`duration=${SPANS[base] ?? "8m"}`];
  const s = loadScenario(file, { set });
  const variants = s.workload.trace ? [["whole", s] as const] : ([["whole", s], ["shard 2 of 3", shardScenario(s, 1, 3)]] as const);
  for (const [label, scenario] of variants) {
    const summary = buildSummary(scenario, simulate(scenario, { streams: shardStreams(scenario) }), { peakRssMb: 0 }) as { sim: Record<string, unknown>; energy: { gwh_per_day: number } };
    for (const k of TIMING_FIELDS) delete summary.sim[k];
    const hash = createHash("sha256").update(JSON.stringify(summary, null, 2)).digest("hex").slice(0, 16);
    console.log(`${file} ${set.join(" ")} ${label}: ${hash} ${summary.energy.gwh_per_day.toPrecision(8)} GWh/day`);
  }
}
