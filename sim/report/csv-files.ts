import type { SimResult } from "../engine/result.ts";
import type { Scenario } from "../scenario/types.ts";

const MW_PER_MILLIWATT = 1e-9;
const num = (v: number, digits = 6) => (Number.isFinite(v) ? Number(v.toPrecision(digits)).toString() : "");

/** timeseries.csv: one row per interval; powers are means over the interval, MW. */
export function timeseriesCsv(scenario: Scenario, r: SimResult): string {
  const toFacility = (1 + scenario.facility.orchestrationOverhead) * scenario.facility.pue;
  const header =
    "t_s,hour,arrivals,completed,active_queries,queued_queries,nodes_on,busy_nodes,gpu_busy_mw,gpu_idle_mw,host_mw,interconnect_mw,node_mw,facility_mw,nodes_parked,nodes_waking,parked_mw";
  const rows = r.timeseries.map((t) => {
    const nodeMw = (t.gpuBusyMw + t.gpuIdleMw + t.hostMw + t.interconnectMw + t.parkedMw) * MW_PER_MILLIWATT;
    return [
      num(t.tS, 9),
      num((t.tS / 3600) % 24, 4),
      t.arrivals,
      t.completed,
      t.activeQueries,
      t.queuedQueries,
      t.nodesOn,
      t.busyNodes,
      num(t.gpuBusyMw * MW_PER_MILLIWATT),
      num(t.gpuIdleMw * MW_PER_MILLIWATT),
      num(t.hostMw * MW_PER_MILLIWATT),
      num(t.interconnectMw * MW_PER_MILLIWATT),
      num(nodeMw),
      num(nodeMw * toFacility),
      t.nodesParked,
      t.nodesWaking,
      num(t.parkedMw * MW_PER_MILLIWATT),
    ].join(",");
  });
  return [header, ...rows].join("\n") + "\n";
}

/**
 * classes.csv: per query class, counts, energy per query and latency; then time per output token and
 * facility Wh per completed query for prefill and decode (physical pools; empty cells without one).
 */
export function classesCsv(r: SimResult): string {
  const header =
    "class,arrived,completed,wh_mean,wh_p5,wh_p50,wh_p95,wait_p99_s,ttft_p50_s,ttft_p99_s,e2e_p50_s,e2e_p99_s,tpot_p50_s,tpot_p99_s,prefill_wh_mean,decode_wh_mean";
  const physical = r.pools.some((p) => p.physical);
  const perQuery = (wh: number, completed: number) => (physical && completed > 0 ? num(wh / completed) : "");
  const rows = r.classes.map((c) =>
    [
      c.name,
      c.arrived,
      c.completed,
      num(c.energyWh.mean()),
      num(c.energyWh.quantile(0.05)),
      num(c.energyWh.quantile(0.5)),
      num(c.energyWh.quantile(0.95)),
      num(c.waitS.quantile(0.99)),
      num(c.ttftS.quantile(0.5)),
      num(c.ttftS.quantile(0.99)),
      num(c.e2eS.quantile(0.5)),
      num(c.e2eS.quantile(0.99)),
      num(c.tpotS.quantile(0.5)),
      num(c.tpotS.quantile(0.99)),
      perQuery(c.prefillWh, c.completed),
      perQuery(c.decodeWh, c.completed),
    ].join(","),
  );
  return [header, ...rows].join("\n") + "\n";
}
