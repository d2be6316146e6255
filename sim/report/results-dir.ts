import { accessSync, constants, existsSync, mkdirSync, readdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { UsageError } from "../scenario/errors.ts";

/** 20261130T011200Z: sortable, and safe in a folder name on every system. */
export function utcStamp(d = new Date()): string {
  return d.toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");
}

/**
 * The folder a run writes into, created empty. `out` given: it must not exist or be empty (a run never
 * overwrites another), unless `force` (--force): then the run's files replace same-named ones there.
 * Otherwise results/<name>-<UTC time>, with -2, -3... if two runs start in one second.
 */
export function makeResultsDir(name: string, out: string | undefined, root = "results", force = false): string {
  if (out !== undefined) {
    if (out === "") throw new UsageError(`--out: got an empty name; expected a folder`);
    try {
      if (!force && existsSync(out) && readdirSync(out).length > 0) {
        throw new UsageError(`--out: "${out}" exists and is not empty; a run never overwrites another (name a new folder, or add --force)`);
      }
      makeDirs(out);
      // an existing (empty) folder is not created, so nothing above checked that it can be written
      accessSync(out, constants.W_OK);
    } catch (e) {
      throw unusable("--out", out, e);
    }
    return out;
  }
  try {
    makeDirs(root);
    accessSync(root, constants.W_OK);
  } catch (e) {
    throw unusable("the results folder", root, e);
  }
  const base = join(root, `${name.replace(/[^A-Za-z0-9._-]/g, "_")}-${utcStamp()}`);
  for (let i = 1; ; i++) {
    const dir = i === 1 ? base : `${base}-${i}`;
    try {
      mkdirSync(dir);
      return dir;
    } catch (e) {
      // taken by a run started in the same second: the next name
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw unusable("the results folder", dir, e);
    }
  }
}

/**
 * mkdir -p, one level at a time: Node's recursive mkdir never returns where a folder exists but
 * refuses new entries with ENOENT (/proc, /sys), so `--out /proc/x` hung. The path is walked as
 * typed (x/../y needs x), and a folder made meanwhile by another run is fine.
 */
function makeDirs(dir: string): void {
  if (existsSync(dir) && !statSync(dir).isDirectory()) throw Object.assign(new Error(`${dir} is a file`), { code: "ENOTDIR" });
  const missing: string[] = [];
  for (let d = dir; !existsSync(d); d = dirname(d)) {
    missing.push(d);
    if (dirname(d) === d) break;
  }
  for (let i = missing.length - 1; i >= 0; i--) {
    try {
      mkdirSync(missing[i]);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === "EEXIST" && statSync(missing[i]).isDirectory()) continue;
      // the folder above exists, yet "no such file": the system allows no folder there
      if (code === "ENOENT" && existsSync(dirname(missing[i]))) throw Object.assign(new Error(`cannot make ${missing[i]}`), { code: "NOFOLDERHERE" });
      throw e;
    }
  }
}

/** A folder that cannot be made or written, as a UsageError naming it and why (a UsageError passes through). */
function unusable(what: string, dir: string, e: unknown): Error {
  const code = (e as NodeJS.ErrnoException).code;
  if (e instanceof UsageError || code === undefined) return e as Error;
  const why =
    code === "ENOTDIR" || code === "EEXIST"
      ? "it or a folder above it is a file"
      : code === "EACCES" || code === "EPERM" || code === "EROFS"
        ? "no permission to write there"
        : code === "NOFOLDERHERE"
          ? "the system lets no folder be made there"
          : (e as Error).message;
  return new UsageError(`${what}: cannot use the folder "${dir}": ${why}; expected a new or empty folder that can be written`);
}
