import { spawn } from "node:child_process";

const ROOT = new URL("..", import.meta.url);

/**
 * Starts `inferwatt <args>` (CI set: plain progress lines), sends `signal` once its first progress
 * line is out, and resolves with the exit code and everything it printed. Only one signal: a second
 * Ctrl+C quits at once.
 */
export function interruptAfterProgress(args: string[], signal: NodeJS.Signals): Promise<{ code: number | null; stdout: string }> {
  const child = spawn(process.execPath, ["bin/inferwatt.js", ...args], { cwd: ROOT, env: { ...process.env, CI: "true" } });
  let stdout = "";
  let sent = false;
  child.stdout.on("data", (d) => {
    stdout += d;
    if (!sent && stdout.includes("] simulated")) sent = child.kill(signal);
  });
  return new Promise((resolve) => child.on("exit", (code) => resolve({ code, stdout })));
}
