import { Box, Text } from "ink";
import type { ReactNode } from "react";
import type { PoolProgress, SimProgress } from "../engine/result.ts";
import { clock, mwText, si, wallTime } from "../cli/format.ts";
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

function PoolRow({ pool, width }: { pool: PoolProgress; width: number }) {
  const occupancy = pool.nodesOn > 0 ? pool.activeQueries / pool.nodesOn / pool.maxBatch : 0;
  const extra = [pool.nodesParked ? `${pool.nodesParked} parked` : "", pool.nodesWaking ? `${pool.nodesWaking} waking` : ""].filter(Boolean).join(", ");
  return (
    <Text>
      {pool.name.padEnd(width)}  {`${pool.nodesOn}/${pool.nodes} on`.padStart(13)}  <ProgressBar fraction={occupancy} width={12} percent={false} color="cyan" />
      {` ${fixed(100 * occupancy, 0).padStart(3)}% of max batch (${pool.maxBatch})  ${si(pool.queuedQueries)} queued${extra ? `  ${extra}` : ""}`}
    </Text>
  );
}

/** The live view of one run: everything a SimProgress snapshot says, laid out in rows. */
export function RunView({ progress: p, facility }: { progress: SimProgress; facility: FacilityFactors }) {
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
  return (
    <Box flexDirection="column">
      <Text>
        <Text bold color="cyan">inferwatt</Text> <Text bold>{p.scenario}</Text>
        {p.warmupS > 0 && p.simS < p.warmupS ? <Text color="yellow"> (warming up)</Text> : ""}
      </Text>
      <Text>
        <ProgressBar fraction={fraction} width={32} />
        {`  simulated ${clock(p.simS)} of ${clock(p.durationS)}   wall ${wallTime(p.wallS)}   ETA ${wallTime(etaS)}`}
      </Text>
      <Row label="queries">{`${si(p.arrived)} arrived, ${si(p.completed)} completed, ${si(p.inFlight)} in flight`}</Row>
      <Row label="speed">{`${si(p.wallS > 0 ? p.arrived / p.wallS : NaN)} queries/s, ${si(p.wallS > 0 ? p.events / p.wallS : NaN)} events/s`}</Row>
      <Row label="power">
        <Text color="yellow">{`${mwText(p.facilityPowerW)} MW`}</Text>
        {" facility"}
      </Row>
      <Row label="">{`nodes ${mwText(p.powerW)} MW: ${nodeParts.map(([name, w]) => `${name} ${mwText(w)}`).join(" · ")}`}</Row>
      <Row label="">{`+ orchestration ${mwText(orchestrationW)} + cooling and power ${mwText(coolingW)} (PUE ${facility.pue})`}</Row>
      <Row label="energy">
        {`${fixed(p.facilityEnergyWh / 1e6, 2)} MWh so far`}
        {span > 0 ? "   projected " : ""}
        <Text color="yellow">{`${fixed(p.projectedGwhPerDay, 3)} GWh/day`}</Text>
      </Row>
      <Row label="per query">
        {`${fixed(p.whPerQueryP50, 3)} Wh median, ${fixed(p.whPerQueryMean, 3)} Wh mean   latency p50 ${fixed(p.e2eP50S, 1)} s, p99 ${fixed(p.e2eP99S, 1)} s`}
      </Row>
      {p.pools.map((pool, i) => (
        <Row key={pool.name} label={i === 0 ? "pools" : ""}>
          <PoolRow pool={pool} width={poolWidth} />
        </Row>
      ))}
      <Row label="facility MW">
        {series.length > 0 ? (
          <>
            <Sparkline values={series} width={48} />
            {`  ${mwText(1e6 * Math.min(...series))}-${mwText(1e6 * Math.max(...series))} MW over ${series.length} intervals of simulated time`}
          </>
        ) : (
          "(after the first time-series interval)"
        )}
      </Row>
    </Box>
  );
}
