// One side of `npm run bench:lockstep`: a simulation in its own process that runs one span at a time
// when the parent says so, and reports how long the span took. Started by bench/lockstep.ts (fork).
// `bench/lockstep-child.ts <scenario.yaml> --root DIR [key=value ...]`: the compiled code in DIR/dist, as bench/one.ts runs it.
import { pathToFileURL } from "node:url";
import path from "node:path";

const args = process.argv.slice(2);
const rootAt = args.indexOf("--root");
const root = path.resolve(args.splice(rootAt, 2)[1]);
const load = async <T>(file: string): Promise<T> => (await import(pathToFileURL(path.join(root, "dist", file)).href)) as T;
const { tuneV8 } = await load<typeof import("../sim/engine/v8-tuning.ts")>("sim/engine/v8-tuning.js");
tuneV8();
const { Simulation } = await load<typeof import("../sim/engine/simulation.ts")>("sim/engine/simulation.js");
const { loadScenario } = await load<typeof import("../sim/scenario-file/load.ts")>("sim/scenario-file/load.js");
const [file, ...set] = args;
const scenario = (() => {
  try {
    return loadScenario(file, { set });
  } catch (e) {
    // a scenario that does not load: its message (file and key), exit 2 as the command does
    console.error(e instanceof Error ? e.message : String(e));
    process.exit(2);
  }
})();
let sim: InstanceType<typeof Simulation> | undefined;

type Message = { untilS: number } | { finish: true };
process.on("message", (m: Message) => {
  const t0 = performance.now();
  if ("untilS" in m) {
    // the simulation is built in the first span, as simulate() builds it inside bench/one.ts's timing
    sim ??= new Simulation(scenario);
    sim.runUntil(m.untilS);
    process.send!({ ms: performance.now() - t0 });
  } else {
    const r = sim!.finish();
    process.send!({ ms: performance.now() - t0, queries: r.arrived, events: r.events, durationS: scenario.durationS });
  }
});
process.send!({ durationS: scenario.durationS, name: scenario.name });
