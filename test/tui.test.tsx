import { render } from "ink-testing-library";
import { describe, expect, it } from "vitest";
import { liveViewWanted } from "../sim/cli/live-view-wanted.ts";
import { compareRuns, comparisonTable, formatTable, splitTable } from "../sim/report/comparison.ts";
import { reportHtml } from "../sim/report/report-html.ts";
import { visibleRows } from "../sim/tui/CompareApp.tsx";
import { CompareRow } from "../sim/tui/CompareRow.tsx";
import type { CompareRowState } from "../sim/tui/compare-state.ts";
import { FinalSummary } from "../sim/tui/FinalSummary.tsx";
import { ProgressBar } from "../sim/tui/ProgressBar.tsx";
import { RunApp } from "../sim/tui/RunApp.tsx";
import { RunView } from "../sim/tui/RunView.tsx";
import { RUN_STARTING, type RunState } from "../sim/tui/run-state.ts";
import { createStore } from "../sim/tui/store.ts";
import { fitParts, wrapHanging } from "../sim/text/fit.ts";
import { barParts, sparkline } from "../sim/tui/text-bars.ts";
import { PROGRESS, runData, tinySummary } from "./tui-fixtures.ts";

const FACILITY = { pue: 1.2, orchestrationOverhead: 0.1 };
const tick = () => new Promise((r) => setTimeout(r, 20));

describe("bars and sparklines", () => {
  it("a bar fills whole cells, then eighths of one", () => {
    expect(barParts(0.5, 10)).toEqual({ filled: "█████", empty: "░░░░░" });
    expect(barParts(0.0625, 2)).toEqual({ filled: "▏", empty: "░" });
    expect(barParts(2, 4)).toEqual({ filled: "████", empty: "" });
    expect(barParts(NaN, 3)).toEqual({ filled: "", empty: "░░░" });
  });

  it("a sparkline spans its values (at least a tenth of the largest) and averages down to its width", () => {
    expect(sparkline([0, 3, 7], 10)).toBe("▁▄█");
    expect(sparkline([1, 1, 8, 8], 2)).toBe("▁█");
    // 99 to 100: within a tenth of the largest, so a small step, not the full height
    expect(sparkline([99, 100], 2)).toBe("▇█");
    expect(sparkline([], 5)).toBe("");
  });
});

// eslint-disable-next-line no-control-regex
const plain = (frame: string | undefined) => (frame ?? "").replace(/\u001b\[[0-9;]*m/g, "").split("\n");

describe("fitting lines to the terminal", () => {
  it("fitParts: as many parts per line as fit, a part too long on its own line", () => {
    expect(fitParts(["aa", "bb", "cc"], " · ", 100)).toEqual(["aa · bb · cc"]);
    expect(fitParts(["aa", "bb", "cc"], " · ", 7)).toEqual(["aa · bb", "cc"]);
    expect(fitParts(["aaaaaaaaaa", "b"], " ", 4)).toEqual(["aaaaaaaaaa", "b"]);
    expect(fitParts([], " ", 4)).toEqual([""]);
  });

  it("wrapHanging: continuation lines start under the text, not under the label", () => {
    const line = "  where       GPU busy 53%, GPU idle 0%, host 19%, network 4%";
    expect(wrapHanging(line, 100)).toEqual([line]);
    expect(wrapHanging(line, 40)).toEqual(["  where       GPU busy 53%, GPU idle 0%,", "              host 19%, network 4%"]);
    expect(wrapHanging("a title with no label column and some words", 20)).toEqual(["a title with no", "label column and", "some words"]);
  });

  it("RunView in an 80-column terminal: no line longer, nothing left out", () => {
    const lines = plain(render(<RunView progress={PROGRESS} facility={FACILITY} columns={80} />).lastFrame());
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(80);
    const frame = lines.join("\n");
    expect(frame).toContain("ETA 1 min 0 s");
    // the node power split on two lines
    expect(frame).toMatch(/nodes 20\.0 MW: GPU busy 12\.0 · GPU idle 1\.00 · host 6\.00\n\s+network 1\.00/);
    expect(frame).toMatch(/deepseek-r1\s+█{4}░{4}\s+50% of 256\s+0 queued\s+200\/200 on/);
    expect(frame).toMatch(/llama-405b\s+██░{6}\s+25% of 256\s+3 queued\s+80\/100 on\s+20 parked/);
    expect(frame).toContain("latency p50 14.3 s, p99 125.5 s");
    expect(frame).toContain("10.0-40.0 MW over 4 intervals");
  });

  it("RunView pool rows with long queues and parked and waking nodes fit from 80 to 120 columns", () => {
    const pools = PROGRESS.pools.map((pool) => ({ ...pool, name: `${pool.name}-long`, queuedQueries: 12_345, nodesParked: 1336, nodesWaking: 12 }));
    for (const columns of [80, 85, 90, 95, 100, 110, 120]) {
      const lines = plain(render(<RunView progress={{ ...PROGRESS, pools }} facility={FACILITY} columns={columns} />).lastFrame());
      expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(columns);
      const frame = lines.join("\n");
      expect(frame).toMatch(/llama-405b-long .*12\.3k queued/);
      expect(frame).toContain("1336 parked, 12 waking");
    }
  });

  it("RunView with more pools than the terminal has rows: below its height, the rest summed up in one line", () => {
    const base = PROGRESS.pools[0];
    const pools = Array.from({ length: 14 }, (_, i) => ({ ...base, name: `pool-${i}`, nodesOn: 100 + i, activeQueries: 1000 * (i + 1), queuedQueries: i }));
    const lines = plain(render(<RunView progress={{ ...PROGRESS, pools }} facility={FACILITY} columns={80} rows={24} />).lastFrame());
    expect(lines.length).toBe(23);
    const shown = lines.filter((l) => / pool-\d+ /.test(` ${l} `)).length;
    // the pools left out, counted: nodes on, active and queued queries summed
    const left = pools.slice(shown);
    const more = lines.find((l) => l.includes("more pools")) ?? "";
    expect(more).toContain(`+ ${left.length} more pools: ${left.reduce((n, x) => n + x.nodesOn, 0)} nodes on`);
    expect(more).toMatch(/\d+(\.\d)?k active, \d+ queued$/);
    expect(shown + left.length).toBe(14);
    expect(lines.at(-1)).toMatch(/^facility MW/);
    // all of them in a tall terminal
    const tall = plain(render(<RunView progress={{ ...PROGRESS, pools }} facility={FACILITY} columns={80} rows={40} />).lastFrame());
    expect(tall.filter((l) => l.includes("more pools"))).toEqual([]);
    expect(tall.length).toBeLessThan(40);
  });

  it("RunView with pool names too long for the terminal: names cut in the middle, rows and frame within it (ink-testing-library draws 100 columns)", () => {
    const base = PROGRESS.pools[0];
    const pools = Array.from({ length: 14 }, (_, i) => ({ ...base, name: `a-pool-with-a-very-long-name-for-a-region-and-a-rack-row-and-a-hall-${i}`, nodesParked: 7 }));
    for (const rows of [16, 24, 40]) {
      const lines = plain(render(<RunView progress={{ ...PROGRESS, pools }} facility={FACILITY} columns={100} rows={rows} />).lastFrame());
      expect(lines.length).toBeLessThan(rows);
      expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(100);
      // cut in the middle: the numbers that tell them apart stay
      const shown = lines.flatMap((l) => /(a-pool-with\S*…\S*-\d+) +█/.exec(l)?.[1] ?? []);
      expect(shown.length).toBeGreaterThan(0);
      expect(new Set(shown).size).toBe(shown.length);
      if (rows < 40) expect(lines.join("\n")).toMatch(/more pools: \d+ nodes on/);
    }
  });

  it("RunView counts a line the terminal wraps as several (a scenario name longer than the terminal)", () => {
    const all = plain(render(<RunView progress={PROGRESS} facility={FACILITY} columns={100} />).lastFrame()).length;
    // a title on two lines: in a terminal one line taller than the usual frame, the pools make room (a pool and a "more" line are as tall)
    const lines = plain(render(<RunView progress={{ ...PROGRESS, scenario: "x".repeat(150) }} facility={FACILITY} columns={100} rows={all + 1} />).lastFrame());
    expect(lines.length).toBeLessThan(all + 1);
    expect(lines.join("\n")).toContain("+ 2 more pools: 280 nodes on");
  });

  it("compare rows in a short terminal: the running ones first, then others in order, the rest counted", () => {
    const row = (status: string) => ({ name: status, status, progress: null, outcome: null }) as unknown as CompareRowState;
    const rows = ["done", "done", "running", "queued", "running", "queued", "queued"].map(row);
    expect(visibleRows(rows, 7)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    // 4 lines: 3 rows and the count of the rest
    expect(visibleRows(rows, 4)).toEqual([0, 2, 4]);
    expect(visibleRows(rows, 2)).toEqual([2]);
  });

  it("FinalSummary at 60 columns: long lines continue under their text", () => {
    const lines = plain(render(<FinalSummary summary={tinySummary()} outDir="results/tiny-1" columns={60} />).lastFrame());
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(60);
    const where = lines.findIndex((l) => l.startsWith("  where"));
    expect(lines[where + 1]).toMatch(/^ {14}\S/);
  });

  it("CompareRow: in a narrower terminal the clock goes, the bar shortens, then the power and Wh per query go", () => {
    const row = { name: "tts-10", status: "running", progress: PROGRESS, outcome: null } as const;
    const at = (columns: number) => {
      const line = plain(render(<CompareRow row={row} nameWidth={8} columns={columns} />).lastFrame())[0];
      expect(line.length).toBeLessThanOrEqual(columns);
      return line;
    };
    expect(at(100)).toMatch(/12:00\/24:00\s+26\.4 MW  0\.600 GWh\/day  0\.660 Wh\/query  ETA 1 min 0 s$/);
    expect(at(90)).toMatch(/^tts-10   ██████░{6}  50%\s+26\.4 MW  0\.600 GWh\/day  0\.660 Wh\/query  ETA 1 min 0 s$/);
    expect(at(80)).toMatch(/^tts-10   ███░{3}  50%\s+26\.4 MW  0\.600 GWh\/day  0\.660 Wh\/query  ETA 1 min 0 s$/);
    expect(at(70)).toMatch(/^tts-10   ███░{3}  50%  0\.600 GWh\/day  0\.660 Wh\/query  ETA 1 min 0 s$/);
    expect(at(50)).toMatch(/^tts-10   ███░{3}  50%  0\.600 GWh\/day  ETA 1 min 0 s$/);
  });

  it("a comparison table too wide for the terminal: names on two lines, then tables that fit, each with the first scenario", () => {
    const runs = ["first-scenario", "second-scenario", "third-scenario"].map((name, i) => runData(tinySummary(2e5 * (i + 1), name)));
    const table = comparisonTable(compareRuns(runs));
    const whole = formatTable(table);
    const widest = (lines: string[]) => Math.max(...lines.map((l) => l.length));
    expect(splitTable(table, Infinity)).toEqual([table]);
    expect(formatTable(table, Infinity)).toEqual(whole);
    // a little narrower: one table, the names broken after a "-" on two header lines
    const narrow = widest(whole) - 1;
    expect(splitTable(table, narrow)).toEqual([table]);
    const wrapped = formatTable(table, narrow);
    expect(widest(wrapped)).toBeLessThanOrEqual(narrow);
    expect(wrapped[0]).toMatch(/^\s+first-\s+second-\s+third-$/);
    expect(wrapped[1]).toMatch(/^\s+scenario\s+scenario\s+ratio\s+scenario\s+ratio$/);
    expect(wrapped.slice(2).map((l) => l.split(/\s{2,}/))).toEqual(whole.slice(1).map((l) => l.split(/\s{2,}/)));
    // narrower still: two tables, each with the labels and the first scenario
    const width = widest(wrapped) - 10;
    const parts = splitTable(table, width);
    expect(parts.map((t) => t.header)).toEqual([
      ["", "first-scenario", "second-scenario", "ratio"],
      ["", "first-scenario", "third-scenario", "ratio"],
    ]);
    for (const t of parts) expect(widest(formatTable(t, width))).toBeLessThanOrEqual(width);
    expect(parts[1].rows.map((r) => r.slice(0, 2))).toEqual(table.rows.map((r) => r.slice(0, 2)));
    expect(parts[1].rows.map((r) => r.slice(2))).toEqual(table.rows.map((r) => r.slice(4)));
    // names with nowhere to break stay on one header line, however narrow
    const plainNames = comparisonTable(compareRuns(["alpha", "beta"].map((name, i) => runData(tinySummary(2e5 * (i + 1), name)))));
    expect(formatTable(plainNames, 20)).toEqual(formatTable(plainNames));
  });
});

describe("live view components", () => {
  it("ProgressBar: the bar and the percentage", () => {
    const { lastFrame } = render(<ProgressBar fraction={0.5} width={10} />);
    expect(lastFrame()).toBe("█████░░░░░  50%");
  });

  it("RunView: clock, ETA, queries, speed, power split, energy, pools, latency and the power sparkline", () => {
    const frame = render(<RunView progress={PROGRESS} facility={FACILITY} />).lastFrame() ?? "";
    expect(frame).toContain("baseline");
    expect(frame).toContain(" 50%  simulated 12:00 of 24:00   wall 1 min 0 s   ETA 1 min 0 s");
    expect(frame).toContain("42.00M arrived, 41.99M completed, 10.0k in flight");
    expect(frame).toContain("700.0k queries/s, 1.40M events/s");
    // 20 MW of nodes x 1.1 x 1.2 = 26.4 MW: 2 MW orchestration, 4.4 MW cooling and power
    expect(frame).toContain("26.4 MW facility");
    expect(frame).toContain("nodes 20.0 MW: GPU busy 12.0 · GPU idle 1.00 · host 6.00 · network 1.00");
    expect(frame).toContain("+ orchestration 2.00 + cooling and power 4.40 (PUE 1.2)");
    // the view fits a 100-column terminal (ink-testing-library's width) without wrapping
    expect(frame.split("\n").length).toBe(12);
    expect(frame).toContain("300.00 MWh so far   projected 0.600 GWh/day");
    expect(frame).toContain("0.660 Wh median, 1.130 Wh mean   latency p50 14.3 s, p99 125.5 s");
    expect(frame).toMatch(/deepseek-r1\s+200\/200 on\s+██████░░░░░░\s+50% of max batch \(256\)\s+0 queued/);
    expect(frame).toMatch(/llama-405b\s+80\/100 on\s+███░░░░░░░░░\s+25% of max batch \(256\)\s+3 queued\s+20 parked/);
    expect(frame).toContain("▁▃▆█  10.0-40.0 MW over 4 intervals");
  });

  it("FinalSummary: the compact summary and where the results are", () => {
    const frame = render(<FinalSummary summary={tinySummary()} outDir="results/tiny-1" />).lastFrame() ?? "";
    expect(frame).toMatch(/^tiny \(seed 7\)/);
    expect(frame).toMatch(/energy\s+\d+\.\d{3} GWh\/day/);
    expect(frame).toMatch(/per query\s+median \d+\.\d{3} Wh/);
    expect(frame).toContain("results     results/tiny-1");
    expect(frame).toContain("report      results/tiny-1/report.html");
  });

  it("RunApp: starting, then the live view, then the final summary", async () => {
    const store = createStore<RunState>(RUN_STARTING);
    const { frames } = render(<RunApp store={store} name="baseline" facility={FACILITY} />);
    // With CI set, ink ends by writing a blank line on exit: the last frame that shows anything counts.
    const shown = () => frames.filter((f) => f.trim() !== "").at(-1) ?? "";
    expect(shown()).toContain("baseline: starting");
    store.set((s) => ({ ...s, progress: PROGRESS }));
    await tick();
    expect(shown()).toContain("simulated 12:00 of 24:00");
    store.set((s) => ({ ...s, outcome: { summary: tinySummary(), outDir: "results/x", incomplete: false } }));
    await tick();
    expect(shown()).toContain("results     results/x");
    expect(shown()).not.toContain("simulated 12:00 of 24:00");
  });

  it("CompareRow: queued, running with its ETA, done", () => {
    const queued = { name: "tts-10", status: "queued", progress: null, outcome: null } as const;
    expect(render(<CompareRow row={queued} nameWidth={8} />).lastFrame()).toBe("tts-10   queued");
    const running = { ...queued, status: "running", progress: PROGRESS } as const;
    const frame = render(<CompareRow row={running} nameWidth={8} />).lastFrame() ?? "";
    expect(frame).toMatch(/^tts-10   ██████░{6}  50%  12:00\/24:00\s+26\.4 MW  0\.600 GWh\/day  0\.660 Wh\/query  ETA 1 min 0 s$/);
    const done = { ...running, status: "done", outcome: { summary: tinySummary(), outDir: "x", incomplete: false } } as const;
    expect(render(<CompareRow row={done} nameWidth={8} />).lastFrame()).toMatch(/^tts-10   █{12} 100%  24:00\/24:00 .* done in \d+ s$/);
  });

  it("the comparison table: a metric per row, a column per scenario and the ratio to the first", () => {
    const a = tinySummary(2e5, "a");
    const b = tinySummary(4e5, "b");
    const compared = compareRuns([runData(a), runData(b)]);
    const frame = formatTable(comparisonTable(compared)).join("\n");
    const lines = frame.split("\n");
    expect(lines[0]).toMatch(/^\s+a\s+b\s+ratio$/);
    const ratio = b.energy.gwh_per_day / a.energy.gwh_per_day;
    expect(ratio).toBeGreaterThan(1.05);
    expect(lines.find((l) => l.startsWith("GWh/day"))).toMatch(
      new RegExp(`^GWh/day\\s+${a.energy.gwh_per_day.toFixed(3)}\\s+${b.energy.gwh_per_day.toFixed(3)}\\s+${ratio.toFixed(2)}x$`),
    );
    expect(compared[0].ratio_to_first.gwh_per_day).toBe(1);
    for (const label of ["Wh/query median (attributed)", "Wh/query mean (attributed)", "overhead factor", "GPU busy, MWh/day", "host, MWh/day", "nodes", "latency p99 (end to end), s"]) {
      expect(frame).toContain(label);
    }
  });
});

describe("report.html of a scenario compared with itself", () => {
  it("names the two as the table does (a, a-2) in the title, the list and the charts", () => {
    const html = reportHtml([runData(tinySummary(2e5, "a")), runData(tinySummary(2e5, "a"))], new Date(0));
    expect(html).toContain("<h1>inferwatt: a vs a-2</h1>");
    expect(html).toContain("<li><b>a-2</b>");
    expect((html.match(/>a-2</g) ?? []).length).toBeGreaterThanOrEqual(3);
    // one scenario alone: no note about a ratio column it does not have
    expect(reportHtml([runData(tinySummary(2e5, "a"))], new Date(0))).not.toContain("ratio: the scenario's figure");
  });
});

describe("when the live view appears", () => {
  const on = { noTui: false, verbose: false, isTTY: true, env: {} };
  it("on a terminal without CI, --no-tui or --verbose only", () => {
    expect(liveViewWanted(on)).toBe(true);
    expect(liveViewWanted({ ...on, isTTY: false })).toBe(false);
    expect(liveViewWanted({ ...on, noTui: true })).toBe(false);
    expect(liveViewWanted({ ...on, verbose: true })).toBe(false);
    expect(liveViewWanted({ ...on, env: { CI: "true" } })).toBe(false);
    expect(liveViewWanted({ ...on, env: { CI: "1" } })).toBe(false);
    expect(liveViewWanted({ ...on, env: { CI: "false" } })).toBe(true);
  });
});
