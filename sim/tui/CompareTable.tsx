import { Box, Text } from "ink";
import { formatTable } from "../report/comparison.ts";

/** The side-by-side table: a metric per row, a column per scenario and its ratio to the first. */
export function CompareTable({ table }: { table: { header: string[]; rows: string[][] } }) {
  const [header, ...rows] = formatTable(table);
  return (
    <Box flexDirection="column">
      <Text bold>{header}</Text>
      {rows.map((line, i) => (
        <Text key={i}>{line}</Text>
      ))}
    </Box>
  );
}
