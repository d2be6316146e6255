import { lognormalFromP5P95, lognormalSampler } from "../../models/lognormal.ts";
import { makeRng } from "../../models/rng.ts";
import { gotExpected, type Problem } from "../scenario/errors.ts";

/**
 * Physical floors for draws: the paper's PUE log-normal (P5 1.05, P95 1.6) puts 1.2 % of its mass
 * below 1, which no facility reaches; such a draw is taken as 1. A median below a floor is an error.
 */
const DRAW_FLOORS: Readonly<Record<string, number>> = { "facility.pue": 1 };

/** Keys that take whole numbers: an uncertain one is rounded to the nearest (its median, 127.99999999999997, is 128). */
const WHOLE_NUMBER_KEYS = new Set([
  "nodes",
  "max_batch",
  "min",
  "max",
  "seed",
  "replications",
  "loop",
  "gpus",
  "min_input_tokens",
  "max_input_tokens",
  "min_output_tokens",
  "max_output_tokens",
]);

/** Keys whose `{ lognormal: ... }` is a token-length distribution, not an uncertain number. */
const DISTRIBUTION_KEYS = new Set(["input_tokens", "output_tokens"]);

export interface FixedValues {
  /** The raw scenario with every uncertain number replaced by one value. */
  readonly value: unknown;
  /** What each uncertain number became, by key path (for the manifest). */
  readonly drawn: Record<string, number>;
  /** The `{ p5, p95 }` each was made from, by key path (for messages about the value). */
  readonly specs: Record<string, { readonly p5: number; readonly p95: number }>;
  readonly problems: Problem[];
}

/**
 * Any number in a scenario may be uncertain, written `{ lognormal: { p5, p95 } }`. For one run each
 * becomes its median sqrt(p5 p95); for replication r >= 1 it is drawn from the log-normal, from a
 * stream named by seed, replication and key path (adding a parameter never shifts the others).
 */
export function fixUncertainValues(raw: unknown, seed: number, replication?: number): FixedValues {
  const drawn: Record<string, number> = {};
  const specs: Record<string, { p5: number; p95: number }> = {};
  const problems: Problem[] = [];
  const visit = (node: unknown, path: string[]): unknown => {
    if (Array.isArray(node)) return node.map((v, i) => visit(v, [...path, String(i)]));
    if (node === null || typeof node !== "object") return node;
    const obj = node as Record<string, unknown>;
    const keys = Object.keys(obj);
    if (keys.length === 1 && keys[0] === "lognormal" && !DISTRIBUTION_KEYS.has(path.at(-1) ?? "")) {
      const at = path.join(".");
      const spec = obj.lognormal as { p5?: unknown; p95?: unknown } | null;
      const p5 = spec?.p5;
      const p95 = spec?.p95;
      if (typeof p5 !== "number" || typeof p95 !== "number" || !(p5 > 0)) {
        problems.push({ path: `${at}.lognormal`, message: gotExpected(spec, "{ p5, p95 } with 0 < p5 <= p95") });
        return node;
      }
      if (!(p95 >= p5)) {
        problems.push({ path: `${at}.lognormal.p95`, message: gotExpected(p95, "p95 >= p5") });
        return node;
      }
      const x =
        replication === undefined || replication === 0
          ? Math.exp(lognormalFromP5P95(p5, p95).mu)
          : Math.max(DRAW_FLOORS[at] ?? -Infinity, lognormalSampler(makeRng(seed, `uncertain/${replication}/${at}`), p5, p95)());
      const v = WHOLE_NUMBER_KEYS.has(path.at(-1) ?? "") ? Math.round(x) : x;
      drawn[at] = v;
      specs[at] = { p5, p95 };
      return v;
    }
    return Object.fromEntries(keys.map((k) => [k, visit(obj[k], [...path, k])]));
  };
  return { value: visit(raw, []), drawn, specs, problems };
}
