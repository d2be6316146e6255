// npm run bench:startup: how long the command takes to start, each case N times (default 7) in a fresh
// process; prints one JSON line per case (the median) and, with --record, appends them with machine and
// date to bench/results.jsonl. Builds dist/ first (npm run build), so it times the current sources.
// `--runs N` changes the 7. Targets (docs/performance.md): inferwatt and inferwatt help under 0.3 s,
// validate under 0.5 s, a worker thread's start under 0.3 s.
import { execFileSync, spawnSync } from "node:child_process";
import { appendFileSync } from "node:fs";
import os from "node:os";
import { MACHINE } from "./machine.ts";

interface Case {
  readonly name: string;
  /** Wall seconds of one fresh run. */
  readonly time: () => number;
  readonly targetS?: number;
}

const BIN = "bin/inferwatt.js";

/** Wall time of `node bin/inferwatt.js args`, from spawning the process to its exit (exit code 0 expected). */
function command(args: string[], env: NodeJS.ProcessEnv = {}): () => number {
  return () => {
    const t = performance.now();
    const r = spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8", env: { ...process.env, ...env } });
    const s = (performance.now() - t) / 1000;
    if (r.status !== 0) throw new Error(`inferwatt ${args.join(" ")} exited with ${r.status}: ${r.stderr}`);
    return s;
  };
}

// In a fresh process: new Worker(...) of bench/startup-worker-probe.js (the compiled run worker's
// imports) until its first message, printed in seconds.
const WORKER_PROBE = `
const { Worker } = require("node:worker_threads");
const t = performance.now();
const w = new Worker("./bench/startup-worker-probe.js");
w.once("message", () => { process.stdout.write(String((performance.now() - t) / 1000)); w.terminate(); });
w.once("error", (e) => { console.error(e); process.exit(1); });
`;

function workerStart(): number {
  return Number(execFileSync(process.execPath, ["-e", WORKER_PROBE], { encoding: "utf8" }));
}

/** A fresh `node -e 0`: the floor under every case on this machine. */
function nodeAlone(): number {
  const t = performance.now();
  spawnSync(process.execPath, ["-e", "0"]);
  return (performance.now() - t) / 1000;
}

const CASES: Case[] = [
  { name: "startup-node-alone", time: nodeAlone },
  { name: "startup-bare", time: command([]), targetS: 0.3 },
  { name: "startup-help", time: command(["help"]), targetS: 0.3 },
  { name: "startup-validate-small", time: command(["validate", "scenarios/small.yaml"]), targetS: 0.5 },
  { name: "startup-worker", time: workerStart, targetS: 0.3 },
  // for comparison: the same through tsx from the sources (npm run dev), as the command ran before dist/
  { name: "startup-bare-from-sources", time: command([], { INFERWATT_SOURCES: "1" }) },
];

const args = process.argv.slice(2);
const record = args.includes("--record");
const runsAt = args.indexOf("--runs");
const runs = runsAt >= 0 ? Number(args[runsAt + 1]) : 7;

execFileSync(process.execPath, ["scripts/build.js"], { stdio: "inherit" });
for (const c of CASES) {
  c.time(); // a first run warms the file cache; not counted
  const all = Array.from({ length: runs }, () => c.time()).map((s) => Math.round(s * 1000) / 1000);
  const sorted = [...all].sort((a, b) => a - b);
  const median = sorted[Math.floor((sorted.length - 1) / 2)];
  const line = {
    bench: c.name,
    wall_s: median,
    ...(c.targetS !== undefined ? { target_s: c.targetS, met: median < c.targetS } : {}),
    runs,
    wall_s_all: all,
    // the machine is shared: its load when the case ran (2 cores: above 2, every process waits)
    load_avg_1m: Math.round(os.loadavg()[0] * 100) / 100,
    machine: MACHINE,
    date: new Date().toISOString().slice(0, 10),
  };
  console.log(JSON.stringify(line));
  if (record) appendFileSync("bench/results.jsonl", JSON.stringify(line) + "\n");
}
