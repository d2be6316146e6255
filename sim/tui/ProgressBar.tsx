import { Text } from "ink";
import { barParts } from "./text-bars.ts";

export interface ProgressBarProps {
  /** Done, from 0 to 1. */
  readonly fraction: number;
  /** Cells; default 30. */
  readonly width?: number;
  /** Also print the percentage after the bar; default true. */
  readonly percent?: boolean;
  readonly color?: string;
}

export function ProgressBar({ fraction, width = 30, percent = true, color = "green" }: ProgressBarProps) {
  const { filled, empty } = barParts(fraction, width);
  const pct = Number.isFinite(fraction) ? Math.min(Math.max(fraction, 0), 1) * 100 : 0;
  return (
    <Text>
      <Text color={color}>{filled}</Text>
      <Text dimColor>{empty}</Text>
      {percent ? ` ${pct.toFixed(0).padStart(3)}%` : ""}
    </Text>
  );
}
