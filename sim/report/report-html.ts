import { join } from "node:path";
import { writeFileAtomic } from "./atomic-write.ts";
import { componentsChart } from "./chart-components.ts";
import { energyCdfChart } from "./chart-energy-cdf.ts";
import { hasPhases, phaseChart, phaseClassChart } from "./chart-phases.ts";
import { powerChart } from "./chart-power.ts";
import { compareRuns, comparisonTable } from "./comparison.ts";
import { VERSION } from "./manifest.ts";
import type { RunData } from "./run-data.ts";
import { esc } from "./svg.ts";

const STYLE = `body{font-family:sans-serif;max-width:1000px;margin:2em auto;padding:0 1em;color:#222}
table{border-collapse:collapse;margin:1em 0}td,th{padding:2px 10px;border-bottom:1px solid #ddd}
td:not(:first-child),th:not(:first-child){text-align:right}figure{margin:2em 0}figcaption{color:#555;max-width:760px}
.meta{color:#555}`;

/** The charts of a report, in order; a test checks there is one <svg> per chart. */
export const CHARTS = [
  {
    draw: powerChart,
    caption: "Facility power (nodes x (1 + orchestration overhead) x PUE), mean over each time-series interval.",
  },
  {
    draw: componentsChart,
    caption:
      "Facility energy divided by completed queries, split by where it went. Grey bands: the paper's fleet estimates for 1e9 queries a day " +
      "(Oviedo et al., journal to arXiv v1 value), which equal Wh per query; a simulated fleet of any size compares with them.",
  },
  {
    draw: energyCdfChart,
    caption:
      "Energy charged to each completed query (P(n)/n while it runs, at the facility boundary), from the run's histograms. " +
      "Grey marks: the paper's published medians per query (journal to arXiv v1).",
  },
] as const;

/** Charts drawn only when some run has physical pools (summary.json's energy.by_phase not null), after CHARTS. */
export const PHASE_CHARTS = [
  {
    draw: phaseChart,
    caption:
      "Facility energy split into prefill (node energy while prefilling), decode (the rest of the energy nodes drew serving queries; " +
      "busy energy of pools on the paper's regression counts here) and idle (nodes with no query, and parked nodes), " +
      "each x (1 + orchestration overhead) x PUE. Scenarios without a physical pool have no split.",
  },
  {
    draw: phaseClassChart,
    caption:
      "Facility energy charged to each class's completed queries on physical pools for prefill and for decode, divided by the class's completed queries " +
      "(idle energy is in neither).",
  },
] as const;

/** The charts a report of these runs draws, in order. */
export const chartsFor = (runs: readonly RunData[]) => [...CHARTS, ...(hasPhases(runs) ? PHASE_CHARTS : [])];

/**
 * The runs with each scenario named by its label in the comparison (small, small-2 when a scenario is
 * compared with itself), so the charts' legends and bars match the table's columns.
 */
export function labelledRuns(runs: readonly RunData[]): RunData[] {
  const labels = compareRuns(runs).map((c) => c.label);
  return runs.map((r, i) => ({ ...r, summary: { ...r.summary, scenario: labels[i] } }));
}

/** report.html: one self-contained file (inline SVG and style, no scripts, nothing fetched). */
export function reportHtml(given: readonly RunData[], createdAt: Date): string {
  const runs = labelledRuns(given);
  const names = runs.map((r) => r.summary.scenario).join(" vs ");
  const t = comparisonTable(compareRuns(runs));
  const table =
    `<table><thead><tr>${t.header.map((h) => `<th>${esc(h)}</th>`).join("")}</tr></thead><tbody>` +
    t.rows.map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join("")}</tr>`).join("") +
    `</tbody></table>${runs.length > 1 ? `<p class="meta">${esc(t.note)}</p>` : ""}`;
  const scenarios = runs
    .map(
      (r) =>
        `<li><b>${esc(r.summary.scenario)}</b>: ${esc(r.manifest.scenario_file ?? "(built in code)")}, seed ${r.summary.seed}, ` +
        `${esc(r.summary.state)}${r.manifest.incomplete ? " (incomplete)" : ""}, results in <code>${esc(r.dir)}</code></li>`,
    )
    .join("");
  const figures = chartsFor(runs).map((c) => `<figure>${c.draw(runs)}<figcaption>${esc(c.caption)}</figcaption></figure>`).join("\n");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>inferwatt: ${esc(names)}</title><style>${STYLE}</style></head>
<body>
<h1>inferwatt: ${esc(names)}</h1>
<p class="meta">inferwatt ${esc(VERSION)}, report made ${esc(createdAt.toISOString())}</p>
<ul>${scenarios}</ul>
${table}
${figures}
<p class="meta">Paper: Oviedo et al., "Energy Use of AI Inference: Efficiency Pathways and Test-Time Compute" (arXiv 2509.20241; Joule 2026).</p>
</body></html>
`;
}

export function writeReportHtml(dir: string, runs: readonly RunData[], createdAt = new Date()): string {
  const path = join(dir, "report.html");
  writeFileAtomic(path, reportHtml(runs, createdAt));
  return path;
}
