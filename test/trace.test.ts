import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { arrivalStreamFor, TraceArrivals, type TraceSpec } from "../sim/arrivals/trace.ts";
import { AzureTraceReader } from "../sim/arrivals/trace-reader.ts";
import { simulate as simulateRun } from "../sim/engine/simulation.ts";
import { buildSummary } from "../sim/report/summary.ts";
import { ScenarioError, TraceError } from "../sim/scenario/errors.ts";
import { parseScenario } from "../sim/scenario-file/load.ts";
import type { LengthMatch, Scenario } from "../sim/scenario/types.ts";
import { expectConserved } from "./conservation.ts";

const FIXTURES = fileURLToPath(new URL("./fixtures/traces/", import.meta.url));
/** The first 2,000 rows of the Azure LLM inference trace (conversation), 2023. */
const FIXTURE = join(FIXTURES, "azure-conv-2023-head2000.csv");
/** The whole conversation trace shipped for scenarios/trace-conv.yaml: 19,366 rows, 0.7 MB. */
const FULL = fileURLToPath(new URL("../models/data/traces/azure-conv-2023.csv", import.meta.url));

interface Row {
  readonly tS: number;
  readonly input: number;
  readonly output: number;
}

/** The CSV parsed the plain way (whole file, split, Date.UTC), independently of the streaming reader. */
function csvRows(file: string): Row[] {
  const lines = readFileSync(file, "utf8").trim().split("\n").slice(1);
  const abs = lines.map((line) => {
    const [stamp, input, output] = line.split(",");
    const [date, time] = stamp.split(" ");
    const [y, mo, d] = date.split("-").map(Number);
    const [h, mi, s] = time.split(":").map(Number);
    return { dayS: Date.UTC(y, mo - 1, d) / 1000, secondS: h * 3600 + mi * 60 + s, input: Number(input), output: Number(output) };
  });
  return abs.map((r) => ({ tS: r.dayS - abs[0].dayS + (r.secondS - abs[0].secondS), input: r.input, output: r.output }));
}

interface Arrival extends Row {
  readonly classIndex: number;
}

function replay(spec: Partial<TraceSpec> & { file: string }): { arrivals: Arrival[]; stream: TraceArrivals } {
  const stream = new TraceArrivals({ timeScale: 1, loop: 1, startAtS: 0, match: [null], ...spec });
  const arrivals: Arrival[] = [];
  for (let t = stream.advance(); t < Infinity; t = stream.advance()) {
    arrivals.push({ tS: t, input: stream.inputTokens, output: stream.outputTokens, classIndex: stream.classIndex });
  }
  return { arrivals, stream };
}

const sum = (xs: readonly Row[], key: "input" | "output") => xs.reduce((s, r) => s + r[key], 0);

/** A trace scenario as a file in the fixtures folder would give it (relative trace paths resolve there). */
function traceScenario(trace: string, classes = "", duration = "10m"): Scenario {
  const yaml = `
name: trace-test
seed: 3
duration: ${duration}
workload:
  trace: ${trace}
${classes}
pools:
  - { name: p, model: Llama 3.1 70B, hardware: h100-sxm-8x, nodes: 4, max_batch: 256 }
facility: { pue: 1.2, orchestration_overhead: 0.1 }
`;
  return parseScenario(yaml, join(FIXTURES, "trace-test.yaml"));
}

function simulateWithResult(s: Scenario) {
  const result = simulateRun(s, { arrivals: arrivalStreamFor(s) });
  return { summary: buildSummary(s, result, { peakRssMb: 0 }), result };
}

function simulate(s: Scenario) {
  return simulateWithResult(s).summary;
}

const rows = csvRows(FIXTURE);

describe("replaying the fixture (the first 2,000 rows of the Azure conversation trace)", () => {
  it("yields every row once: the count and the total input and output tokens are the CSV's, exactly", () => {
    const { arrivals } = replay({ file: FIXTURE });
    expect(rows).toHaveLength(2000);
    expect(arrivals).toHaveLength(rows.length);
    expect(sum(arrivals, "input")).toBe(sum(rows, "input"));
    expect(sum(arrivals, "output")).toBe(sum(rows, "output"));
    expect(arrivals.map((a) => [a.input, a.output])).toEqual(rows.map((r) => [r.input, r.output]));
  });

  it("starts at simulated time 0 and keeps the trace's timestamps (to a microsecond)", () => {
    const { arrivals } = replay({ file: FIXTURE });
    expect(arrivals[0].tS).toBe(0);
    const worst = Math.max(...arrivals.map((a, i) => Math.abs(a.tS - rows[i].tS)));
    expect(worst).toBeLessThan(1e-6);
    expect(arrivals.at(-1)!.tS).toBeCloseTo(424.2595, 4); // 18:15:46.6805900 to 18:22:50.9400470
  });

  it("a full simulation counts every row as an arrival, and every class its rows", () => {
    const s = traceScenario("{ file: azure-conv-2023-head2000.csv }");
    const { summary, result } = simulateWithResult(s);
    expect(summary.queries.arrived).toBe(2000);
    expectConserved(summary, result, s);
    expect(summary.per_class.trace.arrived).toBe(2000);
  });

  it("streams the whole conversation trace (19,366 rows) through a buffer a third of the file's size", () => {
    const full = csvRows(FULL);
    const { arrivals } = replay({ file: FULL });
    expect(full).toHaveLength(19_366);
    expect(arrivals).toHaveLength(19_366);
    expect(sum(arrivals, "input")).toBe(sum(full, "input"));
    expect(sum(arrivals, "output")).toBe(sum(full, "output"));
    expect(sum(full, "input")).toBe(22_361_870);
    expect(sum(full, "output")).toBe(4_088_665);
  });

  it("reads the same rows whatever the chunk size: lines split across chunks are joined", () => {
    const read = (chunkBytes?: number) => {
      const r = new AzureTraceReader(FIXTURE, chunkBytes);
      const out: number[] = [];
      while (r.next()) out.push(r.timeS, r.inputTokens, r.outputTokens, r.line);
      return out;
    };
    const reference = read();
    expect(reference).toHaveLength(4 * 2000);
    for (const chunk of [41, 42, 64, 100, 1000, 4096]) expect(read(chunk)).toEqual(reference);
    // the header line and its newline need 41 bytes
    expect(() => read(40)).toThrow(`${FIXTURE}:1:1: got a line of 40 bytes or more; expected a row like`);
  });
});

describe("time_scale, loop and start_at", () => {
  const base = replay({ file: FIXTURE });
  const spanS = rows.at(-1)!.tS;
  const meanGapS = spanS / (rows.length - 1);

  it("time_scale multiplies every arrival time and keeps the rows", () => {
    const { arrivals } = replay({ file: FIXTURE, timeScale: 0.1 });
    expect(arrivals).toHaveLength(2000);
    expect(sum(arrivals, "output")).toBe(sum(rows, "output"));
    arrivals.forEach((a, i) => expect(a.tS).toBeCloseTo(base.arrivals[i].tS * 0.1, 9));
  });

  it("loop N replays the trace N times, each repetition offset by (span + mean gap) x time_scale", () => {
    const scale = 0.5;
    const { arrivals, stream } = replay({ file: FIXTURE, timeScale: scale, loop: 3 });
    const periodS = (spanS + meanGapS) * scale;
    expect(stream.periodS).toBeCloseTo(periodS, 6);
    expect(arrivals).toHaveLength(3 * 2000);
    expect(sum(arrivals, "input")).toBe(3 * sum(rows, "input"));
    expect(sum(arrivals, "output")).toBe(3 * sum(rows, "output"));
    for (const r of [0, 1, 2]) {
      expect(arrivals[r * 2000].tS).toBeCloseTo(r * periodS, 6);
      expect(arrivals[r * 2000 + 1999].tS).toBeCloseTo(r * periodS + spanS * scale, 6);
    }
    expect(arrivals.every((a, i) => i === 0 || a.tS >= arrivals[i - 1].tS)).toBe(true);
  });

  it("start_at skips the rows before it; simulated time 0 is that point of the trace", () => {
    const kept = rows.filter((r) => r.tS >= 60);
    const { arrivals, stream } = replay({ file: FIXTURE, startAtS: 60, timeScale: 2, loop: 2 });
    expect(kept.length).toBeGreaterThan(1000);
    expect(arrivals).toHaveLength(2 * kept.length);
    expect(sum(arrivals.slice(0, kept.length), "output")).toBe(sum(kept, "output"));
    expect(arrivals[0].tS).toBeCloseTo((kept[0].tS - 60) * 2, 6);
    const gapS = (spanS - kept[0].tS) / (kept.length - 1);
    expect(stream.periodS).toBeCloseTo((spanS - 60 + gapS) * 2, 6);
  });

  it("the resolved scenario knows the replay's rows, period and mean rate", () => {
    const s = traceScenario("{ file: azure-conv-2023-head2000.csv, time_scale: 0.5, loop: 2, start_at: 0s }");
    const t = s.workload.trace!;
    expect([t.rows, t.loop, t.timeScale, t.startAtS, t.format]).toEqual([2000, 2, 0.5, 0, "azure-llm"]);
    expect(t.file).toBe(FIXTURE);
    expect(t.periodS).toBeCloseTo((spanS + meanGapS) * 0.5, 6);
    expect(s.workload.queriesPerDay).toBeCloseTo((2000 * 86_400) / t.periodS, 6);
    expect(s.workload.diurnal).toEqual({ kind: "none" });
  });

  it("a simulation of a looped, compressed replay counts loop x rows", () => {
    const s = traceScenario("{ file: azure-conv-2023-head2000.csv, time_scale: 0.25, loop: 4 }");
    expect(simulate(s).queries.arrived).toBe(8000);
  });
});

describe("classes by length thresholds", () => {
  const classes = `
  classes:
    - { name: short, match: { max_output_tokens: 100 } }
    - { name: long-prompt, match: { min_input_tokens: 2000 } }
    - { name: mid, match: { min_output_tokens: 101, max_output_tokens: 400, max_input_tokens: 1999 } }
    - { name: rest }`;
  const match: (LengthMatch | null)[] = [{ maxOutputTokens: 100 }, { minInputTokens: 2000 }, { minOutputTokens: 101, maxOutputTokens: 400, maxInputTokens: 1999 }, null];
  // The first class that matches takes the row; bounds are inclusive.
  const expected = [0, 0, 0, 0];
  for (const r of rows) {
    if (r.output <= 100) expected[0]++;
    else if (r.input >= 2000) expected[1]++;
    else if (r.output >= 101 && r.output <= 400 && r.input <= 1999) expected[2]++;
    else expected[3]++;
  }

  it("routes rows to the first class whose match takes them, bounds inclusive", () => {
    expect(expected.every((n) => n > 0)).toBe(true);
    expect(rows.filter((r) => r.output === 100).length).toBeGreaterThan(0); // the inclusive bound matters
    const { arrivals } = replay({ file: FIXTURE, match });
    expect([0, 1, 2, 3].map((c) => arrivals.filter((a) => a.classIndex === c).length)).toEqual(expected);
  });

  it("the scenario's class shares are the fractions of rows, and the simulation counts each class's arrivals", () => {
    const s = traceScenario("{ file: azure-conv-2023-head2000.csv }", classes);
    expect(s.workload.classes.map((c) => c.share)).toEqual(expected.map((n) => n / 2000));
    expect(s.workload.trace!.match).toEqual(match);
    const summary = simulate(s);
    expect(["short", "long-prompt", "mid", "rest"].map((c) => summary.per_class[c].arrived)).toEqual(expected);
  });

  it("summarises each class's lengths as a log-normal through the P5 and P95 of its rows (for sizing)", () => {
    const s = traceScenario("{ file: azure-conv-2023-head2000.csv }", classes);
    const short = s.workload.classes[0].outputTokens;
    expect("lognormal" in short).toBe(true);
    if (!("lognormal" in short)) return;
    const outs = rows.filter((r) => r.output <= 100).map((r) => r.output).sort((a, b) => a - b);
    const q = (p: number) => outs[Math.ceil(p * outs.length) - 1];
    expect(Math.abs(short.lognormal.p5 - q(0.05))).toBeLessThanOrEqual(Math.max(1, 0.01 * q(0.05)));
    expect(Math.abs(short.lognormal.p95 - q(0.95))).toBeLessThanOrEqual(Math.max(1, 0.01 * q(0.95)));
  });

  it("without classes, one class named trace takes every row", () => {
    const s = traceScenario("{ file: azure-conv-2023-head2000.csv }");
    expect(s.workload.classes.map((c) => [c.name, c.share])).toEqual([["trace", 1]]);
  });
});

describe("reading what the Azure trace files may hold", () => {
  const dir = mkdtempSync(join(tmpdir(), "inferwatt-trace-"));
  const write = (name: string, text: string) => {
    const file = join(dir, name);
    writeFileSync(file, text);
    return file;
  };

  it("CRLF line endings, no header, a byte-order mark, ISO T, zone suffixes, blank lines, a year boundary", () => {
    const file = write(
      "variants.csv",
      "\ufeff2023-12-31 23:59:59.5,10,1\r\n2023-12-31T23:59:59.75Z,20,2\r\n\r\n2024-01-01 01:00:00.5+01:00,30,3\r\n2024-01-01 00:00:01,40,4",
    );
    const { arrivals } = replay({ file });
    expect(arrivals.map((a) => [a.tS, a.input, a.output])).toEqual([
      [0, 10, 1],
      [0.25, 20, 2],
      [1, 30, 3],
      [1.5, 40, 4],
    ]);
  });
});

describe("errors name the trace file and line", () => {
  const dir = mkdtempSync(join(tmpdir(), "inferwatt-trace-"));
  const HEADER = "TIMESTAMP,ContextTokens,GeneratedTokens\n";
  const OK = ["2023-11-16 18:15:46.6805900,374,44", "2023-11-16 18:15:50.9951690,396,109", "2023-11-16 18:15:51.2224670,879,55"];
  const write = (name: string, text: string) => {
    const file = join(dir, name);
    writeFileSync(file, text);
    return file;
  };
  const traceErrorOf = (file: string, match: (LengthMatch | null)[] = [null]): TraceError => {
    try {
      replay({ file, match });
    } catch (e) {
      if (e instanceof TraceError) return e;
      throw e;
    }
    throw new Error("expected a TraceError, but the trace was read");
  };

  it("a row that does not parse: its line, its column and what was expected", () => {
    const file = write("short-row.csv", HEADER + [OK[0], OK[1], "2023-11-16 18:15:51.2224670,879"].join("\n"));
    const e = traceErrorOf(file);
    expect([e.file, e.line, e.column]).toEqual([file, 4, 32]);
    expect(e.message).toBe(`${file}:4:32: got "2023-11-16 18:15:51.2224670,879"; expected "," after the input tokens in a row like "2023-11-16 18:17:03.9799600,4808,10" (TIMESTAMP,ContextTokens,GeneratedTokens)`);
  });

  it("a timestamp that is not one", () => {
    const e = traceErrorOf(write("bad-time.csv", HEADER + [OK[0], "16/11/2023 18:15,396,109"].join("\n")));
    expect(e.line).toBe(3);
    expect(e.message).toContain(':3:1: got "16/11/2023 18:15,396,109"; expected a timestamp YYYY-MM-DD HH:MM:SS[.fraction]');
  });

  it("a wrong header", () => {
    const e = traceErrorOf(write("bad-header.csv", "time,prompt,completion\n" + OK[0]));
    expect(e.line).toBe(1);
    expect(e.message).toContain('got "time,prompt,completion"; expected the header TIMESTAMP,ContextTokens,GeneratedTokens');
  });

  it("an empty trace: a header and no rows, or nothing at all", () => {
    for (const text of [HEADER, ""]) {
      const file = write("empty.csv", text);
      const e = traceErrorOf(file);
      expect(e.line).toBeUndefined();
      expect(e.message).toBe(`${file}: got no rows; expected at least one row after the header TIMESTAMP,ContextTokens,GeneratedTokens`);
    }
  });

  it("timestamps going backwards: the line of the earlier one", () => {
    const e = traceErrorOf(write("backwards.csv", HEADER + [OK[0], OK[2], OK[1]].join("\n")));
    expect(e.line).toBe(4);
    expect(e.message).toContain(":4:1: got \"2023-11-16 18:15:50.9951690\"; expected timestamps in order (the trace sorted by time); this row is 0.227298 s earlier");
  });

  it("negative token counts", () => {
    const input = traceErrorOf(write("negative-input.csv", HEADER + [OK[0], "2023-11-16 18:15:50.9951690,-396,109"].join("\n")));
    expect(input.line).toBe(3);
    expect(input.message).toContain(':3:29: got "-396"; expected a count of input tokens >= 0');
    const output = traceErrorOf(write("negative-output.csv", HEADER + [OK[0], OK[1], "2023-11-16 18:15:51.2224670,879,-5"].join("\n")));
    expect(output.line).toBe(4);
    expect(output.message).toContain(':4:33: got "-5"; expected a count of output tokens >= 0');
  });

  it("a row no class takes", () => {
    const e = traceErrorOf(write("unmatched.csv", HEADER + OK.join("\n")), [{ maxOutputTokens: 100 }]);
    expect(e.line).toBe(3);
    expect(e.message).toContain(":3:1: got 396 input and 109 output tokens, which no class's match takes");
  });

  it("a missing file", () => {
    const file = join(dir, "no-such.csv");
    expect(() => new TraceArrivals({ file, timeScale: 1, loop: 1, startAtS: 0, match: [null] })).toThrow(`${file}: cannot read the trace: no such file`);
  });

  it("is a ScenarioError, so the command exits with code 2", () => {
    expect(traceErrorOf(write("bad.csv", HEADER + "x"))).toBeInstanceOf(ScenarioError);
  });

  it("loading the scenario reads the trace once: a bad row is a problem of workload.trace.file naming file and line", () => {
    const file = write("bad-row.csv", HEADER + [OK[0], "2023-11-16 18:15:50.9951690,396,-109"].join("\n"));
    try {
      traceScenario(`{ file: ${file} }`);
      expect.unreachable("the scenario should not load");
    } catch (e) {
      expect(e).toBeInstanceOf(ScenarioError);
      const problems = (e as ScenarioError).problems;
      expect(problems.map((p) => p.path)).toEqual(["workload.trace.file"]);
      expect(problems[0].message).toContain(`${file}:3:33: got "-109"; expected a count of output tokens >= 0`);
    }
  });
});

describe("the scenario's trace keys", () => {

  const errorOf = (trace: string, classes = "", extra = ""): ScenarioError => {
    try {
      traceScenario(trace + extra, classes);
    } catch (e) {
      if (e instanceof ScenarioError) return e;
      throw e;
    }
    throw new Error("expected a ScenarioError");
  };

  it("names a trace file that does not exist", () => {
    const e = errorOf("{ file: missing.csv }");
    expect(e.problems).toEqual([{ path: "workload.trace.file", message: `got "missing.csv"; expected a trace file; ${join(FIXTURES, "missing.csv")} does not exist` }]);
  });

  it("takes no queries_per_day or diurnal with a trace, and says why", () => {
    const e = errorOf("{ file: azure-conv-2023-head2000.csv }", "", "\n  queries_per_day: 1.0e9");
    expect(e.message).toContain(
      'workload.queries_per_day: got unknown key "queries_per_day" (a replayed trace sets the arrival times and so the rate: scale it with trace.time_scale); expected one of trace, classes',
    );
    expect(errorOf("{ file: azure-conv-2023-head2000.csv }", "", "\n  diurnal: none").message).toContain('workload.diurnal: got unknown key "diurnal" (a replayed trace sets');
  });

  it("takes no class shares or lengths with a trace, and says why", () => {
    const e = errorOf("{ file: azure-conv-2023-head2000.csv }", "  classes:\n    - { name: a, share: 1, output_tokens: { fixed: 300 } }");
    expect(e.problems.map((p) => p.path)).toEqual(["workload.classes.0.share", "workload.classes.0.output_tokens"]);
    expect(e.message).toContain("workload.classes.0.share: got 1; expected nothing: a class's share is the fraction of trace rows it matches");
    expect(e.message).toContain("workload.classes.0.output_tokens: got {\"fixed\":300}; expected nothing: each query's lengths come from its trace row");
  });

  it("checks time_scale, loop, start_at and the match bounds", () => {
    const e = errorOf(
      "{ file: azure-conv-2023-head2000.csv, time_scale: 0, loop: 1.5, start_at: soon }",
      "  classes:\n    - { name: a, match: { min_output_tokens: 500, max_output_tokens: 100 } }",
    );
    expect(e.message).toContain("workload.trace.time_scale: got 0; expected a number > 0");
    expect(e.message).toContain("workload.trace.loop: got 1.5; expected an integer");
    const later = errorOf("{ file: azure-conv-2023-head2000.csv, start_at: soon }", "  classes:\n    - { name: a, match: { min_output_tokens: 500, max_output_tokens: 100 } }");
    expect(later.message).toContain('workload.trace.start_at: got "soon"; expected a duration');
    expect(later.message).toContain("workload.classes.0.match.max_output_tokens: got 100; expected a number >= min_output_tokens (500)");
  });

  it("says when start_at leaves no rows", () => {
    const e = errorOf("{ file: azure-conv-2023-head2000.csv, start_at: 1h }");
    expect(e.message).toContain("got no rows at or after start_at (3600 s after the first row)");
  });
});
