import { fileURLToPath } from "node:url";
import { join } from "node:path";

/** models/data: the shipped tables and hardware profiles. */
export const DATA_DIR = fileURLToPath(new URL("./data/", import.meta.url));

export function dataFile(name: string): string {
  return join(DATA_DIR, name);
}
