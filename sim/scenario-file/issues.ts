import type { z } from "zod";
import { didYouMean } from "./did-you-mean.ts";
import { gotExpected, joinPath, valueAt, type Problem } from "../scenario/errors.ts";
import { knownKeysOf } from "./strict.ts";

type Issue = z.core.$ZodIssue;

/** zod's issues as problems that name the key path, the value found there and what was expected. */
export function problemsFromIssues(issues: readonly Issue[], raw: unknown, base: readonly PropertyKey[] = []): Problem[] {
  // per mapping (its path), the keys it does not know: where a missing key's misspelling may be
  const unknownKeys = new Map<string, string[]>();
  for (const issue of issues) if (issue.code === "unrecognized_keys") unknownKeys.set(joinPath([...base, ...issue.path]), issue.keys);
  return issues.flatMap((issue) => {
    const path = [...base, ...issue.path];
    const got = valueAt(raw, path);
    const problem = (expected: string): Problem => ({ path: joinPath(path), message: gotExpected(got, expected) });
    switch (issue.code) {
      case "unrecognized_keys":
        return issue.keys.map((key) => unknownKey([...path, key], key, knownKeysOf(issue.message)));
      case "invalid_union": {
        // a key close to one a member knows ({ fiel: x.yaml } for { file }): the member that key points
        // to, else the union's message with the suggestion; otherwise the member whose problems all lie inside it
        const hint = misspeltKeyHint(issue.errors, got);
        const branch = hint ? branchOfMisspeltKey(issue.errors, got) : (intendedBranch(issue.errors) ?? branchOfMisspeltKey(issue.errors, got));
        return branch ? problemsFromIssues(branch, raw, path) : [problem(issue.message + hint)];
      }
      case "invalid_type":
        // a key that must be absent (z.never) carries its reason as the message
        return [problem(issue.expected === "never" ? issue.message : (TYPE_NAMES[issue.expected] ?? issue.expected) + nearMiss(path, got, unknownKeys))];
      case "too_small":
        return [problem(bound(issue.origin, issue.inclusive ? ">=" : ">", Number(issue.minimum), issue.exact))];
      case "too_big":
        return [problem(bound(issue.origin, issue.inclusive ? "<=" : "<", Number(issue.maximum), issue.exact))];
      case "invalid_value":
        return [problem(`one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`)];
      default:
        return [problem(issue.message)];
    }
  });
}

/**
 * For a required key that is missing: ` ("bsae" is there: a misspelling of it?)` when its mapping has
 * a key it does not know that is close to it (a key it knows, like p95 beside a missing p5, is not one).
 */
function nearMiss(path: readonly PropertyKey[], got: unknown, unknownKeys: ReadonlyMap<string, readonly string[]>): string {
  if (got !== undefined || path.length === 0) return "";
  const near = didYouMean(String(path[path.length - 1]), unknownKeys.get(joinPath(path.slice(0, -1))) ?? []);
  return near ? ` ("${near}" is there: a misspelling of it?)` : "";
}

/** Keys of a generated workload that a replayed trace's workload has no place for. */
const NOT_WITH_A_TRACE = new Set(["queries_per_day", "diurnal"]);

function unknownKey(path: PropertyKey[], key: string, known: string[]): Problem {
  const guess = didYouMean(key, known);
  const hint = guess
    ? ` (did you mean "${guess}"?)`
    : known.includes("trace") && NOT_WITH_A_TRACE.has(key)
      ? " (a replayed trace sets the arrival times and so the rate: scale it with trace.time_scale)"
      : "";
  return { path: joinPath(path), message: `got unknown key "${key}"${hint}; expected one of ${known.join(", ")}` };
}

/**
 * The union member the user evidently meant: the only one whose failures all lie below its top
 * level (right kind of value, right keys). If none or several qualify, the union itself is reported.
 */
function intendedBranch(branches: readonly (readonly Issue[])[]): readonly Issue[] | undefined {
  const plausible = branches.filter((issues) => issues.every((i) => i.path.length > 0));
  return plausible.length === 1 ? plausible[0] : undefined;
}

/** Keys of an object-like union member, from its complaint about keys it does not know (none when it had none). */
function branchKeys(issues: readonly Issue[]): string[] {
  return issues.flatMap((i) => (i.code === "unrecognized_keys" && i.path.length === 0 ? knownKeysOf(i.message) : []));
}

/**
 * The union member a mapping with unknown keys was meant for: the one that knows the most of its keys
 * (a workload with `queries_per_dya`, `diurnal`, `classes`: the generated one, not the trace replay);
 * among equals, the only one with a known key close to an unknown one. Reported as that member, a typo
 * gets the same message as anywhere else (unknown key, did you mean, the key then missing). Else, and
 * for members of one key each, none.
 */
function branchOfMisspeltKey(branches: readonly (readonly Issue[])[], got: unknown): readonly Issue[] | undefined {
  if (got === null || typeof got !== "object" || Array.isArray(got)) return undefined;
  const scored = branches.map((issues) => {
    const known = branchKeys(issues);
    const unknown = Object.keys(got).filter((k) => !known.includes(k));
    // members of one key ({ fixed: n } | { exponential: ... }) are better told apart by the union's own message
    // and a member that knows none of the keys was not meant either
    const knowsSome = unknown.length < Object.keys(got).length;
    return { issues, unknown: known.length <= 1 || !knowsSome ? Infinity : unknown.length, guess: unknown.some((k) => didYouMean(k, known) !== undefined) };
  });
  const fewest = Math.min(...scored.map((b) => b.unknown));
  let best = scored.filter((b) => b.unknown === fewest && fewest < Infinity);
  if (best.length > 1) best = best.filter((b) => b.guess);
  return best.length === 1 ? best[0].issues : undefined;
}

/** ` (did you mean "fixed"?)` when a key of `got` is unknown to every union member but close to one's. */
function misspeltKeyHint(branches: readonly (readonly Issue[])[], got: unknown): string {
  if (got === null || typeof got !== "object" || Array.isArray(got)) return "";
  const known = branches.flatMap(branchKeys);
  const guesses = Object.keys(got).filter((k) => !known.includes(k)).map((k) => didYouMean(k, known)).filter((g) => g !== undefined);
  return guesses.length > 0 ? ` (did you mean "${guesses[0]}"?)` : "";
}

const TYPE_NAMES: Readonly<Record<string, string>> = {
  number: "a number",
  int: "an integer",
  string: "a string",
  boolean: "true or false",
  array: "a list",
  object: "a mapping of keys to values",
  record: "a mapping of keys to values",
};

function bound(origin: string, op: string, limit: number, exact?: boolean): string {
  if (origin === "array") return `a list of ${exact ? "exactly" : op === ">=" ? "at least" : "at most"} ${limit} items`;
  if (origin === "string") return "a non-empty string";
  return `a number ${op} ${limit}`;
}
