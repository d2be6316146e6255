import { render } from "ink";
import { CompareApp } from "../tui/CompareApp.tsx";
import type { CompareState } from "../tui/compare-state.ts";
import type { Store } from "../tui/store.ts";

/** Shows the compare view until the store holds the final table; the table stays on screen. */
export async function showCompareLive(store: Store<CompareState>, sweep?: string, title?: string): Promise<void> {
  // Ctrl+C reaches the command as SIGINT (the view reads no keys), which stops the runs gracefully
  const app = render(<CompareApp store={store} sweep={sweep} title={title} />, { exitOnCtrlC: false });
  await app.waitUntilExit();
}
