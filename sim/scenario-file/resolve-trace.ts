import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { parseDurationS } from "../../models/duration.ts";
import type { LengthSpec } from "../../models/lengths.ts";
import type { LogHistogram } from "../stats/log-histogram.ts";
import { scanTrace, type TraceScan } from "../arrivals/trace-scan.ts";
import { gotExpected, TraceError, type Problem } from "../scenario/errors.ts";
import type { RawTraceWorkload } from "./schema.ts";
import type { LengthMatch, QueryClass, Scenario, TraceReplay } from "../scenario/types.ts";

const DAY_S = 86_400;

/**
 * A trace workload: the file found (relative to `dir`) and read once, streamed, so that a bad row
 * is reported now and the replay's rate and class shares are known. queriesPerDay becomes the
 * replay's mean rate, and each class's lengths a log-normal through the P5 and P95 of its rows
 * (a summary for sizing; the replay gives every query its own row's lengths).
 */
export function resolveTraceWorkload(raw: RawTraceWorkload, dir: string, problems: Problem[]): Scenario["workload"] {
  const before = problems.length;
  const t = raw.trace;
  const file = resolve(dir, t.file);
  if (!existsSync(file)) problems.push({ path: "workload.trace.file", message: gotExpected(t.file, `a trace file; ${file} does not exist`) });
  const startAtS = durationS(t.start_at, problems);
  const match = raw.classes.map((c, i) => lengthMatch(c.match, `workload.classes.${i}.match`, problems));
  let scan: TraceScan | undefined;
  if (problems.length === before) {
    try {
      scan = scanTrace({ file, timeScale: t.time_scale, loop: t.loop, startAtS, match });
    } catch (e) {
      if (!(e instanceof TraceError)) throw e;
      problems.push({ path: "workload.trace.file", message: e.message });
    }
  }
  const trace: TraceReplay = {
    file,
    format: t.format,
    timeScale: t.time_scale,
    loop: t.loop,
    startAtS,
    match,
    rows: scan?.rows ?? 0,
    periodS: scan?.periodS ?? NaN,
  };
  const classes = raw.classes.map((c, i): QueryClass => {
    const rows = scan?.classRows[i] ?? 0;
    return {
      name: c.name,
      share: scan ? rows / scan.rows : 0,
      inputTokens: rows > 0 ? summary(scan!.inputTokens[i]) : { fixed: 0 },
      outputTokens: rows > 0 ? summary(scan!.outputTokens[i]) : { fixed: 0 },
    };
  });
  const queriesPerDay = scan && scan.periodS > 0 ? (scan.rows * DAY_S) / scan.periodS : 0;
  return { queriesPerDay, diurnal: { kind: "none" }, classes, trace };
}

function durationS(value: string | number, problems: Problem[]): number {
  try {
    return parseDurationS(value);
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    problems.push({ path: "workload.trace.start_at", message: gotExpected(value, 'a duration such as "10m" or "3600s", or a number of seconds') });
    return NaN;
  }
}

function lengthMatch(raw: RawTraceWorkload["classes"][number]["match"], path: string, problems: Problem[]): LengthMatch | null {
  if (raw === undefined) return null;
  for (const side of ["input", "output"] as const) {
    const min = raw[`min_${side}_tokens`];
    const max = raw[`max_${side}_tokens`];
    if (min !== undefined && max !== undefined && max < min) {
      problems.push({ path: `${path}.max_${side}_tokens`, message: gotExpected(max, `a number >= min_${side}_tokens (${min})`) });
    }
  }
  return {
    ...(raw.min_input_tokens !== undefined && { minInputTokens: raw.min_input_tokens }),
    ...(raw.max_input_tokens !== undefined && { maxInputTokens: raw.max_input_tokens }),
    ...(raw.min_output_tokens !== undefined && { minOutputTokens: raw.min_output_tokens }),
    ...(raw.max_output_tokens !== undefined && { maxOutputTokens: raw.max_output_tokens }),
  };
}

/** A class's token counts in the trace as a log-normal through their P5 and P95 (at least 1 token). */
function summary(h: LogHistogram): LengthSpec {
  const p5 = Math.max(1, Math.round(h.quantile(0.05)));
  const p95 = Math.max(p5, Math.round(h.quantile(0.95)));
  return { lognormal: { p5, p95 } };
}
