import { Box, Text } from "ink";
import { clock, mwText, wallTime } from "../text/format.ts";
import type { CompareRowState } from "./compare-state.ts";
import { kvText, phaseShares, phaseText, type PhaseShares } from "./phase-text.ts";
import { ProgressBar } from "./ProgressBar.tsx";

const fixed = (v: number | null | undefined, digits: number) => (v === null || v === undefined || !Number.isFinite(v) ? "-" : v.toFixed(digits));

/**
 * A scenario with physical pools: its phase split of facility energy and its KV fill (now while it
 * runs, the time mean once done); null without physical pools (the row is one line, as before).
 */
export function comparePhases(row: CompareRowState): { shares: PhaseShares | null; kvFill: number | null } | null {
  const summary = row.outcome?.summary;
  if (summary) {
    const b = summary.energy.by_phase;
    return b ? { shares: phaseShares(b.prefill_wh, b.decode_wh, b.idle_wh), kvFill: summary.utilization.kv_fill_mean } : null;
  }
  const ph = row.progress?.physical;
  return ph ? { shares: phaseShares(ph.prefillWh, ph.decodeWh, ph.idleWh), kvFill: ph.kvFill } : null;
}

/** Lines a row takes: two with physical pools (the phase line under it), else one. */
export const compareRowLines = (row: CompareRowState) => (row.status !== "queued" && row.status !== "skipped" && row.progress && comparePhases(row) ? 2 : 1);

/** The phase line under a row, within `columns`: under the bar, or less indented, or shorter. */
function phaseLine(phases: NonNullable<ReturnType<typeof comparePhases>>, nameWidth: number, columns: number): string {
  const long = `${phaseText(phases.shares)}   ${kvText(phases.kvFill)}`;
  const short = `${phaseText(phases.shares, " ")}  ${kvText(phases.kvFill)}`;
  const candidates = [" ".repeat(nameWidth + 1) + long, `  ${long}`, `  ${short}`];
  return candidates.find((c) => c.length <= columns) ?? candidates[candidates.length - 1].slice(0, Math.max(0, columns));
}

/**
 * One scenario of a comparison as it runs: bar, simulated clock, power, projected GWh/day, median Wh
 * per query, ETA. Narrower than the row (`columns`): the clock goes first, then the bar shortens, then
 * the power goes, then Wh per query.
 */
export function CompareRow({ row, nameWidth, columns = Infinity }: { row: CompareRowState; nameWidth: number; columns?: number }) {
  const name = row.name.padEnd(nameWidth);
  const p = row.progress;
  if (!p && row.outcome) {
    // a run that finished before its first progress snapshot arrived (a short one): its results alone
    const s = row.outcome.summary;
    return (
      <Text>
        {name} <ProgressBar fraction={1} width={columns < 80 ? 6 : 12} color="cyan" />
        <Text color="yellow">{`  ${fixed(s.energy.gwh_per_day, 3)} GWh/day`}</Text>
        {`  ${fixed(s.per_query_wh.attributed.p50, 3)} Wh/query  ${row.outcome.incomplete ? "stopped early" : `done in ${wallTime(s.sim.wall_s)}`}`}
      </Text>
    );
  }
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
  const clockText = `  ${clock(simS)}/${clock(p.durationS)}`;
  const powerText = `  ${mwText(p.facilityPowerW).padStart(5)} MW`;
  const gwhText = `  ${fixed(gwh, 3)} GWh/day`;
  const whText = `  ${fixed(wh, 3)} Wh/query`;
  // name, space, " 100%" after the bar, GWh/day and the tail (at least as wide as "ETA 1 min 0 s", so that
  // the parts shown change seldom from frame to frame)
  const fixedWidth = name.length + 1 + 5 + gwhText.length + 2 + Math.max(tail.length, 13);
  const showWh = fixedWidth + 6 + whText.length <= columns;
  const rest = `${showWh ? whText : ""}  ${tail}`;
  const withWh = fixedWidth + whText.length;
  const showClock = withWh + 12 + clockText.length + powerText.length <= columns;
  const showPower = withWh + 6 + powerText.length <= columns;
  const barWidth = withWh + 12 + (showPower ? powerText.length : 0) + (showClock ? clockText.length : 0) <= columns ? 12 : 6;
  const phases = comparePhases(row);
  const line = (
    <Text>
      {name} <ProgressBar fraction={fraction} width={barWidth} color={row.outcome ? "cyan" : "green"} />
      {showClock ? clockText : ""}
      {showPower ? powerText : ""}
      <Text color="yellow">{gwhText}</Text>
      {rest}
    </Text>
  );
  if (!phases) return line;
  return (
    <Box flexDirection="column">
      {line}
      <Text dimColor>{phaseLine(phases, nameWidth, columns)}</Text>
    </Box>
  );
}
