import { render } from "ink";
import type { RunHandle } from "../jobs/run-in-worker.ts";
import type { RunOutcome } from "../jobs/execute.ts";
import { RunApp } from "../tui/RunApp.tsx";
import type { FacilityFactors } from "../tui/RunView.tsx";
import type { RunState } from "../tui/run-state.ts";
import type { Store } from "../tui/store.ts";

/** Shows the live view of a run until it ends; the final summary stays on screen. */
export async function showRunLive(
  store: Store<RunState>,
  handle: RunHandle,
  updates: { close(): void },
  name: string,
  facility: FacilityFactors,
): Promise<RunOutcome> {
  // Ctrl+C reaches the command as SIGINT (the view reads no keys), which stops the run gracefully
  const app = render(<RunApp store={store} name={name} facility={facility} />, { exitOnCtrlC: false });
  try {
    const outcome = await handle.done;
    updates.close();
    store.set((s) => ({ ...s, outcome }));
    await app.waitUntilExit();
    return outcome;
  } catch (e) {
    app.unmount();
    throw e;
  }
}
