import { gotExpected, type Problem } from "../scenario/errors.ts";
import { resolveTraceWorkload } from "./resolve-trace.ts";
import type { RawGeneratedWorkload, RawScenario } from "./schema.ts";
import type { Diurnal, Scenario } from "../scenario/types.ts";

const SHARE_TOLERANCE = 1e-6;

/**
 * The workload with class names checked: generated (class shares summing to 1, the diurnal shape
 * normalised) or replayed from a trace (its file relative to `dir`).
 */
export function resolveWorkload(raw: RawScenario["workload"], dir: string, problems: Problem[]): Scenario["workload"] {
  const names = raw.classes.map((c) => c.name);
  names.forEach((name, i) => {
    if (names.indexOf(name) < i) problems.push({ path: `workload.classes.${i}.name`, message: gotExpected(name, "a name no other class has") });
  });
  return "trace" in raw ? resolveTraceWorkload(raw, dir, problems) : resolveGenerated(raw, problems);
}

function resolveGenerated(raw: RawGeneratedWorkload, problems: Problem[]): Scenario["workload"] {
  const sum = raw.classes.reduce((s, c) => s + c.share, 0);
  if (Math.abs(sum - 1) > SHARE_TOLERANCE) {
    const terms = raw.classes.map((c) => c.share).join(" + ");
    problems.push({ path: "workload.classes", message: `got shares summing to ${sum} (${terms}); expected a sum of 1` });
  }
  return {
    queriesPerDay: raw.queries_per_day,
    diurnal: diurnal(raw.diurnal),
    classes: raw.classes.map((c) => ({ name: c.name, share: c.share, inputTokens: c.input_tokens, outputTokens: c.output_tokens })),
  };
}

function diurnal(raw: RawGeneratedWorkload["diurnal"]): Diurnal {
  if (raw === "none") return { kind: "none" };
  if ("hourly" in raw) {
    const mean = raw.hourly.reduce((s, x) => s + x, 0) / raw.hourly.length;
    return { kind: "hourly", multipliers: raw.hourly.map((x) => x / mean) };
  }
  return { kind: "sinusoid", peakToTrough: raw.peak_to_trough, peakHour: raw.peak_hour };
}
