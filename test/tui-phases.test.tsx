import { render } from "ink-testing-library";
import { describe, expect, it } from "vitest";
import { visibleRows } from "../sim/tui/CompareApp.tsx";
import { CompareRow, compareRowLines } from "../sim/tui/CompareRow.tsx";
import type { CompareRowState } from "../sim/tui/compare-state.ts";
import { FinalSummary } from "../sim/tui/FinalSummary.tsx";
import { finalSummaryLines, progressLine } from "../sim/tui/plain-lines.ts";
import { RunView } from "../sim/tui/RunView.tsx";
import { stackedCells } from "../sim/tui/text-bars.ts";
import { PHYSICAL_PROGRESS, phaseSummary } from "./phase-fixtures.ts";
import { PROGRESS } from "./tui-fixtures.ts";

const FACILITY = { pue: 1.2, orchestrationOverhead: 0.1 };
// eslint-disable-next-line no-control-regex
const plain = (frame: string | undefined) => (frame ?? "").replace(/\u001b\[[0-9;]*m/g, "").split("\n");
const widest = (lines: string[]) => Math.max(...lines.map((l) => l.length));

describe("stacked bar cells", () => {
  it("split the width in proportion by largest remainder, adding up to it exactly", () => {
    expect(stackedCells([0.2, 0.65, 0.15], 12)).toEqual([2, 8, 2]);
    expect(stackedCells([1, 1, 1], 10)).toEqual([4, 3, 3]);
    expect(stackedCells([0, 5, 0], 6)).toEqual([0, 6, 0]);
    expect(stackedCells([0, 0, 0], 6)).toEqual([0, 0, 0]);
    expect(stackedCells([NaN, 1, -1], 4)).toEqual([0, 4, 0]);
  });
});

describe("the live view with physical pools", () => {
  it("RunView: a phase line (bar, shares of facility energy so far, KV fill now) after the energy", () => {
    const lines = plain(render(<RunView progress={PHYSICAL_PROGRESS} facility={FACILITY} columns={80} />).lastFrame());
    expect(widest(lines)).toBeLessThanOrEqual(80);
    const at = lines.findIndex((l) => l.startsWith("phases"));
    expect(lines[at - 1]).toMatch(/^energy/);
    // 60 / 195 / 45 MWh of 300: 20 %, 65 %, 15 %; 12 cells: 2, 8, 2
    expect(lines[at]).toBe("phases      ██▓▓▓▓▓▓▓▓░░ prefill 20% · decode 65% · idle 15%   KV 63% full");
    // one line more than without physical pools
    const without = plain(render(<RunView progress={PROGRESS} facility={FACILITY} columns={80} />).lastFrame());
    expect(lines.length).toBe(without.length + 1);
  });

  it("RunView fits from 60 to 120 columns with the phase line, and stays below the terminal's height", () => {
    for (const columns of [60, 65, 70, 75, 80, 100, 120]) {
      const lines = plain(render(<RunView progress={PHYSICAL_PROGRESS} facility={FACILITY} columns={columns} rows={40} />).lastFrame());
      // the view's clock line needs about 75 columns (as without physical pools); the phase lines fit any of these
      if (columns >= 80) expect(widest(lines)).toBeLessThanOrEqual(columns);
      expect(widest(lines.filter((l) => /prefill|KV/.test(l)))).toBeLessThanOrEqual(columns);
      const frame = lines.join("\n");
      expect(frame).toContain("prefill 20% · decode 65% · idle 15%");
      expect(frame).toContain("KV 63% full");
    }
    // a short terminal: the pools give way (summed up), the frame below its height
    const short = plain(render(<RunView progress={PHYSICAL_PROGRESS} facility={FACILITY} columns={80} rows={14} />).lastFrame());
    expect(short.length).toBeLessThan(14);
    expect(short.join("\n")).toContain("more pool");
  });

  it("RunView before any energy: the shares as dashes", () => {
    const p = { ...PHYSICAL_PROGRESS, physical: { prefillWh: 0, decodeWh: 0, idleWh: 0, kvFill: 0 } };
    const frame = plain(render(<RunView progress={p} facility={FACILITY} columns={80} />).lastFrame()).join("\n");
    expect(frame).toContain("prefill - · decode - · idle -   KV 0% full");
  });

  it("without physical pools the frame is the same whether the key is absent or undefined, and has no phase line", () => {
    for (const columns of [60, 80, 100]) {
      const a = render(<RunView progress={PROGRESS} facility={FACILITY} columns={columns} />).lastFrame();
      const b = render(<RunView progress={{ ...PHYSICAL_PROGRESS, physical: undefined }} facility={FACILITY} columns={columns} />).lastFrame();
      expect(b).toBe(a);
      expect(a).not.toContain("phases");
      expect(a).not.toContain("KV");
    }
  });

  it("the plain progress line adds the split and KV fill only with physical pools", () => {
    expect(progressLine(PHYSICAL_PROGRESS)).toBe(`${progressLine(PROGRESS)} | prefill 20% decode 65% idle 15%, KV 63% full`);
    expect(progressLine(PROGRESS)).not.toContain("KV");
  });
});

describe("the compare view with physical pools", () => {
  const running = { name: "phys", status: "running", progress: PHYSICAL_PROGRESS, outcome: null } as const;
  const done = { ...running, status: "done", outcome: { summary: phaseSummary(), outDir: "x", incomplete: false } } as const;

  it("CompareRow: the row as before, and under it the phase split and KV fill (now; the time mean once done)", () => {
    const lines = plain(render(<CompareRow row={running} nameWidth={8} columns={80} />).lastFrame());
    const one = plain(render(<CompareRow row={{ ...running, progress: PROGRESS }} nameWidth={8} columns={80} />).lastFrame());
    expect(lines[0]).toBe(one[0]);
    expect(lines[1]).toBe("         prefill 20% · decode 65% · idle 15%   KV 63% full");
    // done: by_phase 264 / 3894 / 462 Wh of 4620 (6 %, 84 %, 10 %), KV fill 0.35
    const finished = plain(render(<CompareRow row={done} nameWidth={8} columns={80} />).lastFrame());
    expect(finished[1]).toBe("         prefill 6% · decode 84% · idle 10%   KV 35% full");
  });

  it("CompareRow: a run done before its first progress snapshot shows its results, not a bare status", () => {
    const quick = { name: "quick", status: "done", progress: null, outcome: done.outcome } as unknown as CompareRowState;
    const s = done.outcome.summary;
    const line = plain(render(<CompareRow row={quick} nameWidth={8} columns={100} />).lastFrame())[0];
    expect(line).toContain(`${s.energy.gwh_per_day.toFixed(3)} GWh/day`);
    expect(line).toContain(`${s.per_query_wh.attributed.p50.toFixed(3)} Wh/query`);
    expect(line).toMatch(/done in /);
    expect(compareRowLines(quick)).toBe(1);
  });

  it("CompareRow's phase line fits narrow terminals: less indented, then shorter, then cut", () => {
    const phaseLine = (columns: number) => plain(render(<CompareRow row={running} nameWidth={20} columns={columns} />).lastFrame())[1];
    expect(phaseLine(80)).toBe(`${" ".repeat(21)}prefill 20% · decode 65% · idle 15%   KV 63% full`);
    expect(phaseLine(60)).toBe("  prefill 20% · decode 65% · idle 15%   KV 63% full");
    expect(phaseLine(50)).toBe("  prefill 20% decode 65% idle 15%  KV 63% full");
    for (const columns of [30, 40, 45]) expect(phaseLine(columns).length).toBeLessThanOrEqual(columns);
  });

  it("a scenario with physical pools takes two lines when rows are chosen for a short terminal", () => {
    const rows = [running, { ...running, name: "reg", progress: PROGRESS }, { name: "q", status: "queued", progress: null, outcome: null }] as CompareRowState[];
    expect(rows.map(compareRowLines)).toEqual([2, 1, 1]);
    expect(visibleRows(rows, 4, compareRowLines)).toEqual([0, 1, 2]);
    // 3 lines: 2 for rows, one for the count of the rest
    expect(visibleRows(rows, 3, compareRowLines)).toEqual([0]);
    expect(visibleRows(rows, 3)).toEqual([0, 1, 2]);
  });
});

describe("the final summary with physical pools", () => {
  it("adds the phase split, TPOT and the KV memory line", () => {
    const lines = finalSummaryLines(phaseSummary(), "results/p");
    expect(lines).toContain("  by phase    prefill 6%, decode 84%, idle 10% of facility energy");
    expect(lines.find((l) => l.startsWith("  per token"))).toMatch(/^ {2}per token {3}TPOT p50 20\.\d ms, p99 5\d\.\d ms/);
    expect(lines).toContain(
      "  KV memory   35% full (time mean over busy nodes), 10 queries waited for memory, 2 truncated to fit; at most 64 queries on a node",
    );
    const frame = plain(render(<FinalSummary summary={phaseSummary()} outDir="results/p" columns={80} />).lastFrame());
    expect(widest(frame)).toBeLessThanOrEqual(80);
  });

  it("without physical pools: none of these lines", () => {
    const lines = finalSummaryLines(phaseSummary(false), "results/p");
    expect(lines.filter((l) => /by phase|per token|KV memory/.test(l))).toEqual([]);
    expect(lines).toHaveLength(10);
  });
});
