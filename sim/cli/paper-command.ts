import { runPaperEstimator, type PaperResult } from "../../models/paper/estimator.ts";
import { PARAM_SET_NAMES, type ParamSetName } from "../../models/paper/params.ts";
import { PUBLISHED } from "../../models/paper/published.ts";
import { UsageError } from "../scenario/errors.ts";
import { parseIntFlag, parseFlags } from "./parse-flags.ts";

export function paperCommand(argv: string[], out: (s: string) => void): void {
  const { values } = parseFlags({
    args: argv,
    options: {
      params: { type: "string" },
      samples: { type: "string" },
      seed: { type: "string" },
      "input-tokens": { type: "string" },
      "power-proportional": { type: "boolean" },
      json: { type: "boolean" },
    },
    strict: true,
    allowPositionals: false,
  });
  const params = (values.params ?? "joule") as ParamSetName;
  if (!PARAM_SET_NAMES.includes(params)) {
    throw new UsageError(`--params: got "${values.params}"; expected one of ${PARAM_SET_NAMES.join(", ")}`);
  }
  const result = runPaperEstimator({
    params,
    samples: parseIntFlag("--samples", values.samples, 10),
    seed: parseIntFlag("--seed", values.seed, 0),
    inputTokens: parseIntFlag("--input-tokens", values["input-tokens"], 1),
    powerProportional: values["power-proportional"] ?? false,
  });
  out(values.json ? JSON.stringify(result, null, 2) : formatPaperTables(result));
}

const f = (v: number, digits = 3) => (Number.isFinite(v) ? v.toFixed(digits) : "-");

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

export function formatPaperTables(r: PaperResult): string {
  const pub = PUBLISHED[r.params];
  const sens = [
    r.sensitivity.inputTokens !== undefined ? `input tokens ${r.sensitivity.inputTokens} (charged at 1/30)` : "",
    r.sensitivity.powerProportional ? "power-proportional PU" : "",
  ].filter(Boolean);
  const published = sens.length === 0;
  const pubCell = (v: number | undefined) => (published && v !== undefined ? f(v, 2) : "");
  const parts: string[] = [];
  parts.push(
    `inferwatt paper: the estimator of Oviedo et al., "${r.params}" parameters\n${r.samples} samples per model and regime, seed ${r.seed}` +
      (sens.length ? `\nsensitivity: ${sens.join("; ")}\n(published figures not shown: they assume neither)` : ""),
  );
  parts.push(
    "Per-query energy, Wh; frontier blend:\n" + r.frontier_models.traditional.join(", ") + "\n" +
      table(
        ["regime", "P5", "P25", "median", "P75", "P95", "mean", ...(published ? ["published (IQR)"] : [])],
        (["traditional", "test_time_scaling"] as const).map((k) => {
          const s = r.per_query_wh[k];
          const p = pub.perQuery[k];
          const iqr = p.p25 !== undefined && p.p75 !== undefined ? ` (${f(p.p25, 2)}-${f(p.p75, 2)})` : "";
          return [k.replaceAll("_", " "), f(s.p5), f(s.p25), f(s.p50), f(s.p75), f(s.p95), f(s.mean), ...(published ? [f(p.p50, 2) + iqr] : [])];
        }),
      ),
  );
  parts.push(
    "Per model, median Wh per query\n" +
      table(
        ["model", "traditional", "test-time scaling"],
        Object.entries(r.per_model).map(([m, v]) => [m, f(v.traditional.p50), f(v.test_time_scaling.p50)]),
      ),
  );
  parts.push(
    "Efficiency pathways, Wh per query: the traditional blend divided by each lever\n" +
      table(
        ["lever", "median", "P25", "P75"],
        (["model", "serving", "hardware", "combined"] as const).map((k) => [k, f(r.efficiency[k].p50, 4), f(r.efficiency[k].p25, 4), f(r.efficiency[k].p75, 4)]),
      ),
  );
  parts.push(
    "Fleet, 1e9 queries/day, GWh/day (bootstrap median of beta x mean, P5-P95)\n" +
      table(
        ["workload", "GWh/day", "P5", "P95", "published"],
        (Object.keys(r.fleet_gwh_per_day) as (keyof PaperResult["fleet_gwh_per_day"])[]).map((k) => [
          k.replaceAll("_", " "),
          f(r.fleet_gwh_per_day[k]),
          f(r.fleet_gwh_per_day_interval[k].p5),
          f(r.fleet_gwh_per_day_interval[k].p95),
          pubCell(pub.fleet[k]),
        ]),
      ) +
      "\nreference: 1e9 web searches = 0.3 GWh/day;\n           a 30 MW H100 datacenter at 80 % for a day = 0.576 GWh",
  );
  return parts.join("\n\n") + "\n";
}
