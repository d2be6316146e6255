import { ScenarioError, UsageError } from "../scenario/errors.ts";
import { wrapWords } from "../text/fit.ts";
import { reflowUsage } from "./help-text.ts";
import { HELP, OVERVIEW, USAGE } from "./usage.ts";

/** A command returns its exit code, or nothing for 0. */
type Command = (argv: string[], out: (s: string) => void) => void | number | Promise<void | number>;

// Each command's module is loaded when the command runs: the others' dependencies (ink, react, zod,
// the report writers) would take most of a short command's time.
const COMMANDS: Record<string, () => Promise<Command>> = {
  run: async () => (await import("./run-command.ts")).runCommand,
  compare: async () => (await import("./compare-command.ts")).compareCommand,
  validate: async () => (await import("./scenario-commands.ts")).validateCommand,
  schema: async () => (await import("./scenario-commands.ts")).schemaCommand,
  size: async () => (await import("./size-command.ts")).sizeCommand,
  plan: async () => (await import("./plan-command.ts")).planCommand,
  paper: async () => (await import("./paper-command.ts")).paperCommand,
  node: async () => (await import("./node-command.ts")).nodeCommand,
  sweep: async () => (await import("./sweep-command.ts")).sweepCommand,
  help: async () => helpCommand,
};

const helpCommand: Command = (argv, out) => {
  // `help`, `help --help`, `help help`: the whole text
  const command = argv.find((a) => a !== "--help" && a !== "-h" && a !== "help");
  if (command !== undefined && !Object.hasOwn(HELP, command))
    throw new UsageError(`no help for "${command}"; expected one of: ${Object.keys(HELP).join(", ")} (or none: every command)`);
  out((command === undefined ? USAGE : reflowUsage(HELP[command])) + "\n");
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
    return (await (await command())(joinNegativeValues(rest), out)) ?? 0;
  } catch (e) {
    if (e instanceof ScenarioError) {
      err(`inferwatt ${name}: the ${name === "sweep" ? "sweep (or its base scenario)" : "scenario"} is not valid:\n${e.message}\n`);
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
