import { Text } from "ink";
import { clock, mwText, wallTime } from "../cli/format.ts";
import type { CompareRowState } from "./compare-state.ts";
import { ProgressBar } from "./ProgressBar.tsx";

const fixed = (v: number | null | undefined, digits: number) => (v === null || v === undefined || !Number.isFinite(v) ? "-" : v.toFixed(digits));

/** One scenario of a comparison as it runs: bar, simulated clock, power, projected GWh/day, median Wh per query, ETA. */
export function CompareRow({ row, nameWidth }: { row: CompareRowState; nameWidth: number }) {
  const name = row.name.padEnd(nameWidth);
  const p = row.progress;
  if (row.status === "queued" || row.status === "skipped" || !p) {
    return (
      <Text>
        {name} <Text dimColor>{row.status === "running" ? "starting" : row.status}</Text>
      </Text>
    );
  }
  // a finished run's own end: the duration, or where Ctrl+C stopped it
  const simS = !row.outcome ? p.simS : row.outcome.incomplete ? Math.min(p.warmupS + row.outcome.summary.simulated_s, p.durationS) : p.durationS;
  const fraction = p.durationS > 0 ? simS / p.durationS : 1;
  const etaS = fraction > 0 ? (p.wallS * (1 - fraction)) / fraction : NaN;
  const summary = row.outcome?.summary;
  const gwh = summary ? summary.energy.gwh_per_day : p.projectedGwhPerDay;
  const wh = summary ? summary.per_query_wh.attributed.p50 : p.whPerQueryP50;
  const tail = row.outcome
    ? row.outcome.incomplete
      ? "stopped early"
      : `done in ${wallTime(summary!.sim.wall_s)}`
    : `ETA ${wallTime(etaS)}`;
  return (
    <Text>
      {name} <ProgressBar fraction={fraction} width={12} color={row.outcome ? "cyan" : "green"} />
      {`  ${clock(simS)}/${clock(p.durationS)}  ${mwText(p.facilityPowerW).padStart(5)} MW  `}
      <Text color="yellow">{`${fixed(gwh, 3)} GWh/day`}</Text>
      {`  ${fixed(wh, 3)} Wh/query  ${tail}`}
    </Text>
  );
}
