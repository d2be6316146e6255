// The plain lines (no ink, no escape codes) of the terminal output: the progress line for logs and
// terminals without the live view, and the final summary both the live view and the plain output end with.
import { join } from "node:path";
import type { SimProgress } from "../engine/result.ts";
import type { Summary } from "../report/summary.ts";
import { clock, mwText, si, wallTime } from "../text/format.ts";
import { kvText, percent, phaseShares, phaseText } from "./phase-text.ts";

/** One plain progress line (no escape codes), for logs and terminals without the live view. */
export function progressLine(p: SimProgress): string {
  const frac = p.durationS > 0 ? p.simS / p.durationS : 1;
  const eta = frac > 0 ? (p.wallS * (1 - frac)) / frac : NaN;
  return (
    `[${(frac * 100).toFixed(0).padStart(3)}%] simulated ${clock(p.simS)} of ${clock(p.durationS)}` +
    ` | ${si(p.arrived)} queries, ${si(p.inFlight)} in flight | ${mwText(p.facilityPowerW)} MW facility` +
    ` | wall ${wallTime(p.wallS)}, ETA ${wallTime(eta)}` +
    (p.physical ? ` | ${phaseText(phaseShares(p.physical.prefillWh, p.physical.decodeWh, p.physical.idleWh), " ")}, ${kvText(p.physical.kvFill)}` : "")
  );
}

/** The final summary's lines for physical pools (none without them): phase split, time per output token, KV memory. */
function physicalLines(s: Summary): { phase: string[]; token: string[]; kv: string[] } {
  const f = (v: number, d: number) => (Number.isFinite(v) ? v.toFixed(d) : "-");
  const b = s.energy.by_phase;
  const tpot = s.latency_s.tpot;
  // keys a summary.json from before the physical node lacks: absent, as null
  return {
    phase: b ? [`  by phase    ${phaseText(phaseShares(b.prefill_wh, b.decode_wh, b.idle_wh), ", ")} of facility energy`] : [],
    token: tpot ? [`  per token   TPOT p50 ${f(1000 * tpot.p50, 1)} ms, p99 ${f(1000 * tpot.p99, 1)} ms (time per output token)`] : [],
    kv:
      s.utilization.kv_fill_mean != null
        ? [
            `  KV memory   ${percent(s.utilization.kv_fill_mean)} full (time mean over busy nodes), ${si(s.queries.waited_for_memory)} queries waited for memory, ` +
              `${si(s.queries.truncated)} truncated to fit; at most ${s.utilization.max_active_per_node} queries on a node`,
          ]
        : [],
  };
}

/** The compact final summary both the live view and the plain output end with. */
export function finalSummaryLines(s: Summary, outDir: string): string[] {
  const q = s.per_query_wh.attributed;
  const f = (v: number | null, d = 3) => (v === null || !Number.isFinite(v) ? "-" : v.toFixed(d));
  const c = s.energy.by_component;
  const total = s.energy.facility_wh;
  const pct = (v: number) => (total > 0 ? `${((100 * v) / total).toFixed(0)}%` : "-");
  const physical = physicalLines(s);
  return [
    `${s.scenario} (seed ${s.seed})${s.state === "completed" ? "" : " INCOMPLETE: " + s.state}`,
    `  energy      ${f(s.energy.gwh_per_day)} GWh/day  (${f(total / 1e6, 2)} MWh facility over ${clock(s.simulated_s)} simulated)`,
    `  per query   median ${f(q.p50)} Wh, mean ${f(q.mean)} Wh attributed; all-in mean ${f(s.per_query_wh.all_in_mean)} Wh`,
    `  overhead    ${f(s.energy.overhead_factor, 2)} x the paper's P(C) x work  (paper: beta x PUE = 1.33 x PUE)`,
    `  where       GPU busy ${pct(c.gpu_busy_wh)}, GPU idle ${pct(c.gpu_idle_wh)}, host ${pct(c.host_wh)}, network ${pct(c.interconnect_wh)}` +
      `${c.parked_wh > 0 ? `, parked ${pct(c.parked_wh)}` : ""}, orchestration ${pct(c.orchestration_wh)}, cooling+power ${pct(c.cooling_and_power_wh)}`,
    ...physical.phase,
    `  queries     ${si(s.queries.arrived)} arrived, ${si(s.queries.completed)} completed, ${si(s.queries.in_flight)} in flight`,
    `  latency     e2e p50 ${f(s.latency_s.e2e.p50, 1)} s, p99 ${f(s.latency_s.e2e.p99, 1)} s; wait p99 ${f(s.latency_s.wait.p99, 2)} s; TTFT p99 ${f(s.latency_s.ttft.p99, 2)} s`,
    ...physical.token,
    `  fleet       ${f(s.utilization.mean_active_per_node, 1)} queries active per node on average, speed h ${f(s.utilization.mean_h, 2)}, busy ${f(100 * s.utilization.busy_node_fraction, 1)}% of node time`,
    ...physical.kv,
    `  results     ${outDir}`,
    `  report      ${join(outDir, "report.html")}`,
  ];
}
