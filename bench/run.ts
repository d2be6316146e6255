// npm run bench: each benchmark scenario 3 times in a fresh process (in rounds: one run of each, then the next); prints one JSON line per benchmark
// (the median run by wall time) and, with --record, appends them with machine and date to bench/results.jsonl.
// `npm run bench -- NAME ...` runs the benchmarks whose name contains one of the NAMEs; the full days
// (`day`, about 8 minutes a run) run only when named. `--runs N` changes the 3.
import { execFileSync } from "node:child_process";
import { appendFileSync } from "node:fs";
import { MACHINE } from "./machine.ts";

interface Bench {
  readonly name: string;
  readonly file: string;
  readonly set?: readonly string[];
  /** Split into this many shards run in parallel worker threads (absent: one simulation on one core). */
  readonly shards?: number;
  /** Runs only when named on the command line. */
  readonly onRequest?: boolean;
}

const BENCHES: Bench[] = [
  { name: "hour-8000", file: "bench/scenarios/hour-8000.yaml" },
  { name: "hour-8000-2-shards", file: "bench/scenarios/hour-8000.yaml", shards: 2 },
  // the same hour on the physical node (issue #15: at most 25 % slower than hour-8000)
  { name: "hour-8000-physical", file: "bench/scenarios/hour-8000-physical.yaml" },
  { name: "hour-3pools", file: "bench/scenarios/hour-3pools.yaml" },
  { name: "hour-3pools-2-shards", file: "bench/scenarios/hour-3pools.yaml", shards: 2 },
  { name: "small", file: "bench/scenarios/small.yaml" },
  // scenarios/baseline.yaml: its first 19 minutes (1.0e7 queries at the night's rate) and the whole day (1e9), for memory against queries
  { name: "day-baseline-1e7-queries-2-shards", file: "scenarios/baseline.yaml", set: ["duration=19m"], shards: 2, onRequest: true },
  { name: "day-baseline-2-shards", file: "scenarios/baseline.yaml", shards: 2, onRequest: true },
];

const args = process.argv.slice(2);
const record = args.includes("--record");
const runsAt = args.indexOf("--runs");
const runs = runsAt >= 0 ? Number(args[runsAt + 1]) : 3;
const only = args.filter((a, i) => !a.startsWith("--") && args[i - 1] !== "--runs");
const wanted = (b: Bench) => (only.length === 0 ? !b.onRequest : only.some((o) => b.name.includes(o)));
// the runs measure the compiled code (bench/one.ts): bring dist/ up to date with the sources first
execFileSync(process.execPath, ["scripts/build.js"], { stdio: "inherit" });
// in rounds, one run of each benchmark per round: a machine that slows down for a while slows every
// benchmark, not the runs of one, so the ratios between them (the physical node's gate) hold
const chosen = BENCHES.filter(wanted);
const results = chosen.map(() => [] as { wall_s: number }[]);
for (let r = 0; r < runs; r++)
  chosen.forEach((b, i) => {
    const argv = ["--import", "tsx", "bench/one.ts", b.file, ...(b.set ?? []), ...(b.shards ? ["--shards", String(b.shards)] : [])];
    const run = JSON.parse(execFileSync(process.execPath, argv, { encoding: "utf8" }));
    process.stderr.write(`round ${r + 1} of ${runs}: ${b.name} ${run.wall_s} s\n`);
    results[i].push(run);
  });
for (const [i, b] of chosen.entries()) {
  const all = results[i];
  all.sort((x, y) => x.wall_s - y.wall_s);
  const median = all[Math.floor((all.length - 1) / 2)];
  const line = { bench: b.name, ...median, runs, wall_s_all: all.map((r) => r.wall_s), machine: MACHINE, date: new Date().toISOString().slice(0, 10) };
  console.log(JSON.stringify(line));
  if (record) appendFileSync("bench/results.jsonl", JSON.stringify(line) + "\n");
}
