import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { ScenarioError } from "../sim/scenario/errors.ts";
import { parseScenario } from "../sim/scenario-file/load.ts";
import { expectConserved } from "./conservation.ts";
import { simulateWithResult } from "./sim-helpers.ts";

const valid = {
  name: "prop",
  seed: 1,
  duration: "20m",
  workload: {
    queries_per_day: 2e5,
    classes: [{ name: "q", share: 1, input_tokens: { fixed: 500 }, output_tokens: { exponential: { median: 300 } } }],
  },
  pools: [{ name: "p", model: "Llama 3.1 70B", hardware: "h100-sxm-8x", nodes: 2 }],
  facility: { pue: 1.2, orchestration_overhead: 0.1 },
};

/** Paths of every value in an object tree, for mutating one. */
function paths(v: unknown, at: (string | number)[] = []): (string | number)[][] {
  if (v === null || typeof v !== "object") return [at];
  const entries = Array.isArray(v) ? v.map((x, i) => [i, x] as const) : Object.entries(v);
  return [at, ...entries.flatMap(([k, x]) => paths(x, [...at, k]))];
}

function setAt(root: unknown, path: (string | number)[], value: unknown): unknown {
  if (path.length === 0) return value;
  const copy: any = Array.isArray(root) ? [...root] : { ...(root as object) };
  copy[path[0]] = setAt(copy[path[0]], path.slice(1), value);
  return copy;
}

const anyValue = fc.oneof(
  fc.integer({ min: -1e9, max: 1e9 }),
  fc.double({ noNaN: false }),
  fc.string(),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom("24h", "-5m", "0s", "abc", "Llama 3.1 70B", "h100-sxm-8x", "least-loaded"),
  fc.dictionary(fc.string({ maxLength: 6 }), fc.oneof(fc.integer(), fc.string()), { maxKeys: 3 }),
  fc.array(fc.integer(), { maxLength: 3 }),
);

describe("property: the validator never crashes", () => {
  const allPaths = paths(valid);

  it("any one value of a valid scenario replaced by anything: a scenario or a ScenarioError naming a key", () => {
    fc.assert(
      fc.property(fc.constantFrom(...allPaths), anyValue, (path, value) => {
        const text = stringify(setAt(valid, path, value));
        try {
          const s = parseScenario(text, "prop.yaml");
          expect(s.pools.length).toBeGreaterThan(0);
        } catch (e) {
          expect(e).toBeInstanceOf(ScenarioError);
          expect((e as ScenarioError).problems.length).toBeGreaterThan(0);
          expect((e as Error).message.startsWith("prop.yaml")).toBe(true);
        }
      }),
      { numRuns: 400, seed: 42 },
    );
  });

  it("random objects and random text: a ScenarioError, never another error", () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue().map((v) => stringify(v)), fc.string()), (text) => {
        try {
          parseScenario(text, "random.yaml");
        } catch (e) {
          expect(e).toBeInstanceOf(ScenarioError);
        }
      }),
      { numRuns: 300, seed: 7 },
    );
  });
});

describe("property: conservation holds for any small valid scenario", () => {
  const pool = (i: number) =>
    fc.record({
      nodes: fc.integer({ min: 1, max: 5 }),
      max_batch: fc.integer({ min: 1, max: 64 }),
      batch_half_speed: fc.integer({ min: 0, max: 200 }),
      router: fc.constantFrom("least-loaded", "power-of-two", "round-robin", "random"),
      model: fc.constantFrom("Llama 3.1 70B", "Mixtral 8x22B", "DeepSeek-R1"),
      autoscale: fc.option(fc.record({ target_utilization: fc.double({ min: 0.3, max: 1, noNaN: true }), interval: fc.constantFrom("2m", "5m"), min: fc.constant(1) }), { nil: undefined }),
    }).map((p) => ({ name: `p${i}`, hardware: "h100-sxm-8x", ...p }));
  const arb = fc.record({
    seed: fc.integer({ min: 0, max: 1000 }),
    rate: fc.double({ min: 1e4, max: 3e6, noNaN: true }),
    minutes: fc.integer({ min: 5, max: 40 }),
    warmup: fc.constantFrom("0s", "2m"),
    diurnal: fc.constantFrom("none", { peak_to_trough: 3, peak_hour: 0 }),
    longShare: fc.double({ min: 0, max: 0.5, noNaN: true }),
    pools: fc.tuple(pool(0), pool(1)),
    twoPools: fc.boolean(),
  });

  it("queries, the ledger, power x node-hours and the time series are conserved (expectConserved)", () => {
    fc.assert(
      fc.property(arb, (a) => {
        const pools = a.twoPools ? a.pools.map((p) => ({ ...p, share: 0.5 })) : [a.pools[0]];
        const scenario = {
          name: "prop",
          seed: a.seed,
          duration: `${a.minutes}m`,
          warmup: a.warmup,
          workload: {
            queries_per_day: a.rate,
            diurnal: a.diurnal,
            classes: [
              { name: "short", share: 1 - a.longShare, input_tokens: { fixed: 500 }, output_tokens: { exponential: { median: 300 } } },
              { name: "long", share: a.longShare, input_tokens: { fixed: 500 }, output_tokens: { exponential: { median: 3000 } } },
            ],
          },
          pools,
          facility: { pue: 1.3, orchestration_overhead: 0.05 },
        };
        const sc = parseScenario(stringify(scenario), "prop.yaml");
        const { summary: s, result } = simulateWithResult(sc);
        expectConserved(s, result, sc);
        expect(Number.isFinite(s.energy.gwh_per_day)).toBe(true);
      }),
      { numRuns: 40, seed: 3 },
    );
  });
});
