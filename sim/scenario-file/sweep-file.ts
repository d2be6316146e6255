import { readFileSync } from "node:fs";
import { basename, dirname, isAbsolute, join } from "node:path";
import { gotExpected, ScenarioError, showValue, type Problem } from "../scenario/errors.ts";
import type { Scenario } from "../scenario/types.ts";
import { problemsFromIssues } from "./issues.ts";
import { latinHypercube } from "./latin-hypercube.ts";
import { loadScenario } from "./load.ts";
import { rawSweepSchema, type RawSweep } from "./sweep-schema.ts";
import { parseYamlText } from "./yaml-text.ts";

export type SweepKind = "grid" | "one_at_a_time" | "sample";

/** One point of a sweep: the value it gives each key path (none for one_at_a_time's base point). */
export interface SweepPoint {
  readonly index: number;
  readonly set: Readonly<Record<string, unknown>>;
}

/** One run of a sweep: point `point`, replication `replication`, its index `point x replications + replication`. */
export interface SweepRun {
  readonly index: number;
  readonly point: number;
  readonly replication: number;
  /** The base seed + replication: the same for every point (common random numbers). */
  readonly seed: number;
  readonly set: Readonly<Record<string, unknown>>;
}

/** A sweep file read, checked and enumerated; what sweep.json in a sweep folder holds. */
export interface Sweep {
  readonly name: string;
  /** The sweep file as given. */
  readonly file: string;
  /** The base scenario's path (relative to the working folder, as the sweep file's is). */
  readonly base: string;
  readonly kind: SweepKind;
  readonly keys: readonly string[];
  /** The assignments every point gets first: the file's `set`, then the command's --set. */
  readonly set: readonly string[];
  /** The base seed: the command's --seed, else the sweep file's `seed`, else the base scenario's. */
  readonly seed: number;
  readonly replications: number;
  readonly points: readonly SweepPoint[];
}

export interface SweepOptions {
  /** The command's --set, applied to every point after the file's `set`. */
  readonly set?: readonly string[];
  /** The command's --seed: replaces the base seed. */
  readonly seed?: number;
}

/** The sweep in the YAML file at `file`, checked (its base scenario read once) and its points enumerated. */
export function loadSweep(file: string, opts: SweepOptions = {}): Sweep {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ScenarioError(file, [{ path: "", message: `cannot read the sweep file: ${code === "ENOENT" ? "no such file" : (e as Error).message}` }]);
  }
  const yaml = parseYamlText(text, file);
  const parsed = rawSweepSchema.safeParse(yaml);
  if (!parsed.success) throw new ScenarioError(file, problemsFromIssues(parsed.error.issues, yaml));
  const raw = parsed.data;
  const kinds = (["grid", "one_at_a_time", "sample"] as const).filter((k) => raw[k] !== undefined);
  if (kinds.length !== 1)
    throw new ScenarioError(file, [{ path: "", message: `got ${kinds.length === 0 ? "none" : kinds.join(" and ")}; expected exactly one of grid, one_at_a_time, sample` }]);
  const kind = kinds[0];
  const keys = kind === "sample" ? Object.keys(raw.sample!.ranges) : Object.keys(raw[kind]!);
  if (keys.length === 0) throw new ScenarioError(file, [{ path: keyPrefix(kind), message: gotExpected({}, "at least one key path") }]);
  if (kind === "sample") {
    const bad = keys.filter((k) => !(raw.sample!.ranges[k][0] <= raw.sample!.ranges[k][1]));
    if (bad.length > 0) throw new ScenarioError(file, bad.map((k) => ({ path: `sample.ranges.${k}`, message: gotExpected(raw.sample!.ranges[k], "[low, high] with low <= high") })));
  }
  const linked = linkedKeyProblems(raw);
  if (linked.length > 0) throw new ScenarioError(file, linked);
  const base = isAbsolute(raw.base) ? raw.base : join(dirname(file), raw.base);
  const set = [...raw.set, ...(opts.set ?? [])];
  const baseScenario = loadBase(file, base, set, raw.set.length);
  const sweep: Sweep = {
    name: raw.name ?? basename(file).replace(/\.ya?ml$/, ""),
    file,
    base,
    kind,
    keys,
    set,
    seed: opts.seed ?? raw.seed ?? baseScenario.seed,
    replications: raw.replications,
    points: enumeratePoints(raw, kind, keys),
  };
  // every key path is checked once by applying it (its first value) to the base: an unknown key is the sweep file's error
  if (sweep.points.length > 0) checkKeys(sweep);
  return sweep;
}

function keyPrefix(kind: SweepKind): string {
  return kind === "sample" ? "sample.ranges" : kind;
}

/** The base scenario with the fixed assignments; an error in them names the sweep file's `set` or the command's --set. */
function loadBase(file: string, base: string, set: readonly string[], fromFile: number): Scenario {
  try {
    return loadScenario(base, { set });
  } catch (e) {
    if (!(e instanceof ScenarioError) || !e.file.startsWith("--set on") && !e.problems.some((p) => p.source !== undefined)) throw e;
    if (fromFile === 0) throw e;
    throw new ScenarioError(file, e.problems.map((p) => ({ path: "set", message: `${p.path ? `${p.path}: ` : ""}${p.message}` })));
  }
}

/** The points in their fixed order: grid's cross product with the last key fastest; one_at_a_time's base, then low and high per key; sample's hypercube. */
export function enumeratePoints(raw: RawSweep, kind: SweepKind, keys: readonly string[]): SweepPoint[] {
  if (kind === "grid") {
    const lists = keys.map((k) => raw.grid![k]);
    let combos: unknown[][] = [[]];
    for (const list of lists) combos = combos.flatMap((c) => list.map((v) => [...c, v]));
    return combos.map((values, index) => ({ index, set: Object.assign({}, ...keys.map((k, i) => linkedValues(k, values[i]))) }));
  }
  if (kind === "one_at_a_time") {
    const points: SweepPoint[] = [{ index: 0, set: {} }];
    for (const k of keys) for (const v of raw.one_at_a_time![k]) points.push({ index: points.length, set: linkedValues(k, v) });
    return points;
  }
  const { n, seed, ranges } = raw.sample!;
  // six significant digits: readable in points.csv and on a command line, far finer than any stratum
  return latinHypercube(n, keys.length, seed).map((u, index) => ({
    index,
    set: Object.fromEntries(keys.map((k, d) => [k, Number((ranges[k][0] + u[d] * (ranges[k][1] - ranges[k][0])).toPrecision(6))])),
  }));
}

/**
 * A key's assignments for one of its values (grid, one_at_a_time). A key of several paths joined by commas moves them
 * together (`workload.classes.traditional.share,workload.classes.test-time-scaling.share: [[1, 0], [0.9, 0.1]]`,
 * shares that must sum to 1): each value is a list with one value per path.
 */
export function linkedValues(key: string, value: unknown): Record<string, unknown> {
  const paths = key.split(",");
  if (paths.length === 1) return { [key]: value };
  return Object.fromEntries(paths.map((p, i) => [p, (value as unknown[])[i]]));
}

/** Linked keys (grid, one_at_a_time) whose values are not lists of one value per path. */
function linkedKeyProblems(raw: RawSweep): Problem[] {
  const entries = [...Object.entries(raw.grid ?? {}).map(([k, v]) => ["grid", k, v] as const), ...Object.entries(raw.one_at_a_time ?? {}).map(([k, v]) => ["one_at_a_time", k, v] as const)];
  return entries.flatMap(([kind, key, values]) => {
    const n = key.split(",").length;
    if (n === 1) return [];
    return values.flatMap((v, i) => (Array.isArray(v) && v.length === n ? [] : [{ path: `${kind}.${key}.${i}`, message: gotExpected(v, `a list of ${n} values, one per key path of "${key}"`) }]));
  });
}

/** Runs of the sweep: points x replications. */
export const runCount = (s: Sweep) => s.points.length * s.replications;

/** Run `index` of the sweep: its point, replication and seed. */
export function sweepRun(s: Sweep, index: number): SweepRun {
  const point = Math.floor(index / s.replications);
  const replication = index % s.replications;
  return { index, point, replication, seed: s.seed + replication, set: s.points[point].set };
}

/** A point's assignments as --set takes them (the value as JSON, which YAML reads back as it was). */
export const pointAssignments = (set: Readonly<Record<string, unknown>>): string[] => Object.entries(set).map(([k, v]) => `${k}=${JSON.stringify(v)}`);

/** A short label of a point: its assignments, or "base". */
export const pointLabel = (set: Readonly<Record<string, unknown>>): string =>
  Object.keys(set).length === 0 ? "base" : Object.entries(set).map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`).join(" ");

/**
 * The scenario of run `index`: the base with the sweep's assignments, then the point's, at the run's
 * seed; the same as `inferwatt run <base> --set ... --seed <seed>`. A problem a point's value makes is
 * reported as the sweep file's, at the key (`grid.facility.pue: point 3 (facility.pue=0.5): ...`).
 */
export function runScenario(s: Sweep, index: number): Scenario {
  const run = sweepRun(s, index);
  try {
    return loadScenario(s.base, { set: [...s.set, ...pointAssignments(run.set)], seed: run.seed });
  } catch (e) {
    if (!(e instanceof ScenarioError)) throw e;
    const fromSet = e.file.startsWith("--set on");
    const problems = e.problems.filter((p) => fromSet || p.source !== undefined);
    if (problems.length === 0) throw e;
    const where = `point ${run.point} (${pointLabel(run.set)})`;
    throw new ScenarioError(
      s.file,
      problems.map((p): Problem => {
        const path = Object.keys(run.set).find((k) => p.path === k || p.path.startsWith(`${k}.`) || k.startsWith(`${p.path}.`));
        const key = path === undefined ? undefined : s.keys.find((k) => k.split(",").includes(path));
        return { path: key ? `${keyPrefix(s.kind)}.${key}` : "", message: `${where}: ${p.path && p.path !== key ? `${p.path}: ` : ""}${p.message}` };
      }),
    );
  }
}

/** Each key path applied alone (its first value) to the base: an unknown or ill-formed one is an error naming it. */
function checkKeys(s: Sweep): void {
  const problems: Problem[] = [];
  for (const key of s.keys) {
    const paths = key.split(",");
    const point = s.points.find((p) => paths[0] in p.set)!;
    const value = Object.fromEntries(paths.map((p) => [p, point.set[p]]));
    try {
      loadScenario(s.base, { set: [...s.set, ...pointAssignments(value)] });
    } catch (e) {
      if (!(e instanceof ScenarioError)) throw e;
      const fromSet = e.file.startsWith("--set on");
      for (const p of e.problems.filter((q) => fromSet || q.source !== undefined)) {
        problems.push({ path: `${keyPrefix(s.kind)}.${key}`, message: `${pointLabel(value)} on ${s.base}: ${p.path && p.path !== key ? `${p.path}: ` : ""}${p.message}` });
      }
    }
  }
  if (problems.length > 0) throw new ScenarioError(s.file, problems);
}
