import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { ScenarioError, type Problem } from "../scenario/errors.ts";
import { problemsFromIssues } from "./issues.ts";
import { resolveScenario } from "./resolve.ts";
import { rawScenarioSchema } from "./schema.ts";
import { applySetWithPaths } from "./set.ts";
import { fixUncertainValues } from "./uncertain-values.ts";
import type { Scenario } from "../scenario/types.ts";
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
  if (!opts.set || opts.set.length === 0) return fromTree(yaml, file, opts);
  const setOn = `--set on ${file}`;
  const { value: raw, paths } = applySetWithPaths(yaml, opts.set, setOn);
  try {
    return fromTree(raw, file, opts);
  } catch (e) {
    if (!(e instanceof ScenarioError) || e.constructor !== ScenarioError || e.file !== file) throw e;
    // The problems the --set values made are reported as theirs (a wrong value set on the command line
    // is not the file's fault): those the file alone does not have, at a key the set touched (the key,
    // one inside it, one above it like a list whose shares it changed, or a sibling it left missing).
    // The file alone is checked only up to its first failing stage, so a problem of a later stage is not
    // in that list: the key decides then.
    let fileAlone: readonly Problem[] = [];
    try {
      fromTree(yaml, file, opts);
    } catch (e2) {
      if (!(e2 instanceof ScenarioError)) throw e2;
      fileAlone = e2.problems;
    }
    const key = (p: Problem) => `${p.path}\n${p.message}`;
    const own = new Set(fileAlone.map(key));
    const touched = (path: string) => paths.some((s) => setTouches(s, path));
    throw new ScenarioError(file, e.problems.map((p) => (!own.has(key(p)) && touched(p.path) ? { ...p, source: setOn } : p)));
  }
}

/** Whether setting key path `set` can cause a problem at `path`: the same key, one inside or above it, or a sibling of one on its way. */
function setTouches(set: string, path: string): boolean {
  if (path === "") return false;
  const parent = path.includes(".") ? path.slice(0, path.lastIndexOf(".")) : "";
  return path === set || set.startsWith(`${path}.`) || path.startsWith(`${set}.`) || (parent !== "" && set.startsWith(`${parent}.`));
}

/**
 * A scenario from a YAML tree built in code (inferwatt plan's candidates); `file` names it in errors and
 * anchors its relative paths.
 */
export function scenarioFromTree(raw: unknown, file: string, opts: LoadOptions = {}): Scenario {
  return fromTree(raw, file, opts);
}

/** The scenario from its parsed YAML tree (with any --set applied): uncertain numbers fixed, validated, resolved. */
function fromTree(raw: unknown, file: string, opts: LoadOptions): Scenario {
  const fileSeed = (raw as { seed?: unknown } | null)?.seed;
  const seed = opts.seed ?? (Number.isInteger(fileSeed) ? (fileSeed as number) : 42);
  const r = opts.replication ?? 0;
  // any number may be uncertain: fixed (median or draw) before validation, so every bound applies to it
  const fixed = fixUncertainValues(raw, seed, r);
  if (fixed.problems.length > 0) throw new ScenarioError(file, fixed.problems);
  // a value the user did not write (an uncertain number's median or draw) says where it came from
  const explained = (problems: readonly Problem[]): Problem[] =>
    problems.map((p) => {
      const spec = fixed.specs[p.path];
      if (!spec || !p.message.startsWith("got ") || p.message.startsWith("got unknown key")) return p;
      const how = r === 0 ? "the median sqrt(p5 p95)" : `replication ${r}'s draw`;
      return { ...p, message: `${p.message} (${how} of { lognormal: { p5: ${spec.p5}, p95: ${spec.p95} } })` };
    });
  const parsed = rawScenarioSchema.safeParse(fixed.value);
  if (!parsed.success) throw new ScenarioError(file, explained(problemsFromIssues(parsed.error.issues, fixed.value)));
  let scenario: Scenario;
  try {
    scenario = resolveScenario({ ...parsed.data, seed: seed + r }, file, dirname(resolve(file)));
  } catch (e) {
    if (e instanceof ScenarioError && e.constructor === ScenarioError) throw new ScenarioError(e.file, explained(e.problems));
    throw e;
  }
  return Object.keys(fixed.drawn).length > 0 ? { ...scenario, uncertain: fixed.drawn, replication: r } : scenario;
}
