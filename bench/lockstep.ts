// npm run bench:lockstep -- [A.yaml B.yaml] [key=value ...] [--span S] [--runs N] [--root-a DIR] [--record]
//
// How much slower is simulation B than simulation A, on a machine whose speed drifts? The two run in
// two processes in lock step: A simulates the next S seconds (default 60) while B waits, then B does,
// then the next span (in the order A B, B A, A B, ... so that a steady drift favours neither), each
// timing its own spans. Both see the machine of the same few seconds, so the drift of a shared VM
// (15-30 % over minutes here) cancels out of the ratio that sequential runs measure badly. Prints one
// JSON line: of the median run, each side's total time (the sum of its spans, what a run alone would
// take), the ratio of the totals and the spread of the span ratios; every run's ratio; --record appends
// it to bench/results.jsonl. Default: the benchmark hour on the regression (A) and on the physical node
// (B), issue #15's speed gate.
// --root-a DIR: A runs the compiled code of another checkout (built there first), so that one scenario
// under two versions of the code is compared the same way (A.yaml = B.yaml).
// Both processes are pinned to one core (the last; `taskset`, where there is one): left to the
// scheduler, each stays on a core of its own, and the two cores of a VM need not be equally fast (a
// scenario against itself came out 1.09 unpinned, 1.01-1.02 pinned). Their V8 helper threads (the
// compiler, the collector) then share that core, and their time counts.
// --runs N (default 3): N such pairs of fresh processes, one after the other. Within a run the span
// ratios agree to a few per cent, but one pair of processes can run 5-8 % faster or slower than the
// next throughout (where each process's code and data landed), so the line reports every run's ratio
// and their median.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { appendFileSync } from "node:fs";
import os from "node:os";
import { MACHINE } from "./machine.ts";
import path from "node:path";

const args = process.argv.slice(2);
const record = args.includes("--record");
const spanAt = args.indexOf("--span");
const spanS = spanAt >= 0 ? Number(args[spanAt + 1]) : 60;
const runsAt = args.indexOf("--runs");
const runs = runsAt >= 0 ? Number(args[runsAt + 1]) : 3;
const rootAt = args.indexOf("--root-a");
const here = process.cwd();
const rootA = rootAt >= 0 ? path.resolve(args[rootAt + 1]) : here;
const rest = args.filter((a, i) => !a.startsWith("--") && args[i - 1] !== "--span" && args[i - 1] !== "--runs" && args[i - 1] !== "--root-a");
const files = rest.filter((a) => a.endsWith(".yaml"));
const set = rest.filter((a) => !a.endsWith(".yaml"));
if (!(spanS > 0) || !(Number.isInteger(runs) && runs >= 1) || (files.length !== 0 && files.length !== 2)) {
  console.error("usage: npm run bench:lockstep -- [A.yaml B.yaml] [key=value ...] [--span SECONDS] [--runs N] [--root-a DIR] [--record]");
  process.exit(2);
}
const [fileA, fileB] = files.length === 2 ? files : ["bench/scenarios/hour-8000.yaml", "bench/scenarios/hour-8000-physical.yaml"];
for (const root of new Set([here, rootA])) execFileSync(process.execPath, ["scripts/build.js"], { cwd: root, stdio: "inherit" });

/** The core both sides run on, or -1 (no taskset: wherever the scheduler puts them). */
const core = (() => {
  try {
    execFileSync("taskset", ["-c", "0", "true"], { stdio: "ignore" });
    return os.availableParallelism() - 1;
  } catch {
    return -1;
  }
})();

interface Reply {
  ms: number;
  durationS: number;
  name: string;
  queries: number;
  events: number;
}
function start(file: string, root: string): { child: ChildProcess; next: () => Promise<Reply> } {
  const argv = [process.execPath, "--import", "tsx", path.join(here, "bench/lockstep-child.ts"), file, "--root", root, ...set];
  const [command, ...rest] = core >= 0 ? ["taskset", "-c", String(core), ...argv] : argv;
  const child = spawn(command, rest, { stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const waiting: ((r: Reply) => void)[] = [];
  child.on("message", (m: Reply) => waiting.shift()?.(m));
  child.on("exit", (code) => code !== 0 && code !== null && (console.error(`bench:lockstep: ${file} exited with ${code}`), process.exit(code === 2 ? 2 : 1)));
  return { child, next: () => new Promise((resolve) => waiting.push(resolve)) };
}
/** One run in lock step: each side's span times (ms), and what each simulated. */
async function lockstep(): Promise<{ msA: number[]; msB: number[]; readyA: Reply; readyB: Reply; endA: Reply; endB: Reply }> {
  const a = start(fileA, rootA);
  const b = start(fileB, here);
  const [readyA, readyB] = await Promise.all([a.next(), b.next()]);
  if (readyA.durationS !== readyB.durationS) {
    console.error(`bench:lockstep: ${fileA} runs ${readyA.durationS} s and ${fileB} ${readyB.durationS} s; lock step needs one duration`);
    process.exit(2);
  }
  const durationS = readyA.durationS;
  async function span(side: typeof a, message: object): Promise<Reply> {
    const reply = side.next();
    side.child.send(message);
    return reply;
  }
  const msA: number[] = [];
  const msB: number[] = [];
  for (let k = 0, t = 0; t < durationS; k++) {
    t = Math.min(durationS, (k + 1) * spanS);
    const order = k % 2 === 0 ? [a, b] : [b, a];
    for (const side of order) (side === a ? msA : msB).push((await span(side, { untilS: t })).ms);
    process.stderr.write(`\rsimulated ${t} of ${durationS} s`);
  }
  const [endA, endB] = [await span(a, { finish: true }), await span(b, { finish: true })];
  process.stderr.write("\n");
  a.child.disconnect();
  b.child.disconnect();
  msA[msA.length - 1] += endA.ms;
  msB[msB.length - 1] += endB.ms;
  return { msA, msB, readyA, readyB, endA, endB };
}

const sum = (x: number[]) => x.reduce((s, v) => s + v, 0);
const all: Awaited<ReturnType<typeof lockstep>>[] = [];
for (let r = 0; r < runs; r++) {
  const run = await lockstep();
  all.push(run);
  process.stderr.write(`run ${r + 1} of ${runs}: ${(sum(run.msB) / sum(run.msA)).toFixed(3)}\n`);
}
const byRatio = [...all].sort((x, y) => sum(x.msB) / sum(x.msA) - sum(y.msB) / sum(y.msA));
// the median run (the lower middle one for an even count)
const { msA, msB, readyA, readyB, endA, endB } = byRatio[Math.floor((byRatio.length - 1) / 2)];
const ratios = msB.map((v, i) => v / msA[i]).sort((x, y) => x - y);
const q = (p: number) => ratios[Math.round(p * (ratios.length - 1))];
const line = {
  bench: `lockstep ${path.basename(fileB, ".yaml")} / ${path.basename(fileA, ".yaml")}`,
  scenario_a: readyA.name,
  scenario_b: readyB.name,
  ...(set.length > 0 ? { set } : {}),
  ...(rootA !== here ? { root_a: rootA } : {}),
  span_s: spanS,
  core: core >= 0 ? core : "any",
  spans: msA.length,
  queries_a: endA.queries,
  queries_b: endB.queries,
  wall_s_a: Number((sum(msA) / 1000).toFixed(3)),
  wall_s_b: Number((sum(msB) / 1000).toFixed(3)),
  runs,
  ratio: Number((sum(msB) / sum(msA)).toFixed(3)),
  ratio_of_each_run: all.map((r) => Number((sum(r.msB) / sum(r.msA)).toFixed(3))),
  span_ratio_p10_p50_p90: [q(0.1), q(0.5), q(0.9)].map((r) => Number(r.toFixed(3))),
  machine: MACHINE,
  date: new Date().toISOString().slice(0, 10),
};
console.log(JSON.stringify(line));
if (record) appendFileSync("bench/results.jsonl", JSON.stringify(line) + "\n");
