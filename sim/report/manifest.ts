import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import type { Scenario } from "../scenario/types.ts";

// the project's folder, from sim/report/ or (compiled) dist/sim/report/
const ROOT = new URL(import.meta.url.endsWith(".js") ? "../../../" : "../../", import.meta.url);

export const VERSION: string = JSON.parse(readFileSync(new URL("package.json", ROOT), "utf8")).version;

/** The project's git commit, or null outside a checkout (a user's copy may have none). */
export function gitCommit(): string | null {
  try {
    return execFileSync("git", ["rev-parse", "HEAD"], { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    return null;
  }
}

export interface Manifest {
  readonly inferwatt_version: string;
  readonly git_commit: string | null;
  readonly node_version: string;
  readonly scenario_file: string | null;
  readonly seed: number;
  readonly started_at: string;
  readonly ended_at: string;
  readonly incomplete: boolean;
  /** Shards the fleet was split into (1: one simulation). */
  readonly shards: number;
  readonly scenario: Scenario;
}

export function buildManifest(scenario: Scenario, file: string | null, startedAt: Date, endedAt: Date, incomplete: boolean, shards = 1): Manifest {
  return {
    inferwatt_version: VERSION,
    git_commit: gitCommit(),
    node_version: process.version,
    scenario_file: file,
    seed: scenario.seed,
    started_at: startedAt.toISOString(),
    ended_at: endedAt.toISOString(),
    incomplete,
    shards,
    scenario,
  };
}
