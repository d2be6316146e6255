import type { Summary } from "../report/summary.ts";
import { UsageError } from "../scenario/errors.ts";

/** The latencies summary.json reports: waiting in the pool queue, to the first token, end to end, per output token. */
export const SLO_METRICS = ["ttft", "tpot", "e2e", "wait"] as const;
export type SloMetric = (typeof SLO_METRICS)[number];

/** One latency target: the p99 of a metric, over all queries or one class's, at most `targetS`. */
export interface Slo {
  readonly metric: SloMetric;
  /** null: every query. */
  readonly className: string | null;
  readonly targetS: number;
  /** As the user wrote it (`ttft_p99:reasoning=30`), for messages. */
  readonly text: string;
}

/** `--slo ttft_p99=1`, `--slo e2e_p99:traditional=60`: a UsageError naming the flag when malformed. */
export function parseSlo(text: string): Slo {
  const m = /^([a-z0-9]+)_p99(?::([^=]+))?=(.+)$/.exec(text.trim());
  const metric = m?.[1] as SloMetric | undefined;
  const targetS = Number(m?.[3]);
  if (!m || !SLO_METRICS.includes(metric!) || !(targetS > 0) || !Number.isFinite(targetS)) {
    throw new UsageError(
      `--slo: got "${text}"; expected <metric>_p99[:<class>]=<seconds > 0> with metric one of ${SLO_METRICS.join(", ")}, e.g. --slo ttft_p99=1 or --slo e2e_p99:traditional=60`,
    );
  }
  return { metric: metric!, className: m[2]?.trim() ?? null, targetS, text: text.trim() };
}

/**
 * The p99 the SLO is about in a run's summary, seconds; null when the run has no query it is about (the
 * class is not served there). A class that arrived but never completed is Infinity (nothing met the target).
 */
export function sloValue(summary: Summary, slo: Slo): number | null {
  const scope = slo.className === null ? { arrived: summary.queries.arrived, completed: summary.queries.completed, latency: summary.latency_s } : classScope(summary, slo.className);
  if (!scope || scope.arrived === 0) return null;
  if (scope.completed === 0) return Infinity;
  const q = scope.latency[slo.metric];
  return q === null ? null : q.p99;
}

function classScope(summary: Summary, name: string) {
  const c = summary.per_class[name];
  return c ? { arrived: c.arrived, completed: c.completed, latency: c.latency_s } : null;
}

/** Whether a run meets every SLO (those about nothing in it are met). */
export const meetsAll = (summary: Summary, slos: readonly Slo[]) => slos.every((slo) => (sloValue(summary, slo) ?? 0) <= slo.targetS);
