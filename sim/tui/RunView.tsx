import { Box, Text } from "ink";
import type { ReactNode } from "react";
import type { PoolProgress, SimProgress } from "../engine/result.ts";
import { clock, mwText, si, wallTime } from "../cli/format.ts";
import { fitParts } from "./fit.ts";
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

/** A pool's row; `compact` (a narrow terminal): a shorter bar, "of 256" for "of max batch (256)", the node counts last. */
function PoolRow({ pool, width, compact }: { pool: PoolProgress; width: number; compact: boolean }) {
  const occupancy = pool.nodesOn > 0 ? pool.activeQueries / pool.nodesOn / pool.maxBatch : 0;
  const extra = [pool.nodesParked ? `${pool.nodesParked} parked` : "", pool.nodesWaking ? `${pool.nodesWaking} waking` : ""].filter(Boolean).join(", ");
  const on = `${pool.nodesOn}/${pool.nodes} on`;
  const load = ` ${fixed(100 * occupancy, 0).padStart(3)}% of ${compact ? "" : "max batch ("}${pool.maxBatch}${compact ? "" : ")"}`;
  return (
    <Text>
      {pool.name.padEnd(width)}  {compact ? "" : `${on.padStart(13)}  `}<ProgressBar fraction={occupancy} width={compact ? 8 : 12} percent={false} color="cyan" />
      {`${load}  ${si(pool.queuedQueries)} queued${compact ? `  ${on}` : ""}${extra ? `  ${extra}` : ""}`}
    </Text>
  );
}

/**
 * The live view of one run: everything a SimProgress snapshot says, laid out in rows that fit in
 * `columns` (a row too long for a narrow terminal goes on two lines, bars get shorter).
 */
export function RunView({ progress: p, facility, columns = Infinity }: { progress: SimProgress; facility: FacilityFactors; columns?: number }) {
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
  const poolWidth = Math.max(...p.pools.map((x) => x.name.length));
  // what fits after the label
  const room = columns - LABEL_WIDTH;
  const clockText = `  simulated ${clock(p.simS)} of ${clock(p.durationS)}   wall ${wallTime(p.wallS)}   ETA ${wallTime(etaS)}`;
  // bar and " 39%": at most 32 cells, at least 10 (then the clock text wraps)
  const barWidth = Math.max(10, Math.min(32, columns - clockText.length - 5));
  const nodeLines = fitParts(
    nodeParts.map(([name, w], i) => `${i === 0 ? `nodes ${mwText(p.powerW)} MW: ` : ""}${name} ${mwText(w)}`),
    " · ",
    room,
  );
  const perQuery = fitParts(
    [`${fixed(p.whPerQueryP50, 3)} Wh median, ${fixed(p.whPerQueryMean, 3)} Wh mean`, `latency p50 ${fixed(p.e2eP50S, 1)} s, p99 ${fixed(p.e2eP99S, 1)} s`],
    "   ",
    room,
  );
  const compactPools = LABEL_WIDTH + poolWidth + 2 + 13 + 2 + 12 + 24 + 10 > columns;
  const seriesText = series.length > 0 ? `  ${mwText(1e6 * Math.min(...series))}-${mwText(1e6 * Math.max(...series))} MW over ${series.length} intervals of simulated time` : "";
  const sparkWidth = Math.max(8, Math.min(48, room - seriesText.length));
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
      <Row label="queries">{`${si(p.arrived)} arrived, ${si(p.completed)} completed, ${si(p.inFlight)} in flight`}</Row>
      <Row label="speed">{`${si(p.wallS > 0 ? p.arrived / p.wallS : NaN)} queries/s, ${si(p.wallS > 0 ? p.events / p.wallS : NaN)} events/s`}</Row>
      <Row label="power">
        <Text color="yellow">{`${mwText(p.facilityPowerW)} MW`}</Text>
        {" facility"}
      </Row>
      {nodeLines.map((line, i) => (
        <Row key={`nodes-${i}`} label="">
          {i === 0 ? line : `  ${line}`}
        </Row>
      ))}
      <Row label="">{`+ orchestration ${mwText(orchestrationW)} + cooling and power ${mwText(coolingW)} (PUE ${facility.pue})`}</Row>
      <Row label="energy">
        {`${fixed(p.facilityEnergyWh / 1e6, 2)} MWh so far`}
        {span > 0 ? "   projected " : ""}
        <Text color="yellow">{`${fixed(p.projectedGwhPerDay, 3)} GWh/day`}</Text>
      </Row>
      {perQuery.map((line, i) => (
        <Row key={`per-query-${i}`} label={i === 0 ? "per query" : ""}>
          {line}
        </Row>
      ))}
      {p.pools.map((pool, i) => (
        <Row key={pool.name} label={i === 0 ? "pools" : ""}>
          <PoolRow pool={pool} width={poolWidth} compact={compactPools} />
        </Row>
      ))}
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
