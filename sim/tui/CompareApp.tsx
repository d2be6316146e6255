import { Box, Text, useApp } from "ink";
import { useEffect } from "react";
import { CompareRow } from "./CompareRow.tsx";
import type { CompareState } from "./compare-state.ts";
import type { Store } from "./store.ts";
import { useColumns } from "./use-columns.ts";
import { useStore } from "./use-store.ts";

/** inferwatt compare's live view: a row per scenario while they run; when the table is ready the app exits (the command prints it). */
export function CompareApp({ store }: { store: Store<CompareState> }) {
  const { rows, final } = useStore(store);
  const { exit } = useApp();
  const columns = useColumns();
  useEffect(() => {
    if (final) exit();
  }, [final, exit]);
  const nameWidth = Math.max(...rows.map((r) => r.name.length));
  return (
    <Box flexDirection="column">
      <Text>
        <Text bold color="cyan">inferwatt compare</Text> {rows.map((r) => r.name).join(" vs ")}
      </Text>
      {rows.map((row, i) => (
        <CompareRow key={i} row={row} nameWidth={nameWidth} columns={columns} />
      ))}
    </Box>
  );
}
