import { Box, Text } from "ink";
import type { ReactNode } from "react";
import type { PoolProgress, SimProgress } from "../engine/result.ts";
import { clock, mwText, si, wallTime } from "../text/format.ts";
import { fitParts } from "../text/fit.ts";
import { PhaseBar } from "./PhaseBar.tsx";
import { kvText, phaseShares, phaseText } from "./phase-text.ts";
import { ProgressBar } from "./ProgressBar.tsx";
import { Sparkline } from "./Sparkline.tsx";

export interface FacilityFactors {
  readonly pue: number;
  readonly orchestrationOverhead: number;
}

const LABEL_WIDTH = 12;
const fixed = (v: number, digits: number) => (Number.isFinite(v) ? v.toFixed(digits) : "-");

/** A labelled line; a line of text rather than a row of boxes, which ink lays out several times faster. */
function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Text>
      <Text bold>{label.padEnd(LABEL_WIDTH)}</Text>
      {children}
    </Text>
  );
}

/**
 * A pool's row as text around its occupancy bar; `compact` (a narrow terminal): a shorter bar, "of 256"
 * for "of max batch (256)", the node counts after the queue. Parked and waking counts are `extra`.
 */
function poolRow(pool: PoolProgress, width: number, compact: boolean) {
  const occupancy = pool.nodesOn > 0 ? pool.activeQueries / pool.nodesOn / pool.maxBatch : 0;
  const extra = [pool.nodesParked ? `${pool.nodesParked} parked` : "", pool.nodesWaking ? `${pool.nodesWaking} waking` : ""].filter(Boolean).join(", ");
  const on = `${pool.nodesOn}/${pool.nodes} on`;
  // a name longer than the width given (a narrow terminal) is cut in the middle, where names that
  // differ only at the end (pool-eu-01, pool-eu-02) stay apart
  const keep = width - 1;
  const name = pool.name.length > width ? `${pool.name.slice(0, Math.ceil(keep / 2))}…${pool.name.slice(pool.name.length - Math.floor(keep / 2))}` : pool.name.padEnd(width);
  const head = `${name}  ${compact ? "" : `${on.padStart(13)}  `}`;
  const barWidth = compact ? 8 : 12;
  const tail = ` ${fixed(100 * occupancy, 0).padStart(3)}% of ${compact ? pool.maxBatch : `max batch (${pool.maxBatch})`}  ${si(pool.queuedQueries)} queued${compact ? `  ${on}` : ""}`;
  return { occupancy, head, barWidth, tail, extra, length: head.length + barWidth + tail.length + (extra ? 2 + extra.length : 0) };
}

function PoolRow({ row, extra }: { row: ReturnType<typeof poolRow>; extra: boolean }) {
  return (
    <Text>
      {row.head}
      <ProgressBar fraction={row.occupancy} width={row.barWidth} percent={false} color="cyan" />
      {row.tail}
      {extra && row.extra ? `  ${row.extra}` : ""}
    </Text>
  );
}

/**
 * The live view of one run: everything a SimProgress snapshot says, laid out in rows that fit in
 * `columns` (a row too long for a narrow terminal goes on two lines, bars get shorter) and in fewer
 * than `rows` lines (pools that do not fit are summed up in one line).
 */
export function RunView({
  progress: p,
  facility,
  columns = Infinity,
  rows = Infinity,
}: {
  progress: SimProgress;
  facility: FacilityFactors;
  columns?: number;
  rows?: number;
}) {
  const span = p.durationS - p.warmupS;
  const fraction = p.durationS > 0 ? p.simS / p.durationS : 1;
  const etaS = fraction > 0 ? (p.wallS * (1 - fraction)) / fraction : NaN;
  const c = p.powerByComponentW;
  const orchestrationW = p.powerW * facility.orchestrationOverhead;
  const coolingW = p.facilityPowerW - p.powerW - orchestrationW;
  const nodeParts = [
    ["GPU busy", c.gpuBusy],
    ["GPU idle", c.gpuIdle],
    ["host", c.host],
    ["network", c.interconnect],
    ...(c.parked ? [["parked", c.parked] as const] : []),
  ] as const;
  const series = p.facilityMwSeries;
  const nameWidth = Math.max(...p.pools.map((x) => x.name.length));
  // what fits after the label
  const room = columns - LABEL_WIDTH;
  const clockText = `  simulated ${clock(p.simS)} of ${clock(p.durationS)}   wall ${wallTime(p.wallS)}   ETA ${wallTime(etaS)}`;
  // bar and " 39%": at most 32 cells, at least 10; sized for wall and ETA times up to "9 min 59 s"
  // (so that it keeps its width from frame to frame)
  const clockRoom = clockText.length - wallTime(p.wallS).length - wallTime(etaS).length + 2 * Math.max(10, wallTime(p.wallS).length, wallTime(etaS).length);
  const barWidth = Math.max(10, Math.min(32, columns - clockRoom - 5));
  // room - 2: the lines after the first are indented by two
  const nodeLines = fitParts(
    nodeParts.map(([name, w], i) => `${i === 0 ? `nodes ${mwText(p.powerW)} MW: ` : ""}${name} ${mwText(w)}`),
    " · ",
    room - 2,
  );
  const perQuery = fitParts(
    [`${fixed(p.whPerQueryP50, 3)} Wh median, ${fixed(p.whPerQueryMean, 3)} Wh mean`, `latency p50 ${fixed(p.e2eP50S, 1)} s, p99 ${fixed(p.e2eP99S, 1)} s`],
    "   ",
    room,
  );
  // compact rows when any full row is too long; then parked and waking counts that do not fit go on a line of their own
  const compactPools = p.pools.some((pool) => poolRow(pool, nameWidth, false).length > room);
  // names cut to what a compact row leaves them (at least 8 characters): a name wider than the terminal
  // would go whole onto a line of its own (ink breaks lines between words) and the frame grow past its count
  const withoutExtra = (row: ReturnType<typeof poolRow>) => row.length - (row.extra ? 2 + row.extra.length : 0);
  const over = Math.max(...p.pools.map((pool) => withoutExtra(poolRow(pool, nameWidth, compactPools)))) - room;
  const poolWidth = compactPools && over > 0 ? Math.max(8, nameWidth - over) : nameWidth;
  const allPools = p.pools.map((pool) => poolRow(pool, poolWidth, compactPools));
  const ownLine = (row: (typeof allPools)[number]) => row.extra !== "" && row.length > room;
  const seriesText =
    series.length > 0
      ? `  ${mwText(1e6 * Math.min(...series))}-${mwText(1e6 * Math.max(...series))} MW over ${series.length} interval${series.length > 1 ? "s" : ""} of simulated time`
      : "";
  const sparkWidth = Math.max(8, Math.min(48, room - seriesText.length));
  const title = `inferwatt ${p.scenario}${p.warmupS > 0 && p.simS < p.warmupS ? " (warming up)" : ""}`;
  const queriesText = `${si(p.arrived)} arrived, ${si(p.completed)} completed, ${si(p.inFlight)} in flight`;
  const speedText = `${si(p.wallS > 0 ? p.arrived / p.wallS : NaN)} queries/s, ${si(p.wallS > 0 ? p.events / p.wallS : NaN)} events/s`;
  const powerText = `${mwText(p.facilityPowerW)} MW`;
  const overheadText = `+ orchestration ${mwText(orchestrationW)} + cooling and power ${mwText(coolingW)} (PUE ${facility.pue})`;
  const energyText = `${fixed(p.facilityEnergyWh / 1e6, 2)} MWh so far${span > 0 ? "   projected " : ""}${fixed(p.projectedGwhPerDay, 3)} GWh/day`;
  // physical pools: the phase split of facility energy so far (a bar where it fits) and the KV fill now
  const phases = p.physical ? phaseShares(p.physical.prefillWh, p.physical.decodeWh, p.physical.idleWh) : null;
  const phaseBarWidth = room >= 66 ? 12 : room >= 54 ? 6 : 0;
  const phasePrefix = phaseBarWidth > 0 ? phaseBarWidth + 1 : 0;
  const phaseLines = p.physical ? fitParts([phaseText(phases), kvText(p.physical.kvFill)], "   ", room - phasePrefix) : [];
  const seriesLine = series.length > 0 ? Math.min(series.length, sparkWidth) + seriesText.length : "(after the first time-series interval)".length;
  const moreText = (left: readonly PoolProgress[]) =>
    `+ ${left.length} more pool${left.length > 1 ? "s" : ""}: ` +
    `${left.reduce((n, x) => n + x.nodesOn, 0)} nodes on, ${si(left.reduce((n, x) => n + x.activeQueries, 0))} active, ` +
    `${si(left.reduce((n, x) => n + x.queuedQueries, 0))} queued`;
  // The frame stays below the terminal's height (one as tall makes ink clear the screen and the
  // scrollback at every redraw): each line counted as the terminal shows it, a line longer than the
  // width as several; pools that do not fit are summed up in one line.
  const shown = (length: number) => Math.max(1, Math.ceil(length / columns));
  const otherLines =
    shown(title.length) +
    shown(barWidth + 5 + clockText.length) +
    [queriesText, speedText, `${powerText} facility`, overheadText, energyText, ...perQuery].reduce((n, t) => n + shown(LABEL_WIDTH + t.length), 0) +
    nodeLines.reduce((n, t, i) => n + shown(LABEL_WIDTH + (i > 0 ? 2 : 0) + t.length), 0) +
    phaseLines.reduce((n, t) => n + shown(LABEL_WIDTH + phasePrefix + t.length), 0) +
    shown(LABEL_WIDTH + seriesLine);
  const linesOf = (row: (typeof allPools)[number]) =>
    ownLine(row)
      ? shown(LABEL_WIDTH + withoutExtra(row)) + shown(LABEL_WIDTH + poolWidth + 2 + row.extra.length)
      : shown(LABEL_WIDTH + row.length);
  // the longest the line for the pools left out can be: all of them left out
  const moreLines = shown(LABEL_WIDTH + moreText(p.pools).length);
  const pools: typeof allPools = [];
  let poolLines = 0;
  for (const [i, row] of allPools.entries()) {
    const lines = linesOf(row);
    // the last pool needs no line for the ones left out
    const more = i === allPools.length - 1 ? 0 : moreLines;
    if (otherLines + poolLines + lines + more > rows - 1) break;
    pools.push(row);
    poolLines += lines;
  }
  const left = p.pools.slice(pools.length);
  const leftText = left.length > 0 ? moreText(left) : "";
  return (
    <Box flexDirection="column">
      <Text>
        <Text bold color="cyan">inferwatt</Text> <Text bold>{p.scenario}</Text>
        {p.warmupS > 0 && p.simS < p.warmupS ? <Text color="yellow"> (warming up)</Text> : ""}
      </Text>
      <Text>
        <ProgressBar fraction={fraction} width={barWidth} />
        {clockText}
      </Text>
      <Row label="queries">{queriesText}</Row>
      <Row label="speed">{speedText}</Row>
      <Row label="power">
        <Text color="yellow">{powerText}</Text>
        {" facility"}
      </Row>
      {nodeLines.map((line, i) => (
        <Row key={`nodes-${i}`} label="">
          {i === 0 ? line : `  ${line}`}
        </Row>
      ))}
      <Row label="">{overheadText}</Row>
      <Row label="energy">
        {`${fixed(p.facilityEnergyWh / 1e6, 2)} MWh so far`}
        {span > 0 ? "   projected " : ""}
        <Text color="yellow">{`${fixed(p.projectedGwhPerDay, 3)} GWh/day`}</Text>
      </Row>
      {phaseLines.map((line, i) => (
        <Row key={`phases-${i}`} label={i === 0 ? "phases" : ""}>
          {phasePrefix > 0 ? i === 0 ? <><PhaseBar shares={phases} width={phaseBarWidth} /> </> : " ".repeat(phasePrefix) : ""}
          {line}
        </Row>
      ))}
      {perQuery.map((line, i) => (
        <Row key={`per-query-${i}`} label={i === 0 ? "per query" : ""}>
          {line}
        </Row>
      ))}
      {pools.map((row, i) => {
        const own = ownLine(row);
        return (
          <Box key={p.pools[i].name} flexDirection="column">
            <Row label={i === 0 ? "pools" : ""}>
              <PoolRow row={row} extra={!own} />
            </Row>
            {own ? <Row label="">{`${" ".repeat(poolWidth + 2)}${row.extra}`}</Row> : null}
          </Box>
        );
      })}
      {left.length > 0 ? <Row label={pools.length === 0 ? "pools" : ""}>{leftText}</Row> : null}
      <Row label="facility MW">
        {series.length > 0 ? (
          <>
            <Sparkline values={series} width={sparkWidth} />
            {seriesText}
          </>
        ) : (
          "(after the first time-series interval)"
        )}
      </Row>
    </Box>
  );
}
