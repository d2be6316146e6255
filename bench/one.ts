// One benchmark run in its own process (so peak RSS is this run's): prints one JSON line.
import { Simulation } from "../sim/engine/simulation.ts";
import { loadScenario } from "../sim/scenario/load.ts";

const [file, ...set] = process.argv.slice(2);
const scenario = loadScenario(file, { set });
const t0 = performance.now();
const r = new Simulation(scenario).runToEnd();
const wallS = (performance.now() - t0) / 1000;
console.log(
  JSON.stringify({
    scenario: scenario.name,
    queries: r.arrived,
    events: r.events,
    wall_s: Number(wallS.toFixed(3)),
    queries_per_wall_s: Math.round(r.arrived / wallS),
    events_per_wall_s: Math.round(r.events / wallS),
    peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
  }),
);
