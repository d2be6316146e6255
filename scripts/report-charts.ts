// Redraws report.html and each of its charts as a standalone SVG file from results folders, e.g. for
// docs/: npx tsx scripts/report-charts.ts results/compare-X/baseline results/compare-X/tts-10 docs/report
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CHARTS, writeReportHtml } from "../sim/report/report-html.ts";
import { readRunData } from "../sim/report/run-data.ts";

const args = process.argv.slice(2);
if (args.length < 2) throw new Error("usage: npx tsx scripts/report-charts.ts <results-dir>... <out-dir>");
const outDir = args.pop()!;
const runs = args.map(readRunData);
mkdirSync(outDir, { recursive: true });
writeReportHtml(outDir, runs);
CHARTS.forEach((c, i) => {
  // a standalone SVG file needs its namespace, which inline SVG in HTML does without
  const svg = c.draw(runs).replace("<svg ", '<svg xmlns="http://www.w3.org/2000/svg" ');
  writeFileSync(join(outDir, `chart-${i + 1}-${c.draw.name.replace(/Chart$/, "")}.svg`), svg + "\n");
});
