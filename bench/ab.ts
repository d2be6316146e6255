// npm run bench:ab -- <git-rev> [scenario.yaml] [key=value ...] [--pairs N]
//
// Is the working tree faster than <git-rev>? On a VM whose speed drifts by 15 % from minute to minute,
// runs one after the other cannot tell a 5 % change; this runs the two versions at the same time, one
// per core (each a fresh process of bench/one.ts), so both see the same machine, and reports the
// ratio of wall times per pair (working tree / rev: below 1 is faster) and their median. Both run the
// compiled code (dist/, built first in each tree) through this checkout's bench/one.ts. The rev is
// checked out in a temporary git worktree (removed at the end) sharing this checkout's node_modules.
// Default scenario: the 8,000-node benchmark hour, its first 10 simulated minutes.
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync, symlinkSync } from "node:fs";
import os from "node:os";
import path from "node:path";

const args = process.argv.slice(2);
const pairsAt = args.indexOf("--pairs");
const pairs = pairsAt >= 0 ? Number(args.splice(pairsAt, 2)[1]) : 5;
const [rev, ...rest] = args;
if (!rev || !(pairs >= 1)) {
  console.error("usage: npm run bench:ab -- <git-rev> [scenario.yaml] [key=value ...] [--pairs N]");
  process.exit(2);
}
const run = rest.length > 0 ? rest : ["bench/scenarios/hour-8000.yaml", "duration=10m"];
const here = process.cwd();
const dir = mkdtempSync(path.join(os.tmpdir(), "inferwatt-ab-"));
const other = path.join(dir, "rev");
try {
  execFileSync("git", ["worktree", "add", "--detach", other, rev], { stdio: "ignore" });
} catch {
  console.error(`bench:ab: cannot check out "${rev}" (expected a commit, branch or tag of this repository)`);
  rmSync(dir, { recursive: true, force: true });
  process.exit(2);
}
symlinkSync(path.join(here, "node_modules"), path.join(other, "node_modules"));
// both versions' compiled code, each run by this checkout's bench/one.ts (--root): the same harness for both
for (const root of [here, other]) execFileSync(process.execPath, ["scripts/build.js"], { cwd: root, stdio: "inherit" });

function wallS(root: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", "bench/one.ts", ...run, "--root", root], { cwd: here, stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d));
    child.on("close", (code) => (code === 0 ? resolve(JSON.parse(out).wall_s) : reject(new Error(`bench/one.ts --root ${root} exited with ${code}`))));
  });
}

try {
  const ratios: number[] = [];
  for (let i = 0; i < pairs; i++) {
    const [a, b] = await Promise.all([wallS(other), wallS(here)]);
    ratios.push(b / a);
    console.log(`pair ${i + 1}: ${rev} ${a.toFixed(3)} s, working tree ${b.toFixed(3)} s, ratio ${(b / a).toFixed(3)}`);
  }
  const sorted = [...ratios].sort((x, y) => x - y);
  const median = sorted[Math.floor((sorted.length - 1) / 2)];
  console.log(`median ratio ${median.toFixed(3)} (range ${sorted[0].toFixed(3)}-${sorted[sorted.length - 1].toFixed(3)}, ${pairs} pairs)`);
} finally {
  execFileSync("git", ["worktree", "remove", "--force", other], { stdio: "ignore" });
  rmSync(dir, { recursive: true, force: true });
}
