import { availableParallelism } from "node:os";
import { join } from "node:path";
import { chosenPatches, startPlan, type PlanResult } from "../jobs/plan.ts";
import { planBase, plannedYaml, type PlanBase } from "../jobs/plan-scenarios.ts";
import { fmtS, showValues } from "../jobs/plan-search.ts";
import { parseSlo, type Slo } from "../jobs/plan-slo.ts";
import { parseVary, poolVariants } from "../jobs/plan-vary.ts";
import { planJson, writePlanFiles } from "../report/plan-files.ts";
import { makeResultsDir } from "../report/results-dir.ts";
import { UsageError } from "../scenario/errors.ts";
import { batchedUpdates } from "../tui/batched-updates.ts";
import { compareStarting, updateRow, type CompareState } from "../tui/compare-state.ts";
import { createStore } from "../tui/store.ts";
import { EXIT_INTERRUPTED, onInterrupt } from "./interrupt.ts";
import { liveViewWanted } from "./live-view-wanted.ts";
import { parseFlags, parseIntFlag } from "./parse-flags.ts";
import { RUN_OPTIONS } from "./run-flags.ts";
import { plainProgress } from "./plain-progress.ts";
import { PLAN_USAGE } from "./usage.ts";

export async function planCommand(argv: string[], out: (s: string) => void): Promise<number> {
  const { values, positionals } = parseFlags({
    args: argv,
    options: {
      slo: { type: "string", multiple: true },
      vary: { type: "string", multiple: true },
      json: { type: "boolean" },
      "verify-below": { type: "boolean" },
      jobs: { type: "string" },
      ...RUN_OPTIONS,
    },
    allowPositionals: true,
    strict: true,
  });
  if (positionals.length !== 1) throw new UsageError(`expected one scenario file, got ${positionals.length}; usage: ${PLAN_USAGE.split("\n")[0]}`);
  if (!values.slo || values.slo.length === 0) throw new UsageError(`--slo: got nothing; expected at least one latency target, e.g. --slo ttft_p99=1 --slo e2e_p99=60`);
  const slos = values.slo.map(parseSlo);
  const vary = parseVary(values.vary ?? []);
  const base = planBase(positionals[0], values.set ?? [], parseIntFlag("--seed", values.seed, 0));
  checkSlos(base, slos);
  const variants = poolVariants(base, vary);
  const configs = variants.reduce((n, vs) => n + vs.length, 0);
  const json = values.json ?? false;
  const verbose = values.verbose ?? false;
  const dir = makeResultsDir(`plan-${base.scenario.name}`, values.out, "results", values.force ?? false);
  const live = !json && liveViewWanted({ noTui: values["no-tui"] ?? false, verbose, isTTY: process.stdout.isTTY === true, env: process.env });
  const liveView = live ? await import("./compare-live.tsx") : null;
  const say = json ? () => undefined : out;

  // the live view of compare, a row per simulation as it starts
  const store = createStore<CompareState>(compareStarting([]));
  const updates = batchedUpdates(store);
  const rowOf = new Map<number, number>();
  const plainOf = new Map<number, (p: Parameters<ReturnType<typeof plainProgress>>[0]) => void>();
  // simulations at once; what the plan chooses does not depend on it (plan-search.ts, POINTS_PER_ROUND)
  const cores = parseIntFlag("--jobs", values.jobs, 1) ?? availableParallelism();
  say(
    `plan ${base.scenario.name}: ${slos.map((s) => s.text).join(", ")}; ${base.scenario.pools.length} pool(s)${configs > variants.length ? ` in ${configs} configurations (--vary ${(values.vary ?? []).join(", ")})` : ""} searched at once on ${cores} cores\n`,
  );
  const plan = startPlan({
    base,
    slos,
    variants,
    cores,
    dir,
    verifyBelow: values["verify-below"] ?? false,
    verbose,
    events: {
      onStart: (key, label) => {
        updates.queue((s) => {
          rowOf.set(key, s.rows.length);
          return { ...s, rows: [...s.rows, { name: label, status: "running", progress: null, outcome: null }] };
        });
        // plain lines only without the live view: a line written under it breaks its frame (the title drawn twice)
        if ((label.startsWith("verify") || label.endsWith("full scenario")) && !live) {
          say(`${label}\n`);
          plainOf.set(key, plainProgress(say, 0.25, `${label.split(":")[0]}: `));
        }
      },
      onProgress: (key, progress) => (live ? updates.queue((s) => updateRow(s, rowOf.get(key)!, { progress })) : plainOf.get(key)?.(progress)),
      onDone: (key, summary, tried) => {
        updates.queue((s) => {
          const i = rowOf.get(key)!;
          const name = tried ? `${s.rows[i].name} ${tried.meets ? "meets" : "misses"}` : s.rows[i].name;
          return updateRow(s, i, { name, status: "done", outcome: { summary, outDir: "", incomplete: summary.state !== "completed" } });
        });
        if (tried && !live)
          say(`  tried ${tried.pool} ${tried.nodes} nodes${variants[tried.poolIndex][tried.variantIndex].label ? ` (${variants[tried.poolIndex][tried.variantIndex].label})` : ""}${tried.seed !== base.scenario.seed ? " (seed+1)" : ""}: ${showValues(tried, slos)}, ${summary.energy.gwh_per_day.toPrecision(4)} GWh/day at the peak: ${tried.meets ? "meets" : "misses"}\n`);
      },
    },
  });
  const interrupt = onInterrupt(() => plan.stop());
  try {
    const view = liveView ? liveView.showCompareLive(store, undefined, `inferwatt plan ${base.scenario.name}`) : null;
    const result = await plan.done;
    updates.close();
    if (view) {
      store.set((s) => ({ ...s, final: { table: { header: [], rows: [], note: "" }, dir } }));
      await view;
    }
    const planned = result.feasible ? plannedYaml(base, result.pools.map((p) => p.chosen!.nodes), plannedHeader(base, slos, result, values.vary ?? []), chosenPatches(result.pools)) : null;
    const report = { ...result, scenario: { name: base.scenario.name, file: base.file, seed: base.scenario.seed, pools: base.scenario.pools }, slos };
    writePlanFiles(dir, report, planned);
    if (json) out(JSON.stringify(planJson(report), null, 2) + "\n");
    else out(finalLines(base, slos, result, dir).join("\n") + "\n");
    return interrupt.interrupted() || result.interrupted ? EXIT_INTERRUPTED : 0;
  } finally {
    updates.close();
    interrupt.dispose();
  }
}

/** Class names must exist; tpot needs the physical node on every pool serving the SLO's queries. */
function checkSlos(base: PlanBase, slos: readonly Slo[]): void {
  const s = base.scenario;
  const names = s.workload.classes.map((c) => c.name);
  for (const slo of slos) {
    if (slo.className !== null && !names.includes(slo.className))
      throw new UsageError(`--slo ${slo.text}: ${base.file} has no class "${slo.className}"; expected one of ${names.join(", ")}`);
    if (slo.metric !== "tpot") continue;
    const regression = s.pools.find((p) => !p.physical && s.workload.classes.some((c) => (slo.className === null || c.name === slo.className) && c.share * (p.classShares[c.name] ?? 0) > 0));
    if (regression)
      throw new UsageError(
        `--slo ${slo.text}: pool "${regression.name}" runs on the paper's regression, which gives no time per output token; tpot_p99 needs pools on the physical node (model: { architecture })`,
      );
  }
}

function plannedHeader(base: PlanBase, slos: readonly Slo[], r: PlanResult, vary: readonly string[]): string[] {
  const v = r.verifications.find((x) => x.label === "chosen");
  return [
    `Planned by inferwatt plan ${base.file} ${slos.map((s) => `--slo ${s.text}`).join(" ")}${vary.map((x) => ` --vary ${x}`).join("")} (seed ${base.scenario.seed}):`,
    vary.length === 0
      ? `the fewest nodes per pool that meet every SLO in the peak hour (${r.pools.map((p) => `${p.pool} ${p.chosen!.nodes}`).join(", ")}).`
      : `per pool, the configuration of least energy in the peak hour that meets every SLO (${r.pools.map((p) => `${p.pool} ${p.chosen!.nodes}${p.variant.label ? ` at ${p.variant.label}` : ""}`).join(", ")}).`,
    ...(v ? [`On the full scenario: ${v.summary.energy.gwh_per_day.toPrecision(4)} GWh/day; ${slos.map((s, k) => `${s.text.split("=")[0]} ${fmtS(v.values[k])}`).join(", ")}.`] : []),
    `Run it: inferwatt run <this file>`,
  ];
}

function finalLines(base: PlanBase, slos: readonly Slo[], r: PlanResult, dir: string): string[] {
  const w = Math.max(4, ...r.pools.map((p) => p.pool.length));
  const lines = [
    "",
    `plan ${base.scenario.name}: ${r.interrupted ? "interrupted" : r.feasible ? "feasible" : "infeasible"} (${slos.map((s) => s.text).join(", ")})`,
    `  candidates: each pool alone over ${r.span.text}`,
    `  ${"pool".padEnd(w)}  ${"nodes".padStart(6)}  ${"sized".padStart(6)}  search`,
    ...r.pools.map((p) => `  ${p.pool.padEnd(w)}  ${String(p.chosen?.nodes ?? "-").padStart(6)}  ${String(p.sizedNodes).padStart(6)}  ${p.note}`),
    ...r.verifications.map(
      (v) =>
        `  full scenario, ${v.label} (${v.nodes.join(" + ")} nodes): ${v.summary.energy.gwh_per_day.toPrecision(4)} GWh/day; ${slos.map((s, k) => `${s.text.split("=")[0]} ${fmtS(v.values[k])}`).join(", ")}: ${v.meets ? "meets every SLO" : "misses an SLO"}`,
    ),
    `  ${r.tried.length} candidates, ${r.wallS.toFixed(0)} s`,
    `results  ${dir}`,
    `report   ${join(dir, "report.html")}`,
  ];
  if (r.feasible) lines.push(`planned  ${join(dir, "planned.yaml")}`);
  return lines;
}
