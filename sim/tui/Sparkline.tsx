import { Text } from "ink";
import { sparkline } from "./text-bars.ts";

export function Sparkline({ values, width = 48, color = "yellow" }: { values: readonly number[]; width?: number; color?: string }) {
  return <Text color={color}>{sparkline(values, width)}</Text>;
}
