import { join } from "node:path";
import { spearman } from "../stats/spearman.ts";
import type { Sweep } from "../scenario-file/sweep-file.ts";
import { writeFileAtomic } from "./atomic-write.ts";
import { heatMap } from "./chart-heatmap.ts";
import { scatterChart } from "./chart-scatter.ts";
import { sweepLineChart } from "./chart-sweep-line.ts";
import { tornadoChart } from "./chart-tornado.ts";
import { VERSION } from "./manifest.ts";
import { esc } from "./svg.ts";
import { setColumns, type PointRow } from "./sweep-folder.ts";

/** The outputs a sweep's report charts, as points.json names them. */
export const OUTPUTS = [
  { key: "gwh_per_day", label: "GWh/day", digits: 4 },
  { key: "per_query_wh_median", label: "median Wh per query (attributed)", digits: 3 },
  { key: "e2e_p99_s", label: "end-to-end latency p99, s", digits: 1 },
] as const;

type Output = (typeof OUTPUTS)[number]["key"];

/** The finished (or stopped) runs' values of an output per point, in point order. */
export function valuesByPoint(rows: readonly PointRow[], points: number, output: Output): number[][] {
  const out = Array.from({ length: points }, () => [] as number[]);
  for (const r of rows) {
    const v = r[output];
    if (v !== null && (r.status === "done" || r.status === "incomplete")) out[r.point].push(v);
  }
  return out;
}

/** A key as a chart names it: a linked key by its first path and how many move with it. */
export const keyLabel = (key: string) => {
  const paths = key.split(",");
  return paths.length === 1 ? key : `${paths[0]} (+${paths.length - 1} linked)`;
};

const mean = (v: readonly number[]) => (v.length === 0 ? null : v.reduce((a, b) => a + b, 0) / v.length);
const show = (v: unknown) => (typeof v === "string" ? v : JSON.stringify(v));

/** A figure with its caption. */
const figure = (svg: string, caption: string) => `<figure>${svg}<figcaption>${esc(caption)}</figcaption></figure>`;

/** The charts of a sweep: lines for one key, heat maps for two, tornados for one-at-a-time, scatters and rank correlations for samples. */
export function sweepFigures(s: Sweep, rows: readonly PointRow[]): string {
  const done = rows.some((r) => r[OUTPUTS[0].key] !== null);
  if (!done) return "<p>No run is done yet: no chart.</p>";
  if (s.kind === "grid" && s.keys.length === 1) {
    const key = s.keys[0];
    const first = key.split(",")[0];
    return OUTPUTS.map((o) => {
      const by = valuesByPoint(rows, s.points.length, o.key);
      const pts = s.points.map((p, i) => ({ x: p.set[first] as number | string, ys: by[i] }));
      const x = typeof pts[0].x === "number" || pts.every((p) => typeof p.x === "number") ? pts : pts.map((p) => ({ ...p, x: show(p.x) }));
      return figure(sweepLineChart(x, `${o.label} over ${first}`, keyLabel(key), o.label), `${o.label} at each value of ${key.split(",").join(", ")}: the line joins the means over replications, dots are single runs.`);
    }).join("\n");
  }
  if (s.kind === "grid" && s.keys.length === 2) {
    const [a, b] = s.keys;
    const [a0, b0] = [a.split(",")[0], b.split(",")[0]];
    // the last key varies fastest: b's values repeat every nb points
    const change = s.points.findIndex((p) => show(p.set[a0]) !== show(s.points[0].set[a0]));
    const nb = change < 0 ? s.points.length : change;
    const na = s.points.length / nb;
    const aValues = Array.from({ length: na }, (_, i) => s.points[i * nb].set[a0]);
    const bList = s.points.slice(0, nb).map((p) => p.set[b0]);
    return OUTPUTS.slice(0, 2)
      .map((o) => {
        const by = valuesByPoint(rows, s.points.length, o.key).map(mean);
        const cells = Array.from({ length: na }, (_, i) => by.slice(i * nb, (i + 1) * nb));
        return figure(heatMap(keyLabel(a), aValues, keyLabel(b), bList, cells, `${o.label}`, o.digits), `${o.label} over the grid (mean over replications); grey: not done.`);
      })
      .join("\n");
  }
  if (s.kind === "one_at_a_time") {
    return OUTPUTS.slice(0, 2)
      .map((o) => {
        const by = valuesByPoint(rows, s.points.length, o.key).map(mean);
        const first = (key: string) => key.split(",")[0];
        const bars = s.keys.map((key, k) => ({ key: keyLabel(key), low: s.points[1 + 2 * k].set[first(key)], high: s.points[2 + 2 * k].set[first(key)], atLow: by[1 + 2 * k], atHigh: by[2 + 2 * k] }));
        return figure(
          tornadoChart(bars, by[0], `${o.label}: one input at a time`, o.label),
          `Each input at its low (blue) and high (orange) value with the others at the base; the widest swing first. Vertical line: the base point.`,
        );
      })
      .join("\n");
  }
  if (s.kind === "sample") {
    const used = rows.filter((r) => r.gwh_per_day !== null);
    const table =
      `<table><thead><tr><th>input</th>${OUTPUTS.map((o) => `<th>${esc(o.label)}</th>`).join("")}</tr></thead><tbody>` +
      s.keys
        .map((k) => `<tr><td>${esc(k)}</td>${OUTPUTS.map((o) => `<td>${spearman(used.map((r) => r.set[k] as number), used.map((r) => r[o.key] as number)).toFixed(2)}</td>`).join("")}</tr>`)
        .join("") +
      `</tbody></table><p class="meta">Spearman's rank correlation of each input with each output over the ${used.length} runs done: ` +
      `the sensitivity index of a sampled study (1: the output rises whenever the input does; 0: no monotone relation).</p>`;
    const scatters = s.keys.map((k) => {
      const xs = used.map((r) => r.set[k] as number);
      const ys = used.map((r) => r.gwh_per_day as number);
      return scatterChart(xs, ys, `Spearman rho ${spearman(xs, ys).toFixed(2)}`, k, "GWh/day");
    });
    return table + `<figure>${scatters.join("")}<figcaption>GWh/day against each sampled input; rho: Spearman's rank correlation.</figcaption></figure>`;
  }
  return `<p>A grid over ${s.keys.length} keys: no chart (lines for one key, heat maps for two); every run is in the table and in points.csv.</p>`;
}

/** report.html of a sweep folder: what was swept, the charts, every run's row, the runs missing or failed. */
export function sweepReportHtml(s: Sweep, rows: readonly PointRow[]): string {
  const keys = setColumns(rows);
  const cell = (v: number | null, d: number) => (v === null ? "" : v.toFixed(d));
  const table =
    `<table><thead><tr><th>run</th><th>point</th><th>rep.</th>${keys.map((k) => `<th>${esc(k)}</th>`).join("")}<th>status</th>${OUTPUTS.map((o) => `<th>${esc(o.label)}</th>`).join("")}</tr></thead><tbody>` +
    rows
      .map(
        (r) =>
          `<tr><td>${r.index}</td><td>${r.point}</td><td>${r.replication}</td>${keys.map((k) => `<td>${k in r.set ? esc(show(r.set[k])) : ""}</td>`).join("")}` +
          `<td>${r.status}</td>${OUTPUTS.map((o) => `<td>${cell(r[o.key], o.digits)}</td>`).join("")}</tr>`,
      )
      .join("") +
    "</tbody></table>";
  const notDone = rows.filter((r) => r.status !== "done");
  const what =
    s.kind === "grid"
      ? `a grid over ${s.keys.map(esc).join(", ")}`
      : s.kind === "one_at_a_time"
        ? `one input at a time: ${s.keys.map(esc).join(", ")}`
        : `a Latin hypercube sample of ${s.points.length} points over ${s.keys.map(esc).join(", ")}`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>inferwatt sweep: ${esc(s.name)}</title><style>body{font-family:sans-serif;max-width:1000px;margin:2em auto;padding:0 1em;color:#222}
table{border-collapse:collapse;margin:1em 0}td,th{padding:2px 10px;border-bottom:1px solid #ddd}td:not(:first-child),th:not(:first-child){text-align:right}
figure{margin:2em 0}figcaption{color:#555;max-width:760px}.meta{color:#555}</style></head>
<body>
<h1>inferwatt sweep: ${esc(s.name)}</h1>
<p class="meta">inferwatt ${esc(VERSION)}; ${esc(s.file)}: base ${esc(s.base)}${s.set.length > 0 ? ` with ${s.set.map(esc).join(", ")}` : ""}; ${what}; ` +
    `${s.points.length} points x ${s.replications} replication(s), replication k with seed ${s.seed} + k.</p>
${notDone.length > 0 ? `<p><b>${notDone.length} of ${rows.length} runs not done</b>: ${notDone.map((r) => `${r.index} (${r.status})`).join(", ")}.</p>` : ""}
${sweepFigures(s, rows)}
${table}
</body></html>
`;
}

export function writeSweepReport(dir: string, s: Sweep, rows: readonly PointRow[]): void {
  writeFileAtomic(join(dir, "report.html"), sweepReportHtml(s, rows));
}
