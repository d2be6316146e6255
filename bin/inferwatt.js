#!/usr/bin/env node
// The inferwatt command: loads the TypeScript sources through tsx, so `npm ci` is the only setup.
import { register } from "tsx/esm/api";

// `inferwatt ... | head` closes the pipe early: that is not an error.
process.stdout.on("error", (e) => {
  if (e.code === "EPIPE") process.exit(0);
  throw e;
});
register();
// a larger inlining budget for the event loop (sim/engine/v8-tuning.ts); before any simulation code runs
const { tuneV8 } = await import("../sim/engine/v8-tuning.ts");
tuneV8();
// React's production build for the live view: its development build checks every render, and costs the simulation time
process.env.NODE_ENV ??= "production";
const { main } = await import("../sim/cli/main.ts");
process.exitCode = await main(process.argv.slice(2));
