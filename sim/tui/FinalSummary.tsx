import { Box, Text } from "ink";
import { finalSummaryLines } from "./plain-lines.ts";
import type { Summary } from "../report/summary.ts";
import { wrapHanging } from "../text/fit.ts";

/**
 * The compact summary left on screen when a run ends (the same lines the plain output prints; a line
 * longer than `columns` continues under its text, not under the labels).
 */
export function FinalSummary({ summary, outDir, columns = Infinity }: { summary: Summary; outDir: string; columns?: number }) {
  const [title, ...lines] = finalSummaryLines(summary, outDir);
  const rest = lines.flatMap((line) => wrapHanging(line, columns));
  return (
    <Box flexDirection="column">
      <Text bold color={summary.state === "completed" ? "green" : "yellow"}>
        {title}
      </Text>
      {rest.map((line, i) => (
        <Text key={i}>{line}</Text>
      ))}
    </Box>
  );
}
