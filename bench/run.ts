// npm run bench: each benchmark scenario 3 times in a fresh process; prints one JSON line per scenario
// (the median run by wall time) and, with --record, appends them with machine and date to bench/results.jsonl.
import { execFileSync } from "node:child_process";
import { appendFileSync } from "node:fs";
import os from "node:os";

const record = process.argv.includes("--record");
const only = process.argv.slice(2).filter((a) => !a.startsWith("--"));
const BENCHES: { file: string; set?: string[] }[] = [
  { file: "bench/scenarios/hour-8000.yaml" },
  { file: "bench/scenarios/hour-3pools.yaml" },
  { file: "bench/scenarios/small.yaml" },
];
const machine = `${os.cpus()[0]?.model ?? "cpu"} x${os.availableParallelism()}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
for (const b of BENCHES.filter((b) => only.length === 0 || only.some((o) => b.file.includes(o)))) {
  const runs = [0, 1, 2].map(() =>
    JSON.parse(execFileSync(process.execPath, ["--import", "tsx", "bench/one.ts", b.file, ...(b.set ?? [])], { encoding: "utf8" })),
  );
  runs.sort((x, y) => x.wall_s - y.wall_s);
  const line = { ...runs[1], runs: 3, wall_s_all: runs.map((r) => r.wall_s), machine, date: new Date().toISOString().slice(0, 10) };
  console.log(JSON.stringify(line));
  if (record) appendFileSync("bench/results.jsonl", JSON.stringify(line) + "\n");
}
