#!/usr/bin/env bash
# The energy-latency frontier of docs/findings.md ("Planning against a latency target"): inferwatt plan
# on the showcase scenarios (a twentieth of the paper's traffic and fleet) for p99 targets on traditional
# queries from loose to tight, then one line per plan. Usage: scripts/plan-frontier.sh [OUT_DIR]
# (about 15 minutes on 2 cores).
set -euo pipefail
out=${1:-results/plan-frontier}
mkdir -p "$out"
for s in showcase-baseline showcase-tts-10; do
  for e2e in 300 200 150 120 60; do
    dir="$out/$s-e2e-$e2e"
    [ -e "$dir/plan.json" ] || node bin/inferwatt.js plan "scenarios/$s.yaml" --slo ttft_p99:traditional=1 --slo "e2e_p99:traditional=$e2e" --no-tui --out "$dir" > "$dir.log"
  done
done
node - "$out" <<'JS'
const { readFileSync, readdirSync, existsSync } = require("node:fs");
const out = process.argv[2];
console.log("scenario | e2e target s | nodes per pool | GWh/day (day) | e2e p99 traditional, day / peak | u at the peak | mean h, day | power / P(C), day");
for (const d of readdirSync(out).filter((d) => existsSync(`${out}/${d}/plan.json`)).sort()) {
  const p = JSON.parse(readFileSync(`${out}/${d}/plan.json`, "utf8"));
  const target = p.slos[1].target_s;
  if (!p.feasible) {
    console.log(`${d.replace(/-e2e-\d+$/, "")} | ${target} | infeasible: ${p.why.join("; ").slice(0, 160)}`);
    continue;
  }
  const v = p.verifications[0];
  const nodes = p.pools.map((x) => x.chosen_nodes);
  // offered work at the peak over the chosen fleet's full-batch capacity: the u of inferwatt size (stable nodes = ceil(peak work))
  const u = p.pools.reduce((s, x) => s + x.stable_nodes, 0) / nodes.reduce((a, b) => a + b, 0);
  console.log(`${d.replace(/-e2e-\d+$/, "")} | ${target} | ${nodes.join(" + ")} = ${nodes.reduce((a, b) => a + b, 0)} | ${v.gwh_per_day.toFixed(4)} | ${v.slos[1].toFixed(0)} / ${p.chosen.peak_span.latency[p.slos[1].slo].toFixed(0)} | ${u.toFixed(2)} | ${v.mean_h.toFixed(2)} | ${v.power_utilization.toFixed(2)}`);
}
JS
