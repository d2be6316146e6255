#!/usr/bin/env node
// The inferwatt command: loads the TypeScript sources through tsx, so `npm ci` is the only setup.
import { register } from "tsx/esm/api";

register();
const { main } = await import("../sim/cli/main.ts");
process.exitCode = await main(process.argv.slice(2));
