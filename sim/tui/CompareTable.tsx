import { Box, Text } from "ink";
import { formatTable, type ComparisonTable } from "../report/comparison.ts";

/** The side-by-side table: a metric per row, a column per scenario and its ratio to the first. */
export function CompareTable({ table }: { table: ComparisonTable }) {
  const [header, ...rows] = formatTable(table);
  return (
    <Box flexDirection="column">
      <Text bold>{header}</Text>
      {rows.map((line, i) => (
        <Text key={i}>{line}</Text>
      ))}
      <Text dimColor>{table.note}</Text>
    </Box>
  );
}
