// One benchmark run in its own process (so peak RSS is this run's): prints one JSON line.
// `bench/one.ts <scenario.yaml> [key=value ...] [--shards N]`: with N > 1 the fleet is split into N
// shards simulated in parallel worker threads (as `inferwatt run --shards N` does) and merged.
import { tuneV8 } from "../sim/engine/v8-tuning.ts";
import { simulate } from "../sim/engine/simulation.ts";
import type { SimResult } from "../sim/engine/result.ts";
import { simulateSharded } from "../sim/jobs/sharded.ts";
import { loadScenario } from "../sim/scenario-file/load.ts";

// as bin/inferwatt.js does: what is measured is what the command runs
tuneV8();
const args = process.argv.slice(2);
const at = args.indexOf("--shards");
const shards = at >= 0 ? Number(args.splice(at, 2)[1]) : 1;
const [file, ...set] = args;
const scenario = loadScenario(file, { set });
const t0 = performance.now();
const r: SimResult =
  shards > 1
    ? await simulateSharded(scenario, { file, set, outDir: "", verbose: false }, shards, new SharedArrayBuffer(4), () => {})
    : simulate(scenario);
const wallS = (performance.now() - t0) / 1000;
console.log(
  JSON.stringify({
    scenario: scenario.name,
    ...(shards > 1 ? { shards } : {}),
    queries: r.arrived,
    events: r.events,
    wall_s: Number(wallS.toFixed(3)),
    queries_per_wall_s: Math.round(r.arrived / wallS),
    events_per_wall_s: Math.round(r.events / wallS),
    // the process's peak, so the shards' worker threads count too
    peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
  }),
);
