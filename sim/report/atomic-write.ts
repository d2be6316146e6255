import { renameSync, writeFileSync } from "node:fs";

/** Writes a file under a temporary name, then renames it: no reader ever sees half a file. */
export function writeFileAtomic(path: string, data: string): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}
