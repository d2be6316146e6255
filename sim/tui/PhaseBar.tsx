import { Text } from "ink";
import { PHASES, type PhaseShares } from "./phase-text.ts";
import { stackedCells } from "./text-bars.ts";

/** Prefill, decode and idle shares as one bar `width` cells wide (empty before there is any energy). */
export function PhaseBar({ shares, width }: { shares: PhaseShares | null; width: number }) {
  const cells = shares ? stackedCells(PHASES.map((ph) => shares[ph.key]), width) : [0, 0, 0];
  const used = cells.reduce((a, b) => a + b, 0);
  return (
    <Text>
      {PHASES.map((ph, i) => (cells[i] > 0 ? <Text key={ph.key} color={ph.color}>{ph.char.repeat(cells[i])}</Text> : null))}
      {used < width ? <Text dimColor>{" ".repeat(width - used)}</Text> : null}
    </Text>
  );
}
