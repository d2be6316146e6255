import { scenarioJsonSchema } from "../scenario-file/json-schema.ts";
import { loadScenario } from "../scenario-file/load.ts";
import { sweepJsonSchema } from "../scenario-file/sweep-schema.ts";
import { UsageError } from "../scenario/errors.ts";
import { parseFlags } from "./parse-flags.ts";

/** `inferwatt validate <scenario.yaml> [--set k=v ...]`: the scenario as run would read it, checked; nothing run. */
export function validateCommand(argv: string[], out: (s: string) => void): void {
  const { values, positionals } = parseFlags({ args: argv, options: { set: { type: "string", multiple: true } }, allowPositionals: true, strict: true });
  if (positionals.length !== 1) throw new UsageError(`usage: inferwatt validate <scenario.yaml> [--set k=v ...]; got ${positionals.length} files`);
  const file = positionals[0];
  const s = loadScenario(file, { set: values.set ?? [] });
  const nodes = s.pools.reduce((n, p) => n + p.nodes, 0);
  out(
    `${file}: ok: "${s.name}", ${s.durationS} s simulated, ${s.workload.queriesPerDay.toExponential(2)} queries/day, ` +
      `${s.workload.classes.length} class(es), ${s.pools.length} pool(s), ${nodes} nodes\n`,
  );
}

export function schemaCommand(argv: string[], out: (s: string) => void): void {
  const sweep = argv.length === 1 && argv[0] === "--sweep";
  if (argv.length !== 0 && !sweep) throw new UsageError("usage: inferwatt schema [--sweep] (no other arguments)");
  out(JSON.stringify(sweep ? sweepJsonSchema() : scenarioJsonSchema(), null, 2) + "\n");
}
