import { MAX_SHARDS, shardProblem } from "../scenario/shard.ts";
import type { Scenario } from "../scenario/types.ts";
import { UsageError } from "../scenario/errors.ts";
import { parseIntFlag, parseFlags } from "./parse-flags.ts";

/** The flags of every command that runs scenarios into a results folder (run, compare, sweep, plan). */
export const RUN_OPTIONS = {
  out: { type: "string" },
  seed: { type: "string" },
  set: { type: "string", multiple: true },
  "no-tui": { type: "boolean" },
  verbose: { type: "boolean" },
  force: { type: "boolean" },
} as const;

/** The flags `run` and `compare` share, parsed; positionals are the scenario files. */
export function parseRunFlags(argv: string[]) {
  return parseFlags({
    args: argv,
    options: { ...RUN_OPTIONS, shards: { type: "string" } },
    allowPositionals: true,
    strict: true,
  });
}

/** --shards: a whole number from 1 to MAX_SHARDS that every scenario can be split into (exit 2 otherwise). */
export function parseShards(text: string | undefined, scenarios: readonly { file: string; scenario: Scenario }[]): number {
  const shards = parseIntFlag("--shards", text, 1) ?? 1;
  if (shards > MAX_SHARDS) throw new UsageError(`--shards: got ${shards}; expected at most ${MAX_SHARDS}`);
  for (const { file, scenario } of scenarios) {
    const problem = shardProblem(scenario, shards);
    if (problem) throw new UsageError(`--shards ${shards}: ${file}: ${problem}`);
  }
  return shards;
}
