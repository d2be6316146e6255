#!/usr/bin/env node
// The inferwatt command. Runs the compiled JavaScript in dist/ (built by `npm ci` through the prepare
// script, or `npm run build`); INFERWATT_SOURCES=1 (`npm run dev -- <args>`) runs the TypeScript
// sources through tsx instead, as does a checkout not built yet.
import { existsSync } from "node:fs";

// `inferwatt ... | head` closes the pipe early: that is not an error.
process.stdout.on("error", (e) => {
  if (e.code === "EPIPE") process.exit(0);
  throw e;
});
const compiled = new URL("../dist/", import.meta.url);
const fromSources = process.env.INFERWATT_SOURCES === "1" || !existsSync(new URL("sim/cli/main.js", compiled));
if (fromSources) (await import("tsx/esm/api")).register();
const root = fromSources ? new URL("../", import.meta.url) : compiled;
const ext = fromSources ? "ts" : "js";
// a larger inlining budget for the event loop (sim/engine/v8-tuning.ts); before any simulation code runs
const { tuneV8 } = await import(new URL(`sim/engine/v8-tuning.${ext}`, root).href);
tuneV8();
// React's production build for the live view: its development build checks every render, and costs the simulation time
process.env.NODE_ENV ??= "production";
const { main } = await import(new URL(`sim/cli/main.${ext}`, root).href);
process.exitCode = await main(process.argv.slice(2));
