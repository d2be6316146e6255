import { join } from "node:path";
import { writeFileAtomic } from "./atomic-write.ts";
import { frontierChart, frontierPoints } from "./chart-frontier.ts";
import { VERSION } from "./manifest.ts";
import type { Summary } from "./summary.ts";
import { esc } from "./svg.ts";

/** What the plan's files need of a candidate (sim/jobs/plan-search.ts's Tried). */
export interface PlanCandidate {
  /** Order in which candidates finished, from 1. */
  readonly id: number;
  readonly pool: string;
  readonly poolIndex: number;
  readonly nodes: number;
  readonly maxBatch: number;
  /** The autoscaler's target; null for a fixed pool. */
  readonly targetUtilization: number | null;
  readonly seed: number;
  readonly summary: Summary;
  /** The p99 each SLO is about, seconds (null: the pool serves none of its queries). */
  readonly values: readonly (number | null)[];
  readonly meets: boolean;
}

/** What the plan's files need of a full-scenario verification run (sim/jobs/plan.ts's Verification). */
export interface PlanVerification {
  readonly label: string;
  readonly nodes: readonly number[];
  readonly maxBatch: readonly number[];
  readonly outDir: string;
  readonly summary: Summary;
  readonly values: readonly (number | null)[];
  readonly meets: boolean;
  /**
   * Mean node power over the power of the same nodes at full batch, P(C) (the paper's PU, 0.4-0.9 assumed,
   * is power over P_max); null with a physical pool (its power has no single full-batch figure).
   */
  readonly powerUtilization: number | null;
}

/** What the plan's files need of its result (sim/jobs/plan.ts's PlanResult, with the scenario and the SLOs). */
export interface PlanReport {
  readonly scenario: { readonly name: string; readonly file: string; readonly seed: number; readonly pools: readonly { readonly name: string; readonly maxBatch: number }[] };
  readonly slos: readonly { readonly text: string; readonly metric: string; readonly className: string | null; readonly targetS: number }[];
  readonly span: { readonly warmupS: number; readonly durationS: number; readonly text: string };
  readonly pools: readonly {
    readonly pool: string;
    readonly stableNodes: number;
    readonly sizedNodes: number;
    readonly chosen: PlanCandidate | null;
    readonly below: PlanCandidate | null;
    readonly best: PlanCandidate;
    readonly resolution: number;
    readonly note: string;
    /** With --vary, every variant's search (one without). */
    readonly variants: readonly { readonly variant: { readonly label: string; readonly maxBatch: number; readonly targetUtilization: number | null }; readonly chosen: PlanCandidate | null; readonly note: string;
      readonly fullSpan?: { readonly summary: Summary; readonly values: readonly (number | null)[]; readonly meets: boolean } }[];
  }[];
  readonly tried: readonly PlanCandidate[];
  readonly feasible: boolean;
  readonly verifications: readonly PlanVerification[];
  readonly interrupted: boolean;
  readonly wallS: number;
}

const METRICS = ["ttft", "tpot", "e2e", "wait"] as const;

/** A candidate's row: its figures over the shortened span (GWh/day at that span's rate). */
function triedRow(t: PlanCandidate, slos: PlanReport["slos"]) {
  const s = t.summary;
  return {
    id: t.id,
    pool: t.pool,
    nodes: t.nodes,
    max_batch: t.maxBatch,
    target_utilization: t.targetUtilization,
    seed: t.seed,
    meets: t.meets,
    gwh_per_day: s.energy.gwh_per_day,
    facility_wh: s.energy.facility_wh,
    arrived: s.queries.arrived,
    completed: s.queries.completed,
    in_flight: s.queries.in_flight,
    mean_active_per_node: s.utilization.mean_active_per_node,
    mean_h: s.utilization.mean_h,
    ...Object.fromEntries(METRICS.map((m) => [`${m}_p99_s`, s.latency_s[m]?.p99 ?? null])),
    ...Object.fromEntries(slos.map((slo, k) => [`slo ${slo.text}`, t.values[k]])),
  };
}

const csvCell = (v: unknown) => (v === null || v === undefined ? "" : typeof v === "string" && /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : String(v));

/** Sums of the pools' chosen candidates: the fleet over the shortened span. */
function peakFigures(r: PlanReport, pick: (p: PlanReport["pools"][number]) => PlanCandidate | null) {
  const cs = r.pools.map(pick);
  if (cs.some((c) => !c)) return null;
  return {
    pools: r.pools.map((p, i) => ({ name: p.pool, nodes: cs[i]!.nodes, max_batch: cs[i]!.maxBatch, ...(cs[i]!.targetUtilization !== null ? { target_utilization: cs[i]!.targetUtilization } : {}) })),
    gwh_per_day: cs.reduce((s, c) => s + c!.summary.energy.gwh_per_day, 0),
    latency: Object.fromEntries(r.slos.map((slo, k) => [slo.text, Math.max(0, ...cs.map((c) => c!.values[k] ?? 0))])),
  };
}

const latencyOf = (s: Summary) => Object.fromEntries(METRICS.map((m) => [`${m}_p99`, s.latency_s[m]?.p99 ?? null]));

/** What --json prints and plan.json holds (plan.json adds the pools' searches and the span). */
export function planJson(r: PlanReport) {
  const verified = r.verifications.find((v) => v.label === "chosen");
  const peak = peakFigures(r, (p) => p.chosen);
  return {
    feasible: r.feasible,
    chosen: peak
      ? {
          pools: peak.pools,
          // the full scenario's figures when verified (else the shortened span's)
          gwh_per_day: verified ? verified.summary.energy.gwh_per_day : peak.gwh_per_day,
          latency: verified ? { ...latencyOf(verified.summary), slos: Object.fromEntries(r.slos.map((slo, k) => [slo.text, verified.values[k]])) } : { slos: peak.latency },
          verified: verified ? { meets: verified.meets, results: verified.outDir } : null,
          peak_span: { gwh_per_day: peak.gwh_per_day, latency: peak.latency },
        }
      : null,
    best: r.feasible ? null : peakFigures(r, (p) => p.chosen ?? p.best),
    why: r.feasible ? null : r.pools.filter((p) => !p.chosen).map((p) => `${p.pool}: ${p.note}`),
    tried: r.tried.length,
  };
}

export function writePlanFiles(dir: string, r: PlanReport, plannedYaml: string | null, createdAt = new Date()): void {
  const rows = r.tried.map((t) => triedRow(t, r.slos));
  const header = rows.length > 0 ? Object.keys(rows[0]) : ["id"];
  writeFileAtomic(join(dir, "tried.csv"), [header.join(","), ...rows.map((row) => header.map((h) => csvCell((row as Record<string, unknown>)[h])).join(","))].join("\n") + "\n");
  writeFileAtomic(join(dir, "tried.json"), JSON.stringify(rows, null, 2) + "\n");
  const plan = {
    ...planJson(r),
    scenario: r.scenario.file,
    seed: r.scenario.seed,
    slos: r.slos.map((s) => ({ slo: s.text, metric: `${s.metric}_p99`, class: s.className, target_s: s.targetS })),
    span: r.span,
    pools: r.pools.map((p) => ({
      name: p.pool,
      stable_nodes: p.stableNodes,
      sized_nodes: p.sizedNodes,
      chosen_nodes: p.chosen?.nodes ?? null,
      chosen_max_batch: p.chosen?.maxBatch ?? null,
      ...(p.chosen && p.chosen.targetUtilization !== null ? { chosen_target_utilization: p.chosen.targetUtilization } : {}),
      below_nodes: p.below?.nodes ?? null,
      resolution: p.resolution,
      note: p.note,
      ...(p.variants.length > 1
        ? { variants: p.variants.map((v) => ({ max_batch: v.variant.maxBatch, target_utilization: v.variant.targetUtilization, chosen_nodes: v.chosen?.nodes ?? null, gwh_per_day: v.chosen?.summary.energy.gwh_per_day ?? null,
            ...(v.fullSpan ? { full_scenario: { gwh_per_day: v.fullSpan.summary.energy.gwh_per_day, meets: v.fullSpan.meets, slos: v.fullSpan.values, nodes_on_mean: v.fullSpan.summary.fleet.nodes_on_mean } } : {}),
            note: v.note,
          })),
        }
        : {}),
    })),
    verifications: r.verifications.map((v) => ({
      label: v.label,
      nodes: v.nodes,
      max_batch: v.maxBatch,
      meets: v.meets,
      gwh_per_day: v.summary.energy.gwh_per_day,
      latency: latencyOf(v.summary),
      slos: v.values,
      mean_h: v.summary.utilization.mean_h,
      power_utilization: v.powerUtilization,
      results: v.outDir,
    })),
    interrupted: r.interrupted,
    wall_s: r.wallS,
  };
  writeFileAtomic(join(dir, "plan.json"), JSON.stringify(plan, null, 2) + "\n");
  if (plannedYaml) writeFileAtomic(join(dir, "planned.yaml"), plannedYaml);
  writeFileAtomic(join(dir, "report.html"), planHtml(r, createdAt));
}

/** A candidate in the frontier: its node count, with --vary its max_batch (b) and target utilization (u). */
const candidateLabel = (t: PlanCandidate, varied: boolean) => (varied ? `${t.nodes} (b${t.maxBatch}${t.targetUtilization !== null ? ` u${t.targetUtilization}` : ""})` : String(t.nodes));

const STYLE = `body{font-family:sans-serif;max-width:1000px;margin:2em auto;padding:0 1em;color:#222}
table{border-collapse:collapse;margin:1em 0}td,th{padding:2px 10px;border-bottom:1px solid #ddd}
td:not(:first-child),th:not(:first-child){text-align:right}figure{margin:2em 0}figcaption{color:#555;max-width:760px}.meta{color:#555}`;

/** report.html of a plan: the answer, the frontier, every pool's search, every candidate. */
export function planHtml(r: PlanReport, createdAt: Date): string {
  const varied = r.pools.some((p) => p.variants.length > 1);
  const chosen = r.feasible ? r.pools.map((p) => candidateLabel(p.chosen!, varied)) : null;
  const peak = peakFigures(r, (p) => p.chosen);
  // one frontier per target: GWh/day against that target's p99
  const charts = r.slos.map((slo, k) => {
    const cands = r.tried.filter((t) => t.seed === r.scenario.seed).map((t) => ({ poolIndex: t.poolIndex, label: candidateLabel(t, varied), gwhPerDay: t.summary.energy.gwh_per_day, p99S: t.values[k] }));
    const points = frontierPoints(cands, r.pools.length, chosen);
    return points.length > 0
      ? frontierChart({ points, slo, chosen: peak && chosen ? { labels: chosen, gwhPerDay: peak.gwh_per_day, p99S: peak.latency[slo.text] } : null })
      : `<p>No candidate finished for ${esc(slo.text)}.</p>`;
  });
  const j = planJson(r);
  const verified = r.verifications.map(
    (v) =>
      `<li>full scenario, ${esc(v.label)} (${v.nodes.join(" + ")} nodes): ${v.summary.energy.gwh_per_day.toPrecision(4)} GWh/day; ` +
      r.slos.map((s, k) => `${esc(s.text.split("=")[0])} ${v.values[k] === null ? "-" : v.values[k]!.toPrecision(3)} s`).join(", ") +
      ` (${v.meets ? "meets every SLO" : "misses an SLO"}), results in <code>${esc(v.outDir)}</code></li>`,
  );
  const pools = r.pools.map((p) => `<tr><td>${esc(p.pool)}</td><td>${p.stableNodes}</td><td>${p.sizedNodes}</td><td>${p.chosen ? candidateLabel(p.chosen, varied) : "-"}</td><td>${p.below?.nodes ?? "-"}</td><td style="text-align:left">${esc(p.note)}</td></tr>`);
  const rows = r.tried.map((t) => triedRow(t, r.slos));
  const head = rows.length > 0 ? Object.keys(rows[0]).filter((k) => !["facility_wh", "seed"].includes(k)) : [];
  const cell = (v: unknown) => (typeof v === "number" ? (Number.isInteger(v) ? String(v) : v.toPrecision(4)) : v === null ? "-" : String(v));
  const table = `<table><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join("")}</tr></thead><tbody>${rows.map((row) => `<tr>${head.map((h) => `<td>${esc(cell((row as Record<string, unknown>)[h]))}</td>`).join("")}</tr>`).join("")}</tbody></table>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>inferwatt plan: ${esc(r.scenario.name)}</title><style>${STYLE}</style></head>
<body>
<h1>inferwatt plan: ${esc(r.scenario.name)}</h1>
<p class="meta">inferwatt ${esc(VERSION)}, report made ${esc(createdAt.toISOString())}; ${esc(r.scenario.file)}, seed ${r.scenario.seed}; SLOs ${esc(r.slos.map((s) => s.text).join(", "))}; ${r.tried.length} candidates in ${r.wallS.toFixed(0)} s</p>
<p><b>${r.feasible ? `Feasible: ${j.chosen!.pools.map((p) => `${esc(p.name)} ${p.nodes}`).join(", ")} nodes, ${j.chosen!.gwh_per_day.toPrecision(4)} GWh/day.` : `Infeasible. ${esc((j.why ?? []).join(" "))}`}</b></p>
<ul>${verified.join("")}</ul>
<p>Candidates: each pool alone over a shortened span, ${esc(r.span.text)} (simulated ${(r.span.durationS / 3600).toFixed(2)} h, of which ${(r.span.warmupS / 60).toFixed(0)} min warm-up); GWh/day there is the peak hour's energy at a day's rate.</p>
<figure>${charts.join("\n")}<figcaption>${esc(
    "Fleet configurations made of the candidates tried (pools share no queue: energy adds up, the fleet's p99 is at most the largest pool's). " +
      "One chart per target. Blue: the Pareto front (no configuration has both less energy and a lower p99); grey: the others; dashed: the target; circled: the chosen configuration.",
  )}</figcaption></figure>
<table><thead><tr><th>pool</th><th>stable (u = 1)</th><th>sized (u = 0.8)</th><th>chosen</th><th>below</th><th style="text-align:left">search</th></tr></thead><tbody>${pools.join("")}</tbody></table>
<h2>Every candidate</h2>
${table}
</body></html>
`;
}
