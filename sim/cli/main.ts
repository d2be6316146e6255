import { ScenarioError } from "../scenario/errors.ts";
import { compareCommand, COMPARE_USAGE } from "./compare-command.ts";
import { nodeCommand, NODE_USAGE } from "./node-command.ts";
import { paperCommand, PAPER_USAGE } from "./paper-command.ts";
import { runCommand, RUN_USAGE } from "./run-command.ts";
import { schemaCommand, validateCommand } from "./scenario-commands.ts";
import { sizeCommand, SIZE_USAGE } from "./size-command.ts";
import { wrapWords } from "../tui/fit.ts";
import { reflowUsage } from "./help-text.ts";
import { UsageError } from "./usage-error.ts";

const VALIDATE_USAGE = `inferwatt validate <scenario.yaml> [--set key.path=value ...]

  Reads the scenario as run would (with the --set overrides) and checks it: every problem with its file,
  key and what was expected, exit 2; or one line saying what it holds. Runs nothing.`;

const SCHEMA_USAGE = `inferwatt schema

  Prints the JSON Schema of scenario files (also in scenarios/scenario.schema.json), for editors that
  complete and check YAML.`;

/** Each command's help: its usage line, then what it does and its flags. */
const HELP: Record<string, string> = {
  run: RUN_USAGE,
  compare: COMPARE_USAGE,
  validate: VALIDATE_USAGE,
  size: SIZE_USAGE,
  schema: SCHEMA_USAGE,
  paper: PAPER_USAGE,
  node: NODE_USAGE,
};

/** What `inferwatt` alone prints: the commands, in a screen's height. */
const OVERVIEW = `inferwatt: the energy of serving large language models at fleet scale

  inferwatt run <scenario.yaml>          simulate a fleet, with a live view
  inferwatt compare <a.yaml> <b.yaml>    scenarios side by side, and a report
  inferwatt validate <scenario.yaml>     check a scenario, run nothing
  inferwatt size <scenario.yaml>         nodes per pool for the peak hour
  inferwatt schema                       print the scenario JSON Schema
  inferwatt paper                        the paper's estimator, reproduced
  inferwatt node --model M --hardware H  one node from first principles
  inferwatt help [command]               every command's flags, or one command's`;

/** `inferwatt help`: the overview, then every command's help. */
export const USAGE = `${OVERVIEW}

${Object.values(HELP)
  .map((usage) => reflowUsage(usage))
  .join("\n\n")}`;

/** A command returns its exit code, or nothing for 0. */
type Command = (argv: string[], out: (s: string) => void) => void | number | Promise<void | number>;

const COMMANDS: Record<string, Command> = {
  run: runCommand,
  compare: compareCommand,
  validate: validateCommand,
  schema: schemaCommand,
  size: sizeCommand,
  paper: paperCommand,
  node: nodeCommand,
  help: (argv, out) => {
    // `help`, `help --help`, `help help`: the whole text
    const command = argv.find((a) => a !== "--help" && a !== "-h" && a !== "help");
    if (command !== undefined && !Object.hasOwn(HELP, command))
      throw new UsageError(`no help for "${command}"; expected one of: ${Object.keys(HELP).join(", ")} (or none: every command)`);
    out((command === undefined ? USAGE : reflowUsage(HELP[command])) + "\n");
  },
};

/** Runs one command; returns the exit code (0 done, 2 the user's input is wrong, 130 interrupted, 1 a bug). */
export async function main(argv: string[], out = (s: string) => process.stdout.write(s), err = writeError): Promise<number> {
  const [name, ...rest] = argv;
  // `inferwatt` alone: the overview (every flag of every command is 80 lines, more than a terminal shows)
  if (name === undefined) {
    out(`${OVERVIEW}\n`);
    return 0;
  }
  const command = name === "--help" || name === "-h" ? COMMANDS.help : Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  try {
    if (!command) throw new UsageError(`unknown command "${name}"; expected one of: ${Object.keys(COMMANDS).join(", ")} (see inferwatt help)`);
    // `inferwatt run --help`: that command's help, whatever else is on the line
    if (Object.hasOwn(HELP, name) && rest.some((a) => a === "--help" || a === "-h")) {
      out(reflowUsage(HELP[name]) + "\n");
      return 0;
    }
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

/**
 * Error text laid out for a terminal `width` columns wide: each line broken between words, continuing
 * indented by four (a terminal breaks lines anywhere, mid-word). Width Infinity (a file or pipe): as it is.
 */
export function wrapErrorText(s: string, width: number): string {
  return s
    .split("\n")
    // broken at single spaces, runs kept: a quoted value stays as typed
    .map((line) => (line.length <= width ? line : wrapWords(line, "", "    ", width, true).join("\n")))
    .join("\n");
}

function writeError(s: string): boolean {
  return process.stderr.write(wrapErrorText(s, process.stderr.isTTY && process.stderr.columns > 0 ? process.stderr.columns : Infinity));
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
