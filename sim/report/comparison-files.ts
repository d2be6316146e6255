import { join } from "node:path";
import { writeFileAtomic } from "./atomic-write.ts";
import { comparisonTable, METRICS, PHYSICAL_METRICS, type ComparedScenario } from "./comparison.ts";
import { VERSION } from "./manifest.ts";

const csvCell = (v: string | number | null) => {
  const s = v === null ? "" : String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/**
 * comparison.csv: one row per scenario; every metric, then every metric's ratio to the first scenario;
 * with physical pools, then the physical node's metrics and their ratios.
 */
export function comparisonCsv(compared: readonly ComparedScenario[]): string {
  const keys = METRICS.map((m) => m.key);
  const physical = PHYSICAL_METRICS.map((m) => m.key).filter((k) => compared.some((c) => k in c.metrics));
  const header = ["scenario", "label", "file", "seed", "state", "results_dir", ...keys, ...keys.map((k) => `ratio_${k}`), ...physical, ...physical.map((k) => `ratio_${k}`)];
  const rows = compared.map((c) =>
    [
      c.scenario,
      c.label,
      c.file,
      c.seed,
      c.state,
      c.results_dir,
      ...keys.map((k) => c.metrics[k]),
      ...keys.map((k) => c.ratio_to_first[k]),
      ...physical.map((k) => c.metrics[k] ?? null),
      ...physical.map((k) => c.ratio_to_first[k] ?? null),
    ]
      .map(csvCell)
      .join(","),
  );
  return [header.join(","), ...rows].join("\n") + "\n";
}

/** comparison.md: the side-by-side table as Markdown. */
export function comparisonMd(compared: readonly ComparedScenario[]): string {
  const t = comparisonTable(compared);
  const row = (cells: string[]) => `| ${cells.join(" | ")} |`;
  return [
    `# inferwatt compare: ${compared.map((c) => c.label).join(" vs ")}`,
    "",
    row(t.header.map((h, i) => (i === 0 ? "metric" : h))),
    row(t.header.map((_, i) => (i === 0 ? "---" : "---:"))),
    ...t.rows.map(row),
    "",
    t.note,
    "",
    ...compared.map((c) => `- ${c.label}: ${c.file ?? "(no file)"}, seed ${c.seed}, ${c.state}, results in ${c.results_dir}`),
    "",
  ].join("\n");
}

/** Writes comparison.csv, comparison.json and comparison.md into the compare folder. */
export function writeComparisonFiles(dir: string, compared: readonly ComparedScenario[], createdAt: Date): void {
  writeFileAtomic(join(dir, "comparison.csv"), comparisonCsv(compared));
  writeFileAtomic(
    join(dir, "comparison.json"),
    JSON.stringify({ inferwatt_version: VERSION, created_at: createdAt.toISOString(), first: compared[0]?.scenario, scenarios: compared }, null, 2) + "\n",
  );
  writeFileAtomic(join(dir, "comparison.md"), comparisonMd(compared));
}
