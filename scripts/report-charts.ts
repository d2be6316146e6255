// Redraws report.html and each of its charts as a standalone SVG file (chart-1-power.svg, ...) from
// results folders, e.g. for docs/: npx tsx scripts/report-charts.ts results/compare-X docs/report
// A compare folder stands for its scenarios' folders, in the comparison's order.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { CHARTS, labelledRuns, writeReportHtml } from "../sim/report/report-html.ts";
import { readRunData } from "../sim/report/run-data.ts";

function fail(message: string): never {
  console.error(`report-charts: ${message}`);
  process.exit(2);
}

/** A run's folder as itself; a compare folder (comparison.json) as its scenarios' folders. */
function runFolders(dir: string): string[] {
  if (existsSync(join(dir, "summary.json"))) return [dir];
  if (existsSync(join(dir, "comparison.json"))) {
    const c = JSON.parse(readFileSync(join(dir, "comparison.json"), "utf8")) as { scenarios: { results_dir: string }[] };
    return c.scenarios.map((s) => join(dir, basename(s.results_dir)));
  }
  return fail(`${dir}: expected a results folder (with summary.json) or a compare folder (with comparison.json)`);
}

const args = process.argv.slice(2);
if (args.length < 2) fail("usage: npx tsx scripts/report-charts.ts <results or compare folder>... <out folder>");
const outDir = args.pop()!;
const runs = labelledRuns(args.flatMap(runFolders).map(readRunData));
mkdirSync(outDir, { recursive: true });
writeReportHtml(outDir, runs);
CHARTS.forEach((c, i) => {
  // a standalone SVG file needs its namespace, which inline SVG in HTML does without
  const svg = c.draw(runs).replace("<svg ", '<svg xmlns="http://www.w3.org/2000/svg" ');
  writeFileSync(join(outDir, `chart-${i + 1}-${c.draw.name.replace(/Chart$/, "")}.svg`), svg + "\n");
});
