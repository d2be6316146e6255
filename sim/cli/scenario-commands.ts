import { scenarioJsonSchema } from "../scenario/json-schema.ts";
import { loadScenario } from "../scenario/load.ts";
import { UsageError } from "./usage-error.ts";

export function validateCommand(argv: string[], out: (s: string) => void): void {
  if (argv.length !== 1 || argv[0].startsWith("-")) throw new UsageError("usage: inferwatt validate <scenario.yaml>");
  const s = loadScenario(argv[0]);
  const nodes = s.pools.reduce((n, p) => n + p.nodes, 0);
  out(
    `${argv[0]}: ok: "${s.name}", ${s.durationS} s simulated, ${s.workload.queriesPerDay.toExponential(2)} queries/day, ` +
      `${s.workload.classes.length} class(es), ${s.pools.length} pool(s), ${nodes} nodes\n`,
  );
}

export function schemaCommand(argv: string[], out: (s: string) => void): void {
  if (argv.length !== 0) throw new UsageError("usage: inferwatt schema (takes no arguments)");
  out(JSON.stringify(scenarioJsonSchema(), null, 2) + "\n");
}
