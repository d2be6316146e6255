import { parseArgs } from "node:util";

/** The flags `run` and `compare` share, parsed; positionals are the scenario files. */
export function parseRunFlags(argv: string[]) {
  return parseArgs({
    args: argv,
    options: {
      out: { type: "string" },
      seed: { type: "string" },
      set: { type: "string", multiple: true },
      "no-tui": { type: "boolean" },
      verbose: { type: "boolean" },
      force: { type: "boolean" },
    },
    allowPositionals: true,
    strict: true,
  });
}
