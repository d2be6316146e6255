import { fileURLToPath } from "node:url";
import { join } from "node:path";

/** models/data: the shipped tables and hardware profiles (compiled, this module is dist/models/data-dir.js: the data stays in models/). */
export const DATA_DIR = fileURLToPath(new URL(import.meta.url.endsWith(".js") ? "../../models/data/" : "./data/", import.meta.url));

export function dataFile(name: string): string {
  return join(DATA_DIR, name);
}
