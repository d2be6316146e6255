export interface LiveViewConditions {
  /** The command's --no-tui. */
  readonly noTui: boolean;
  /** The command's --verbose: log lines on stderr would tear the live view's frame, so it implies plain lines. */
  readonly verbose: boolean;
  /** Whether stdout is a terminal (process.stdout.isTTY). */
  readonly isTTY: boolean;
  /** The environment; CI set to anything but "" , "0" or "false" means a CI machine. */
  readonly env: NodeJS.ProcessEnv;
}

/** The live view appears only on a terminal, outside CI, without --no-tui or --verbose; otherwise plain lines. */
export function liveViewWanted(c: LiveViewConditions): boolean {
  const ci = c.env.CI !== undefined && !["", "0", "false"].includes(c.env.CI.toLowerCase());
  return c.isTTY && !ci && !c.noTui && !c.verbose;
}
