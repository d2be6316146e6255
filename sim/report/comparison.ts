import { COMPONENTS } from "./chart-components.ts";
import type { RunData } from "./run-data.ts";
import { uniqueNames } from "./unique-names.ts";
import type { Summary } from "./summary.ts";

const DAY_S = 86_400;
const perDayMwh = (s: Summary, wh: number) => (s.simulated_s > 0 ? (wh / 1e6) * (DAY_S / s.simulated_s) : NaN);

export interface Metric {
  readonly key: string;
  readonly label: string;
  readonly digits: number;
  readonly get: (s: Summary) => number | null;
}

/** The rows of the side-by-side comparison, in order. */
export const METRICS: readonly Metric[] = [
  { key: "gwh_per_day", label: "GWh/day", digits: 3, get: (s) => s.energy.gwh_per_day },
  { key: "wh_per_query_median", label: "Wh/query median (attributed)", digits: 3, get: (s) => s.per_query_wh.attributed.p50 },
  { key: "wh_per_query_mean", label: "Wh/query mean (attributed)", digits: 3, get: (s) => s.per_query_wh.attributed.mean },
  { key: "wh_per_query_all_in", label: "Wh/query all-in mean", digits: 3, get: (s) => s.per_query_wh.all_in_mean },
  { key: "overhead_factor", label: "overhead factor", digits: 2, get: (s) => s.energy.overhead_factor },
  ...COMPONENTS.map((c) => ({
    key: `${c.key.replace(/_wh$/, "")}_mwh_per_day`,
    label: `${c.label}, MWh/day`,
    digits: 1,
    get: (s: Summary) => perDayMwh(s, s.energy.by_component[c.key] ?? 0),
  })),
  { key: "nodes", label: "nodes", digits: 0, get: (s) => Object.values(s.pools).reduce((n, p) => n + p.nodes, 0) },
  { key: "nodes_on_mean", label: "nodes on (time mean)", digits: 1, get: (s) => s.fleet?.nodes_on_mean ?? null },
  { key: "latency_e2e_p99_s", label: "latency p99 (end to end), s", digits: 1, get: (s) => s.latency_s.e2e.p99 },
];

/** Phase energy (physical pools) per day: null without a split (no physical pool, or a summary.json from before it). */
const phaseMwhPerDay = (s: Summary, key: "prefill_wh" | "decode_wh" | "idle_wh") => {
  const b = s.energy.by_phase ?? null;
  return b ? perDayMwh(s, b[key]) : null;
};

/**
 * Rows added when some scenario has physical pools (after METRICS in the table; in comparison.csv
 * after all of METRICS' columns and ratios, so that those keep their places).
 */
export const PHYSICAL_METRICS: readonly Metric[] = [
  { key: "prefill_mwh_per_day", label: "prefill, MWh/day", digits: 1, get: (s) => phaseMwhPerDay(s, "prefill_wh") },
  { key: "decode_mwh_per_day", label: "decode, MWh/day", digits: 1, get: (s) => phaseMwhPerDay(s, "decode_wh") },
  { key: "idle_mwh_per_day", label: "idle, MWh/day", digits: 1, get: (s) => phaseMwhPerDay(s, "idle_wh") },
  { key: "latency_tpot_p99_s", label: "time per output token p99, s", digits: 3, get: (s) => s.latency_s.tpot?.p99 ?? null },
  { key: "kv_fill_mean", label: "KV fill (time mean over busy nodes)", digits: 2, get: (s) => s.utilization.kv_fill_mean ?? null },
];

/** Whether a run has physical pools (its summary.json has a phase split). */
const physical = (r: RunData) => (r.summary.energy.by_phase ?? null) !== null;

/** The metrics of a comparison of these runs: METRICS, and PHYSICAL_METRICS when some run has physical pools. */
export const metricsFor = (runs: readonly RunData[]): readonly Metric[] => (runs.some(physical) ? [...METRICS, ...PHYSICAL_METRICS] : METRICS);

/** One scenario of a comparison: its figures and each one's ratio to the first scenario's. */
export interface ComparedScenario {
  readonly scenario: string;
  /** The scenario's name, made unique among those compared: a table column's title. */
  readonly label: string;
  readonly file: string | null;
  readonly seed: number;
  readonly results_dir: string;
  readonly state: string;
  readonly metrics: Record<string, number | null>;
  readonly ratio_to_first: Record<string, number | null>;
}

const finite = (v: number | null | undefined): number | null => (v === null || v === undefined || !Number.isFinite(v) ? null : v);

export function compareRuns(runs: readonly RunData[]): ComparedScenario[] {
  const labels = uniqueNames(runs.map((r) => r.summary.scenario));
  const metrics = metricsFor(runs);
  const values = runs.map((r) => Object.fromEntries(metrics.map((m) => [m.key, finite(m.get(r.summary))])));
  return runs.map((r, i) => ({
    scenario: r.summary.scenario,
    label: labels[i],
    file: r.manifest.scenario_file,
    seed: r.summary.seed,
    results_dir: r.dir,
    state: r.summary.state,
    metrics: values[i],
    ratio_to_first: Object.fromEntries(
      metrics.map((m) => {
        const [v, first] = [values[i][m.key], values[0][m.key]];
        return [m.key, v === null || first === null || first === 0 ? null : v / first];
      }),
    ),
  }));
}

/** A figure at its metric's digits; one too small to show at them gets two significant digits (not a 0.0 beside a ratio). */
const cell = (v: number | null, digits: number) =>
  v === null ? "-" : v !== 0 && Math.abs(v) < 0.5 * 10 ** -digits ? v.toPrecision(2) : v.toFixed(digits);
const ratioCell = (v: number | null) => (v === null ? "-" : `${v.toFixed(v >= 100 ? 0 : v >= 10 ? 1 : 2)}x`);

export interface ComparisonTable {
  readonly header: string[];
  readonly rows: string[][];
  /** What the ratio columns are, to print under the table. */
  readonly note: string;
}

/**
 * The side-by-side table as text cells: a metric per row (but those that are 0 or missing for every
 * scenario); per scenario a column, and after the first, its ratio to the first ("ratio").
 */
export function comparisonTable(compared: readonly ComparedScenario[]): ComparisonTable {
  const header = ["", ...compared.flatMap((c, i) => (i === 0 ? [c.label] : [c.label, "ratio"]))];
  const shown = (v: number | null | undefined) => v !== 0 && v !== null && v !== undefined;
  const rows = [...METRICS, ...PHYSICAL_METRICS].filter((m) => compared.some((c) => shown(c.metrics[m.key]))).map((m) => [
    m.label,
    ...compared.flatMap((c, i) =>
      i === 0 ? [cell(c.metrics[m.key] ?? null, m.digits)] : [cell(c.metrics[m.key] ?? null, m.digits), ratioCell(c.ratio_to_first[m.key] ?? null)],
    ),
  ]);
  return { header, rows, note: `ratio: the scenario's figure over ${compared[0]?.label ?? "the first"}'s` };
}

type PlainTable = { header: string[]; rows: string[][] };

/** A header cell in two parts, broken after the "-", "_" or space nearest its middle; [cell] when it has none. */
function headerParts(h: string): string[] {
  let best = -1;
  for (let i = 1; i < h.length - 1; i++) if ("-_ ".includes(h[i]) && (best < 0 || Math.abs(i + 1 - h.length / 2) < Math.abs(best + 1 - h.length / 2))) best = i;
  return best < 0 ? [h] : [h.slice(0, best + 1).trimEnd(), h.slice(best + 1)];
}

/** Column widths, with header cells on one line or (wrapped) broken in two. */
function columnWidths(t: PlainTable, wrapped: boolean): number[] {
  return t.header.map((h, i) => Math.max(...(wrapped ? headerParts(h) : [h]).map((x) => x.length), ...t.rows.map((r) => r[i].length)));
}

const tableWidth = (widths: number[]) => widths.reduce((a, b) => a + b, 0) + 2 * (widths.length - 1);

/**
 * The table as one or more tables no wider than `width` columns when formatted (see formatTable: the
 * header names may go on two lines): one when it fits, else each keeps the labels and the first
 * scenario and takes as many of the others (each with its ratio) as fit, at least one.
 */
export function splitTable(t: PlainTable, width: number): PlainTable[] {
  const widths = columnWidths(t, true);
  if (tableWidth(widths) <= width) return [t];
  const pick = (cols: number[]) => ({ header: cols.map((i) => t.header[i]), rows: t.rows.map((r) => cols.map((i) => r[i])) });
  const base = widths[0] + 2 + widths[1];
  const groups: number[][] = [];
  let used = Infinity;
  for (let i = 2; i + 1 < t.header.length; i += 2) {
    const w = 2 + widths[i] + 2 + widths[i + 1];
    if (groups.length > 0 && used + w <= width) {
      groups[groups.length - 1].push(i, i + 1);
      used += w;
    } else {
      groups.push([0, 1, i, i + 1]);
      used = base + w;
    }
  }
  return groups.length <= 1 ? [t] : groups.map(pick);
}

/**
 * Aligned plain text: the first column left, numbers right. Wider than `width` on one line, the header
 * names are broken in two lines (after a "-", "_" or space), each column then as wide as its widest part.
 */
export function formatTable(t: PlainTable, width = Infinity): string[] {
  // names broken only where that can help: too wide, and some name has a place to break
  const wrapped = tableWidth(columnWidths(t, false)) > width && t.header.some((h) => headerParts(h).length === 2);
  const widths = columnWidths(t, wrapped);
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
  if (!wrapped) return [line(t.header), ...t.rows.map(line)];
  // a name in two parts: the first on the upper line; one in one part: on the lower line
  const parts = t.header.map(headerParts);
  return [line(parts.map((p) => (p.length === 2 ? p[0] : ""))).trimEnd(), line(parts.map((p) => p[p.length - 1])), ...t.rows.map(line)];
}
