import { Box, Text, useApp } from "ink";
import { useEffect } from "react";
import { FinalSummary } from "./FinalSummary.tsx";
import { RunView, type FacilityFactors } from "./RunView.tsx";
import type { RunState } from "./run-state.ts";
import type { Store } from "./store.ts";
import { useTerminalSize } from "./use-terminal-size.ts";
import { useStore } from "./use-store.ts";

/** inferwatt run's live view: the run as it goes, then its final summary (and the app exits). */
export function RunApp({ store, name, facility }: { store: Store<RunState>; name: string; facility: FacilityFactors }) {
  const { progress, outcome } = useStore(store);
  const { exit } = useApp();
  const { columns, rows } = useTerminalSize();
  useEffect(() => {
    if (outcome) exit();
  }, [outcome, exit]);
  if (outcome) return <FinalSummary summary={outcome.summary} outDir={outcome.outDir} columns={columns} />;
  if (!progress)
    return (
      <Box>
        <Text bold color="cyan">inferwatt</Text>
        <Text> {name}: starting</Text>
      </Box>
    );
  return <RunView progress={progress} facility={facility} columns={columns} rows={rows} />;
}
