import { Box, Text } from "ink";
import { finalSummaryLines } from "../cli/format.ts";
import type { Summary } from "../report/summary.ts";

/** The compact summary left on screen when a run ends (the same lines the plain output prints). */
export function FinalSummary({ summary, outDir }: { summary: Summary; outDir: string }) {
  const [title, ...rest] = finalSummaryLines(summary, outDir);
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
