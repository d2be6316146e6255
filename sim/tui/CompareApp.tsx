import { Box, Text, useApp } from "ink";
import { useEffect } from "react";
import { CompareRow, compareRowLines } from "./CompareRow.tsx";
import type { CompareRowState, CompareState } from "./compare-state.ts";
import type { Store } from "./store.ts";
import { useStore } from "./use-store.ts";
import { useTerminalSize } from "./use-terminal-size.ts";
import { wallTime } from "../text/format.ts";

/**
 * The rows to show in `room` lines: all when they fit; otherwise the running ones first, then others
 * in order, one line kept for a count of the rest. Indices in the comparison's order. A row takes
 * `linesOf` lines (two for a scenario with physical pools: its phase line).
 */
export function visibleRows(rows: readonly CompareRowState[], room: number, linesOf: (r: CompareRowState) => number = () => 1): number[] {
  const lines = rows.map(linesOf);
  if (lines.reduce((a, b) => a + b, 0) <= room) return rows.map((_, i) => i);
  const limit = Math.max(0, room - 1);
  const running = rows.flatMap((r, i) => (r.status === "running" ? [i] : []));
  const others = rows.flatMap((r, i) => (r.status === "running" ? [] : [i]));
  const shown: number[] = [];
  let used = 0;
  for (const i of [...running, ...others]) {
    if (used + lines[i] > limit) break;
    shown.push(i);
    used += lines[i];
  }
  return shown.sort((a, b) => a - b);
}

/**
 * A sweep's title line: runs done and running, and the time left: the mean wall time of the runs done
 * times the runs left, over the runs at once.
 */
export function sweepTitle(sweep: string, rows: readonly CompareRowState[]): string {
  const walls = rows.flatMap((r) => (r.status === "done" && r.outcome ? [r.outcome.summary.sim.wall_s] : []));
  const running = rows.filter((r) => r.status === "running").length;
  const left = rows.filter((r) => r.status === "queued").length + running;
  const eta = walls.length > 0 && running > 0 ? `, ETA ${wallTime((walls.reduce((a, b) => a + b, 0) / walls.length) * (left / running))}` : "";
  return `${sweep}: ${walls.length} of ${rows.length} runs done, ${running} running${eta}`;
}

/**
 * inferwatt compare's live view: a row per scenario while they run; when the table is ready the app exits (the command prints it).
 * With `sweep` (the sweep's name): inferwatt sweep's, a row per run and a count of runs done in the title.
 * With `title`: that line instead (inferwatt plan, a row per candidate as it starts).
 */
export function CompareApp({ store, sweep, title: given }: { store: Store<CompareState>; sweep?: string; title?: string }) {
  const { rows, final } = useStore(store);
  const { exit } = useApp();
  const terminal = useTerminalSize();
  useEffect(() => {
    if (final) exit();
  }, [final, exit]);
  const nameWidth = Math.max(0, ...rows.map((r) => r.name.length));
  const names = rows.map((r) => r.name).join(" vs ");
  const title =
    sweep !== undefined
      ? sweepTitle(sweep, rows)
      : `inferwatt compare ${names}`.length <= terminal.columns
        ? names
        : `${rows.length} scenarios`;
  // below the terminal's height (the title takes one line): a frame as tall makes ink clear the screen and scrollback
  const shown = visibleRows(rows, terminal.rows - 2, compareRowLines);
  const hidden = rows.filter((_, i) => !shown.includes(i));
  const count = (status: string) => hidden.filter((r) => r.status === status).length;
  return (
    <Box flexDirection="column">
      {given !== undefined ? (
        <Text bold color="cyan">{given}</Text>
      ) : (
        <Text>
          <Text bold color="cyan">{sweep !== undefined ? "inferwatt sweep" : "inferwatt compare"}</Text> {title}
        </Text>
      )}
      {shown.map((i) => (
        <CompareRow key={i} row={rows[i]} nameWidth={nameWidth} columns={terminal.columns} />
      ))}
      {hidden.length > 0 ? (
        <Text dimColor>{`+ ${hidden.length} more: ${(["running", "done", "queued", "skipped"] as const)
          .filter((status) => count(status) > 0)
          .map((status) => `${count(status)} ${status}`)
          .join(", ")}`}</Text>
      ) : null}
    </Box>
  );
}
