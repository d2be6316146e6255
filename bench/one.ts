// One benchmark run in its own process (so peak RSS is this run's): prints one JSON line.
// `bench/one.ts <scenario.yaml> [key=value ...] [--shards N] [--root DIR]`: with N > 1 the fleet is
// split into N shards simulated in parallel worker threads (as `inferwatt run --shards N` does) and
// merged. What runs is the compiled code in DIR/dist (default this checkout's; `node scripts/build.js`
// makes it current, as run.ts and ab.ts do first), the code bin/inferwatt.js runs: the same sources
// through the TypeScript loader ran 7-10 % slower (docs/performance-journal.md), which a benchmark of
// the command must not count.
import { pathToFileURL } from "node:url";
import path from "node:path";
import type { SimResult } from "../sim/engine/result.ts";

const args = process.argv.slice(2);
const rootAt = args.indexOf("--root");
const root = rootAt >= 0 ? path.resolve(args.splice(rootAt, 2)[1]) : path.resolve(import.meta.dirname, "..");
const load = async <T>(file: string): Promise<T> => (await import(pathToFileURL(path.join(root, "dist", file)).href)) as T;
const { tuneV8 } = await load<typeof import("../sim/engine/v8-tuning.ts")>("sim/engine/v8-tuning.js");
// as bin/inferwatt.js does, before anything gets hot
tuneV8();
const { simulate } = await load<typeof import("../sim/engine/simulation.ts")>("sim/engine/simulation.js");
const { simulateSharded } = await load<typeof import("../sim/jobs/sharded.ts")>("sim/jobs/sharded.js");
const { loadScenario } = await load<typeof import("../sim/scenario-file/load.ts")>("sim/scenario-file/load.js");
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
