import { parse as parseYaml } from "yaml";
import { gotExpected, ScenarioError, showValue, type Problem } from "../scenario/errors.ts";

/**
 * `raw` with each `key.path=value` assignment applied (a copy; `raw` is left alone), as
 * `--set pools.0.nodes=10` gives them. The value is read as YAML, so `10` is a number, `true` a
 * boolean, `Llama 3.1 405B` a string (and `{ lognormal: { p5: 1.1, p95: 1.4 } }` a mapping).
 * Missing mappings on the way are created; list items must exist, named by index or by their
 * `name` (`pools.llama-405b.nodes=10`, `workload.classes.test-time-scaling.share=0.1`). All ill-formed
 * assignments are reported together, as problems of `file`.
 */
export function applySet(raw: unknown, assignments: readonly string[], file = "--set"): unknown {
  return applySetWithPaths(raw, assignments, file).value;
}

/** applySet, and the key path each assignment set, list items by index (`pools.0.nodes`). */
export function applySetWithPaths(raw: unknown, assignments: readonly string[], file = "--set"): { value: unknown; paths: string[] } {
  const root = structuredClone(raw ?? {});
  const paths: string[] = [];
  const problems = assignments.flatMap((a) => assign(root, a, paths));
  if (problems.length > 0) throw new ScenarioError(file, problems);
  return { value: root, paths };
}

function assign(root: unknown, assignment: string, paths: string[]): Problem[] {
  const eq = assignment.indexOf("=");
  const keys = assignment.slice(0, Math.max(eq, 0)).trim().split(".");
  if (eq < 0 || keys.some((k) => k === "")) {
    return [{ path: "", message: gotExpected(assignment, "an assignment key.path=value, like pools.0.nodes=10") }];
  }
  const path = keys.join(".");
  let value: unknown;
  try {
    value = parseYaml(assignment.slice(eq + 1));
  } catch (e) {
    return [{ path, message: gotExpected(assignment.slice(eq + 1), `a YAML value (${(e as Error).message.split("\n")[0]})`) }];
  }
  let node = root;
  const setPath: string[] = [];
  for (const [i, key] of keys.entries()) {
    const here = keys.slice(0, i).join(".") || "the scenario";
    if (node === null || typeof node !== "object") {
      return [{ path, message: `got ${showValue(node)} at ${here}; expected a mapping or a list to set "${key}" in` }];
    }
    let slot = key;
    if (Array.isArray(node) && !(/^\d+$/.test(key) && Number(key) < node.length)) {
      const named = node.findIndex((item) => item !== null && typeof item === "object" && (item as { name?: unknown }).name === key);
      if (named < 0) {
        const names = node.flatMap((item) => (typeof item?.name === "string" ? [item.name as string] : []));
        const expected = `an index of ${here} below its length ${node.length}` + (names.length > 0 ? ` or the name of one of its items (${names.join(", ")})` : "");
        return [{ path, message: gotExpected(key, expected) }];
      }
      slot = String(named);
    }
    const container = node as Record<string, unknown>;
    setPath.push(slot);
    if (i === keys.length - 1) container[slot] = value;
    else node = container[slot] ??= {};
  }
  paths.push(setPath.join("."));
  return [];
}
