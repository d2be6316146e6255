import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { ScenarioError } from "../sim/scenario/errors.ts";
import { scenarioJsonSchema } from "../sim/scenario-file/json-schema.ts";
import { loadScenario, parseScenario, type LoadOptions } from "../sim/scenario-file/load.ts";
import { applySet } from "../sim/scenario-file/set.ts";

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const FULL = fixture("scenario-full.yaml");
const MINIMAL = fixture("scenario-minimal.yaml");
const minimalText = readFileSync(MINIMAL, "utf8");

/** The ScenarioError that parsing `text` (as if it were a file beside the fixtures) throws. */
function errorOf(text: string, opts: LoadOptions = {}): ScenarioError {
  try {
    parseScenario(text, fixture("edited.yaml"), opts);
  } catch (e) {
    if (e instanceof ScenarioError) return e;
    throw e;
  }
  throw new Error("expected a ScenarioError, but the scenario was accepted");
}

/** The minimal fixture with one piece of text replaced (which must be there). */
function edit(from: string, to: string): string {
  expect(minimalText).toContain(from);
  return minimalText.replace(from, to);
}

describe("a valid scenario", () => {
  it("resolves every key of the full fixture to numbers and looked-up models", () => {
    const s = loadScenario(FULL);
    expect(s.name).toBe("full");
    expect(s.seed).toBe(7);
    expect([s.durationS, s.warmupS, s.timeseriesIntervalS]).toEqual([5400, 600, 60]);
    expect(s.workload.queriesPerDay).toBe(2e8);
    expect(s.workload.classes.map((c) => [c.name, c.share])).toEqual([["traditional", 0.9], ["test-time-scaling", 0.1]]);
    expect(s.workload.classes[1].inputTokens).toEqual({ lognormal: { p5: 100, p95: 2000 } });
    expect(s.workload.classes[1].outputTokens).toEqual({ exponential: { median: 5000 } });
    expect(s.facility.pue).toBeCloseTo(Math.sqrt(1.1 * 1.6), 12);
    expect(s.facility.orchestrationOverhead).toBe(0.1);
    expect(s.efficiency).toEqual({ model: 2, serving: 2 });
    expect(s.replications).toBe(3);
  });

  it("normalises hourly diurnal multipliers to a mean of 1", () => {
    const d = loadScenario(FULL).workload.diurnal;
    expect(d.kind).toBe("hourly");
    if (d.kind !== "hourly") return;
    expect(d.multipliers.slice(0, 1)).toEqual([0.5]);
    expect(d.multipliers[12]).toBe(1.5);
    expect(d.multipliers.reduce((a, b) => a + b, 0) / 24).toBeCloseTo(1, 12);
  });

  it("resolves pools: table and inline models, overridden and file hardware, per-class shares", () => {
    const [big, small] = loadScenario(FULL).pools;
    expect(big.modelName).toBe("Llama 3.1 405B");
    expect(big.tps.kind).toBe("regression");
    expect(big.hardware.gpuIdleW).toBe(90);
    expect(big.hardware.hostBusyW).toBe(2000);
    expect(big.hardware.hostIdleW).toBe(1200);
    expect(big.hardware.batchHalfSpeed).toBe(64);
    expect([big.maxBatch, big.router, big.nodes]).toEqual([128, "power-of-two", 100]);
    expect(big.classShares).toEqual({ traditional: 0.25, "test-time-scaling": 1 });

    expect(small.modelName).toBe("tiny");
    expect(small.tps).toEqual({ kind: "constant", tokensPerS: 2000 });
    expect(small.hardware.hostIdleW).toBe(800);
    expect(small.hardware.batchHalfSpeed).toBe(104);
    expect(small.hardware.sources.host_idle_w).toBe("Test value.");
    expect([small.maxBatch, small.router]).toEqual([256, "least-loaded"]);
    expect(small.classShares).toEqual({ traditional: 0.75, "test-time-scaling": 0 });
  });

  it("fills the defaults of a minimal scenario", () => {
    const s = loadScenario(MINIMAL);
    expect([s.seed, s.durationS, s.warmupS, s.timeseriesIntervalS]).toEqual([42, 86400, 0, 300]);
    expect(s.workload.diurnal).toEqual({ kind: "none" });
    expect(s.efficiency).toEqual({ model: 1, serving: 1 });
    expect(s.replications).toBe(1);
    const [pool] = s.pools;
    expect([pool.maxBatch, pool.router, pool.nodes]).toEqual([256, "least-loaded", 10]);
    expect(pool.classShares).toEqual({ only: 1 });
    expect(pool.hardware.name).toBe("h100-sxm-8x");
  });

  it("takes a time-series interval of a twelfth of a run shorter than an hour", () => {
    expect(parseScenario(edit("name: minimal", "name: minimal\nduration: 30m"), MINIMAL).timeseriesIntervalS).toBe(150);
  });

  it("accepts a sinusoidal diurnal shape and plain seconds", () => {
    const s = parseScenario(
      edit("  classes:", "  diurnal: { peak_to_trough: 2, peak_hour: 15 }\n  classes:").replace("name: minimal", "name: minimal\nduration: 7200"),
      MINIMAL,
    );
    expect(s.workload.diurnal).toEqual({ kind: "sinusoid", peakToTrough: 2, peakHour: 15 });
    expect(s.durationS).toBe(7200);
  });
});

describe("overrides", () => {
  it("applies --set assignments, reading values as YAML scalars", () => {
    const s = loadScenario(MINIMAL, { set: ["pools.0.nodes=7", "duration=90m", "pools.0.router=random", "efficiency.model=1.5"] });
    expect(s.pools[0].nodes).toBe(7);
    expect(s.durationS).toBe(5400);
    expect(s.pools[0].router).toBe("random");
    expect(s.efficiency.model).toBe(1.5);
  });

  it("replaces the file's seed with opts.seed", () => {
    expect(loadScenario(FULL, { seed: 123 }).seed).toBe(123);
  });

  it("leaves the raw tree it is given unchanged", () => {
    const raw = { pools: [{ nodes: 1 }] };
    expect(applySet(raw, ["pools.0.nodes=10", "name=x"])).toEqual({ pools: [{ nodes: 10 }], name: "x" });
    expect(raw).toEqual({ pools: [{ nodes: 1 }] });
  });

  it("reports every ill-formed assignment by name", () => {
    const e = errorOf(minimalText, { set: ["nodes", "pools.3.nodes=1", "name.first=x"] });
    expect(e.problems).toHaveLength(3);
    expect(e.file).toBe(`--set on ${fixture("edited.yaml")}`);
    expect(e.message).toContain(`${e.file}: got "nodes"; expected an assignment key.path=value`);
    expect(e.message).toContain(`${e.file}: pools.3.nodes: got "3"; expected an index of pools below its length 1`);
    expect(e.message).toContain(`${e.file}: name.first: got "minimal" at name; expected a mapping or a list`);
  });

  it("finds a list item by its name", () => {
    const raw = { pools: [{ name: "a", nodes: 1 }, { name: "b", nodes: 2 }], workload: { classes: [{ name: "x", share: 1 }] } };
    expect(applySet(raw, ["pools.b.nodes=7", "workload.classes.x.share=0.5"])).toEqual({
      pools: [{ name: "a", nodes: 1 }, { name: "b", nodes: 7 }],
      workload: { classes: [{ name: "x", share: 0.5 }] },
    });
    expect(() => applySet(raw, ["pools.c.nodes=1"])).toThrow('pools.c.nodes: got "c"; expected an index of pools below its length 2 or the name of one of its items (a, b)');
  });

  it("validates a set value like one in the file, and says it came from --set", () => {
    const e = errorOf(minimalText, { set: ["pools.0.nodes=many", "workload.diurnal={ peak_to_trough: 0.5 }"] });
    expect(e.message).toContain(`--set on ${e.file}: pools.0.nodes: got "many"; expected a number`);
    expect(e.message).toMatch(/--set on \S+: workload\.diurnal\.peak_to_trough: got 0\.5/);
    // a problem the set did not cause is the file's
    expect(errorOf(minimalText.replace("nodes: 10", "nodes: -5"), { set: ["duration=1h"] }).message).toMatch(/^\S+edited\.yaml: pools\.0\.nodes: got -5/m);
    // problems the set made anywhere (a parent's key, a sibling it left missing, a sum over a list) are the set's
    expect(errorOf(minimalText, { set: ["pools.0.autoscaler.min=1"] }).message).toMatch(/^--set on \S+: pools\.0\.autoscaler: got unknown key/);
    expect(errorOf(minimalText, { set: ["pools.0.autoscale.min=1"] }).message).toMatch(/^--set on \S+: pools\.0\.autoscale\.target_utilization: got nothing/);
    expect(errorOf(minimalText, { set: ["workload.classes.0.share=0.8"] }).message).toMatch(/^--set on \S+: workload\.classes: got shares summing to 0\.8/);
    // a template that leaves a key to --set: the file's own later problem stays the file's
    const template = minimalText.replace("    nodes: 10\n", "").replace("share: 1", "share: 0.8");
    expect(errorOf(template, { set: ["pools.0.nodes=10"] }).message).toMatch(/^\S+edited\.yaml: workload\.classes: got shares summing to 0\.8/);
    // with a problem of the file's own beside one of the set's, each is named for where it came from
    const both = errorOf(minimalText.replace("nodes: 10", "nodes: -5"), { set: ["pools.0.router=fastest"] }).message.split("\n");
    expect(both).toHaveLength(2);
    expect(both).toEqual(expect.arrayContaining([expect.stringMatching(/^\S+edited\.yaml: pools\.0\.nodes: got -5/), expect.stringMatching(/^--set on \S+: pools\.0\.router: got "fastest"/)]));
    // found when names are resolved, after validation
    expect(errorOf(minimalText, { set: ["pools.0.model=Llama 99"] }).message).toMatch(/^--set on \S+: pools\.0\.model: got "Llama 99"; expected a model/);
  });
});

describe("errors", () => {
  it("names an unknown key by its path and suggests the close one", () => {
    const e = errorOf(edit("    nodes: 10", "    nodez: 10"));
    expect(e.message).toContain('edited.yaml: pools.0.nodez: got unknown key "nodez" (did you mean "nodes"?); expected one of name, model');
    expect(e.problems.map((p) => p.path)).toContain("pools.0.nodes");
  });

  it("refuses a warmup as long as the duration (it is the duration's first part: nothing would be measured)", () => {
    expect(errorOf(minimalText, { set: ["duration=10m", "warmup=1h"] }).message).toContain(
      'warmup: got "1h"; expected a warmup shorter than the duration (600 s), of which it is the first part',
    );
    expect(errorOf(minimalText, { set: ["duration=10m", "warmup=10m"] }).problems.map((p) => p.path)).toEqual(["warmup"]);
    expect(parseScenario(minimalText, MINIMAL, { set: ["duration=10m", "warmup=9m"] }).warmupS).toBe(540);
  });

  it("suggests the key for two swapped letters (one edit, not two)", () => {
    expect(errorOf(edit("    nodes: 10", "    ndoes: 10")).message).toContain('pools.0.ndoes: got unknown key "ndoes" (did you mean "nodes"?)');
    expect(errorOf(edit("name: minimal", "nmae: minimal")).message).toContain('got unknown key "nmae" (did you mean "name"?)');
  });

  it("says so when the class shares do not sum to 1", () => {
    const e = errorOf(edit("share: 1", "share: 0.9"));
    expect(e.message).toContain("workload.classes: got shares summing to 0.9 (0.9); expected a sum of 1");
  });

  it("names the class whose shares over the pools do not sum to 1", () => {
    const two = readFileSync(FULL, "utf8").replace("share: { traditional: 0.75 }", "share: { traditional: 0.5 }");
    const e = errorOf(two);
    expect(e.message).toContain('pools: got shares of class "traditional" summing to 0.75 (big 0.25 + small 0.5); expected a sum of 1');
  });

  it("rejects a PUE below 1", () => {
    expect(errorOf(edit("pue: 1.2", "pue: 0.9")).message).toContain("facility.pue: got 0.9; expected a number >= 1");
  });

  it("rejects a max_batch of 0", () => {
    expect(errorOf(edit("nodes: 10", "nodes: 10\n    max_batch: 0")).message).toContain("pools.0.max_batch: got 0; expected a number >= 1");
  });

  it("rejects a duration it cannot read", () => {
    const e = errorOf(edit("name: minimal", "name: minimal\nduration: 24x"));
    expect(e.message).toContain('duration: got "24x"; expected a duration > 0 such as "24h"');
  });

  it("lists the known models for an unknown one", () => {
    const e = errorOf(edit("Llama 3.1 70B", "Llama 3.1 7B"));
    expect(e.problems).toHaveLength(1);
    expect(e.problems[0].path).toBe("pools.0.model");
    expect(e.message).toContain('got "Llama 3.1 7B"; expected a model of the throughput table: one of Llama 3.1 405B, Llama 3.1 70B');
    expect(e.message).toContain("DeepSeek-R1");
    expect(e.message).toContain('did you mean "Llama 3.1 70B"?');
  });

  it("lists the known hardware profiles for an unknown one", () => {
    const e = errorOf(edit("hardware: h100-sxm-8x", "hardware: a100-8x"));
    expect(e.message).toContain('pools.0.hardware: got "a100-8x"; expected a hardware profile: one of ');
    expect(e.message).toContain("h100-sxm-8x");
  });

  it("reports each bad hardware override by its key path", () => {
    const e = errorOf(edit("hardware: h100-sxm-8x", "hardware: { base: h100-sxm-8x, gpu_idle_w: -1, gpuz: 3 }"));
    expect(e.problems.map((p) => p.path)).toEqual(["pools.0.hardware.gpu_idle_w", "pools.0.hardware.gpuz"]);
    expect(e.message).toContain("gpu_idle_w");
  });

  it("names a hardware file that does not exist", () => {
    const e = errorOf(edit("hardware: h100-sxm-8x", "hardware: { file: missing-profile.yaml }"));
    expect(e.message).toContain('pools.0.hardware.file: got "missing-profile.yaml"; expected a hardware profile file;');
  });

  it("gives the line and column of a YAML syntax error", () => {
    const e = errorOf(edit("  queries_per_day: 1.0e9", "  queries_per_day: [1.0e9"));
    expect(e.problems[0].line).toBe(5);
    expect(e.message).toMatch(/edited\.yaml:5:\d+: YAML syntax: /);
  });

  it("reports several problems at once", () => {
    const text = edit("pue: 1.2", "pue: 0.9").replace("nodes: 10", "nodes: 0").replace("{ fixed: 500 }", "{ fixd: 500 }").replace("name: minimal\n", "");
    const e = errorOf(text);
    expect(e.problems.map((p) => p.path)).toEqual(["name", "workload.classes.0.input_tokens", "pools.0.nodes", "facility.pue"]);
    expect(e.message.split("\n")).toHaveLength(4);
    expect(e.message).toContain('input_tokens: got {"fixd":500}; expected a length: { fixed: n }');
    expect(e.message).toContain('(did you mean "fixed"?)');
  });

  it("a misspelt workload key: reported as in the workload it was meant for (generated, or trace replay)", () => {
    const e = errorOf(edit("  queries_per_day:", "  queries_per_dya:"));
    expect(e.problems.map((p) => p.path).sort()).toEqual(["workload.queries_per_day", "workload.queries_per_dya"]);
    expect(e.message).toContain('workload.queries_per_dya: got unknown key "queries_per_dya" (did you mean "queries_per_day"?); expected one of queries_per_day, diurnal, classes');
    // an extra key near "trace" in a generated workload: still the generated one (it knows the other keys)
    const extra = errorOf(edit("  queries_per_day:", "  tracee: x.csv\n  queries_per_day:"));
    expect(extra.problems.map((p) => `${p.path}: ${p.message}`)).toEqual(['workload.tracee: got unknown key "tracee"; expected one of queries_per_day, diurnal, classes']);
    // a misspelt key in a trace replay: the trace workload
    const trace = errorOf(edit("  queries_per_day: 1.0e9\n  classes:\n    - name: only\n      share: 1\n      input_tokens: { fixed: 500 }\n      output_tokens: { fixed: 300 }\n", "  trace: { file: x.csv }\n  clases:\n    - name: only\n"));
    expect(trace.message).toContain('workload.clases: got unknown key "clases" (did you mean "classes"?); expected one of trace, classes');
  });

  it("a misspelt hardware file key is named; a missing key names a near-miss the mapping does not know, never a key it does", () => {
    const file = errorOf(edit("hardware: h100-sxm-8x", "hardware: { fiel: x.yaml }"));
    expect(file.problems).toHaveLength(1);
    expect(file.message).toContain('pools.0.hardware: got {"fiel":"x.yaml"}; expected a hardware profile name');
    expect(file.message).toContain('(did you mean "file"?)');
    const qpd = errorOf(edit("  queries_per_day:", "  queries_per_dya:"));
    expect(qpd.message).toContain('workload.queries_per_day: got nothing; expected a number ("queries_per_dya" is there: a misspelling of it?)');
    // p95 is a key of a log-normal: not offered for a missing p5
    const p5 = errorOf(edit("input_tokens: { fixed: 500 }", "input_tokens: { lognormal: { p95: 900 } }"));
    expect(p5.message).toMatch(/input_tokens\.lognormal\.p5: got nothing; expected a number$/m);
    // a renamed key that is no typo: the member meant, its missing key and the unknown one
    const renamed = errorOf(edit("  queries_per_day: 1.0e9", "  requests_per_day: 1.0e9\n  diurnal: none"));
    expect(renamed.problems.map((p) => p.path).sort()).toEqual(["workload.queries_per_day", "workload.requests_per_day"]);
  });

  it("a union member that knows none of the keys is not taken for the one meant (diurnal: hourly misspelt)", () => {
    const e = errorOf(edit("  queries_per_day: 1.0e9\n", `  queries_per_day: 1.0e9\n  diurnal: { hourlly: [${Array(24).fill(1).join(", ")}] }\n`));
    expect(e.problems).toHaveLength(1);
    expect(e.problems[0].path).toBe("workload.diurnal");
    expect(e.message).toContain('(did you mean "hourly"?)');
  });

  it("follows the union member that was meant", () => {
    const e = errorOf(edit("{ fixed: 300 }", "{ exponential: { medan: 300 } }"));
    expect(e.message).toContain('output_tokens.exponential.medan: got unknown key "medan" (did you mean "median"?)');
  });

  it("checks the order of log-normal percentiles", () => {
    const e = errorOf(edit("pue: 1.2", "pue: { lognormal: { p5: 1.5, p95: 1.2 } }"));
    expect(e.message).toContain("facility.pue.lognormal.p95: got 1.2; expected p95 >= p5");
  });

  it("names a missing file", () => {
    const missing = fixture("no-such-scenario.yaml");
    expect(() => loadScenario(missing)).toThrow(ScenarioError);
    expect(() => loadScenario(missing)).toThrow(`${missing}: cannot read the scenario: no such file`);
  });
});

describe("scenarioJsonSchema", () => {
  it("describes the file's top-level keys", () => {
    const schema = scenarioJsonSchema() as { type: string; properties: Record<string, unknown>; required: string[]; additionalProperties: boolean };
    expect(schema.type).toBe("object");
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(["workload", "pools", "facility", "duration"]));
    expect(schema.required).toEqual(["name", "workload", "pools", "facility"]);
    expect(schema.additionalProperties).toBe(false);
  });

  it("lets any number be uncertain, keeps a token length's log-normal a distribution, lists a hardware override's keys", () => {
    type S = Record<string, any>;
    const schema = scenarioJsonSchema() as S;
    const uncertain = { $ref: "#/$defs/uncertain" };
    expect(schema.$defs.uncertain.properties.lognormal.required).toEqual(["p5", "p95"]);
    const generated = schema.properties.workload.anyOf[0].properties;
    expect(generated.queries_per_day.anyOf).toContainEqual(uncertain);
    const pool = schema.properties.pools.items.properties;
    for (const key of ["nodes", "max_batch"]) expect(pool[key].anyOf).toContainEqual(uncertain);
    expect(pool.autoscale.properties.target_utilization.anyOf).toContainEqual(uncertain);
    // pue: a number >= 1 or uncertain (its median must be >= 1, which a schema cannot say; p5 may be below)
    expect(schema.properties.facility.properties.pue.anyOf).toEqual([{ type: "number", minimum: 1 }, uncertain]);
    const output = generated.classes.items.properties.output_tokens.anyOf;
    expect(output).not.toContainEqual(uncertain);
    expect(output.some((alt: S) => alt.properties?.lognormal)).toBe(true);
    expect(output.find((alt: S) => alt.properties?.exponential).properties.exponential.properties.median.anyOf).toContainEqual(uncertain);
    const override = pool.hardware.anyOf.find((alt: S) => alt.properties?.base);
    expect(override.additionalProperties).toBe(false);
    expect(Object.keys(override.properties)).toEqual(expect.arrayContaining(["base", "host_busy_w", "tps_multiplier", "gpu_active_w", "sources"]));
  });
});
