// A worker thread that loads what the compiled run worker (dist/sim/jobs/run-worker.js) imports, then
// posts "ready": bench/startup.ts times a worker's start as new Worker(...) to this message, without
// the simulation the run worker goes on to.
import { readFileSync } from "node:fs";
import { parentPort } from "node:worker_threads";

const entry = new URL("../dist/sim/jobs/run-worker.js", import.meta.url);
const specs = [...readFileSync(entry, "utf8").matchAll(/^import\s[^;]*?from\s*"([^"]+)"/gm)].map((m) => m[1]);
await Promise.all(specs.map((s) => import(s.startsWith(".") ? new URL(s, entry).href : s)));
parentPort.postMessage({ ready: true, modules: specs.length });
