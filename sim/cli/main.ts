import { ScenarioError } from "../scenario/errors.ts";
import { compareCommand, COMPARE_USAGE } from "./compare-command.ts";
import { paperCommand, PAPER_USAGE } from "./paper-command.ts";
import { runCommand, RUN_USAGE } from "./run-command.ts";
import { schemaCommand, validateCommand } from "./scenario-commands.ts";
import { sizeCommand, SIZE_USAGE } from "./size-command.ts";
import { UsageError } from "./usage-error.ts";

export const USAGE = `inferwatt: the energy of serving large language models at fleet scale

  inferwatt run <scenario.yaml> [--out DIR] [--set k=v ...] [--shards N] [--no-tui]   simulate a fleet
  inferwatt compare <a.yaml> <b.yaml> ... [--out DIR] [--set k=v ...] [--no-tui]      several side by side
  inferwatt validate <scenario.yaml> [--set k=v ...]                               check a scenario, run nothing
  inferwatt schema                                                                  print the scenario JSON Schema
  inferwatt size <scenario.yaml> [--utilization U] [--set k=v ...]                  nodes per pool for the peak hour
  inferwatt paper [--params joule|v1] [--samples N] [--seed N] [--json]             the paper's estimator
  inferwatt help                                                                    this text (all flags below)

${RUN_USAGE}

${COMPARE_USAGE}

${SIZE_USAGE}

${PAPER_USAGE}`;

/** A command returns its exit code, or nothing for 0. */
type Command = (argv: string[], out: (s: string) => void) => void | number | Promise<void | number>;

const COMMANDS: Record<string, Command> = {
  run: runCommand,
  compare: compareCommand,
  validate: validateCommand,
  schema: schemaCommand,
  size: sizeCommand,
  paper: paperCommand,
  help: (_argv, out) => {
    out(USAGE + "\n");
  },
};

/** Runs one command; returns the exit code (0 done, 2 the user's input is wrong, 130 interrupted, 1 a bug). */
export async function main(argv: string[], out = (s: string) => process.stdout.write(s), err = (s: string) => process.stderr.write(s)): Promise<number> {
  const [name, ...rest] = argv;
  const command = name === undefined || name === "--help" || name === "-h" ? COMMANDS.help : COMMANDS[name];
  try {
    if (!command) throw new UsageError(`unknown command "${name}"; expected one of: ${Object.keys(COMMANDS).join(", ")} (see inferwatt help)`);
    return (await command(joinNegativeValues(rest), out)) ?? 0;
  } catch (e) {
    if (e instanceof ScenarioError) {
      err(`inferwatt ${name}: the scenario is not valid:\n${e.message}\n`);
      return 2;
    }
    if (e instanceof UsageError || isParseArgsError(e)) {
      err(`inferwatt ${name ?? ""}: ${(e as Error).message.split("\n")[0]}\n`);
      return 2;
    }
    throw e;
  }
}

/** `--samples -1` would read as two flags to parseArgs; make it `--samples=-1` so the flag's own check reports it. */
function joinNegativeValues(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const next = argv[i + 1];
    if (argv[i].startsWith("--") && !argv[i].includes("=") && next !== undefined && /^-\d/.test(next)) {
      out.push(`${argv[i]}=${next}`);
      i++;
    } else out.push(argv[i]);
  }
  return out;
}

/** node:util parseArgs rejects unknown flags and missing values with these codes. */
function isParseArgsError(e: unknown): boolean {
  const code = (e as { code?: string })?.code ?? "";
  return code.startsWith("ERR_PARSE_ARGS");
}
