import { centralValue } from "../../models/uncertain.ts";
import { seconds } from "./seconds.ts";
import { gotExpected, ScenarioError, type Problem } from "../scenario/errors.ts";
import { checkLimits } from "./limits.ts";
import { resolvePools } from "./resolve-pools.ts";
import { resolveWorkload } from "./resolve-workload.ts";
import type { RawScenario } from "./schema.ts";
import type { Scenario } from "../scenario/types.ts";

/** Default time-series interval: 5 minutes, or a twelfth of the run if that is shorter. */
const TIMESERIES_INTERVAL_S = 300;

/**
 * A validated raw scenario made concrete: durations in seconds, defaults that depend on other keys,
 * names looked up (relative files against `dir`), uncertain values at their medians.
 * Throws a ScenarioError listing every problem found.
 */
export function resolveScenario(raw: RawScenario, file: string, dir: string): Scenario {
  const problems: Problem[] = [];
  const durationS = seconds(raw.duration, "duration", problems, true);
  const warmupS = seconds(raw.warmup, "warmup", problems, false);
  // the warmup is the first part of the duration: one as long would leave nothing measured
  if (warmupS >= durationS && durationS > 0)
    problems.push({ path: "warmup", message: gotExpected(raw.warmup, `a warmup shorter than the duration (${durationS} s), of which it is the first part`) });
  const timeseriesIntervalS =
    raw.timeseries_interval === undefined
      ? Math.min(TIMESERIES_INTERVAL_S, durationS / 12)
      : seconds(raw.timeseries_interval, "timeseries_interval", problems, true);
  const workload = resolveWorkload(raw.workload, dir, problems);
  const pools = resolvePools(raw.pools, workload.classes, dir, problems);
  if (problems.length === 0) problems.push(...checkLimits(durationS, warmupS, timeseriesIntervalS, workload.queriesPerDay, pools));
  if (problems.length > 0) throw new ScenarioError(file, problems);
  return {
    name: raw.name,
    seed: raw.seed,
    durationS,
    warmupS,
    timeseriesIntervalS,
    workload,
    pools,
    facility: { pue: centralValue(raw.facility.pue), orchestrationOverhead: raw.facility.orchestration_overhead },
    efficiency: { model: centralValue(raw.efficiency.model), serving: centralValue(raw.efficiency.serving) },
    replications: raw.replications,
  };
}
