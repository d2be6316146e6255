import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { ScenarioError, type Problem } from "./errors.ts";
import { problemsFromIssues } from "./issues.ts";
import { resolveScenario } from "./resolve.ts";
import { rawScenarioSchema } from "./schema.ts";
import { applySetWithPaths } from "./set.ts";
import { fixUncertainValues } from "./uncertain-values.ts";
import type { Scenario } from "./types.ts";
import { parseYamlText } from "./yaml-text.ts";

export interface LoadOptions {
  /** `key.path=value` assignments applied before validation (the command's --set); default none. */
  readonly set?: readonly string[];
  /** Replaces the file's seed (the command's --seed); default the file's, else 42. */
  readonly seed?: number;
  /**
   * 0 or absent: every uncertain number at its median. r >= 1: replication r, with uncertain numbers
   * drawn and the simulation seeded with seed + r.
   */
  readonly replication?: number;
}

/** The scenario in the YAML file at `path`, validated and resolved; a ScenarioError lists what is wrong. */
export function loadScenario(path: string, opts: LoadOptions = {}): Scenario {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "a folder, not a file" : (e as Error).message;
    throw new ScenarioError(path, [{ path: "", message: `cannot read the scenario: ${why}` }]);
  }
  return parseScenario(text, path, opts);
}

/** A scenario from YAML text; `file` names it in errors and anchors its relative paths. */
export function parseScenario(text: string, file: string, opts: LoadOptions = {}): Scenario {
  const yaml = parseYamlText(text, file);
  const setOn = `--set on ${file}`;
  const { value: raw, paths: setPaths } = opts.set && opts.set.length > 0 ? applySetWithPaths(yaml, opts.set, setOn) : { value: yaml, paths: [] };
  // a wrong value that came from --set is reported as such, not as the file's
  const blame = (problems: Problem[]): Problem[] =>
    problems.map((p) => (setPaths.some((s) => p.path === s || p.path.startsWith(`${s}.`)) ? { ...p, source: setOn } : p));
  const fileSeed = (raw as { seed?: unknown } | null)?.seed;
  const seed = opts.seed ?? (Number.isInteger(fileSeed) ? (fileSeed as number) : 42);
  const r = opts.replication ?? 0;
  // any number may be uncertain: fixed (median or draw) before validation, so every bound applies to it
  const fixed = fixUncertainValues(raw, seed, r);
  if (fixed.problems.length > 0) throw new ScenarioError(file, blame(fixed.problems));
  const parsed = rawScenarioSchema.safeParse(fixed.value);
  if (!parsed.success) throw new ScenarioError(file, blame(problemsFromIssues(parsed.error.issues, fixed.value)));
  let scenario: Scenario;
  try {
    scenario = resolveScenario({ ...parsed.data, seed: seed + r }, file, dirname(resolve(file)));
  } catch (e) {
    if (e instanceof ScenarioError && e.file === file && setPaths.length > 0 && e.constructor === ScenarioError) throw new ScenarioError(file, blame([...e.problems]));
    throw e;
  }
  return Object.keys(fixed.drawn).length > 0 ? { ...scenario, uncertain: fixed.drawn, replication: r } : scenario;
}
