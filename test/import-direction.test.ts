// The folders depend one way: a folder imports only from folders in layers below its own; models/
// never imports sim/. Checks every import of every source file (static, export-from, dynamic).
import { readdirSync, readFileSync } from "node:fs";
import { join, posix, relative } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

/** Top to bottom; folders in one layer do not import each other. */
const LAYERS: readonly (readonly string[])[] = [
  ["sim/cli"], // the commands
  ["sim/tui"], // the live view and the plain terminal lines
  ["sim/jobs"], // executing a scenario: workers, shards, replications
  ["sim/report"], // the results folder: summary, csv, report.html
  ["sim/engine"], // the event loop
  ["sim/scenario-file"], // reading, checking and resolving a scenario file (a trace is scanned by its arrival stream)
  ["sim/fleet", "sim/arrivals"],
  ["sim/scenario"], // a scenario's types and errors, sharding a scenario
  ["sim/text", "sim/stats"], // leaves: text layout, the histogram
  ["models"], // the physics and the paper; never imports sim/
];

/** The layer folder a repository path belongs to (sim/<folder> or models), or null. */
export function folderOf(path: string): string | null {
  const parts = path.split("/");
  if (parts[0] === "models") return "models";
  if (parts[0] === "sim" && parts.length > 2) return `sim/${parts[1]}`;
  return null;
}

function layerOf(folder: string): number {
  return LAYERS.findIndex((l) => l.includes(folder));
}

/**
 * Why `file` (a repository path) may not import `spec`, or null when it may. Package imports are
 * not checked; a relative import must land in a folder of the table.
 */
export function importProblem(file: string, spec: string): string | null {
  if (!spec.startsWith(".")) return null;
  const from = folderOf(file);
  const target = posix.normalize(posix.join(posix.dirname(file), spec));
  const to = folderOf(target);
  if (from === null || layerOf(from) < 0) return `${file}: its folder is not in the layer table (test/import-direction.test.ts)`;
  if (to === null || layerOf(to) < 0) return `${file} imports ${spec}: ${target} is in no folder of the layer table`;
  if (from === to) return null;
  if (from === "models" && to.startsWith("sim/")) return `${file} imports ${spec}: models/ never imports sim/`;
  if (layerOf(to) === layerOf(from)) return `${file} imports ${spec}: ${from} and ${to} are in one layer and do not import each other`;
  if (layerOf(to) < layerOf(from)) return `${file} imports ${spec}: ${from} may not import ${to}, a folder above it`;
  return null;
}

function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.(ts|tsx|js)$/.test(e.name))
    .map((e) => relative(ROOT, join(e.parentPath, e.name)).split("\\").join("/"));
}

/** Every module specifier of a file: imports, export-from, import type, dynamic import("...") with a literal. */
function importsOf(file: string): string[] {
  const text = readFileSync(join(ROOT, file), "utf8");
  return ts.preProcessFile(text, true, true).importedFiles.map((f) => f.fileName);
}

describe("import direction", () => {
  it("the rule rejects an upward import, a sideways one in a layer, and models/ importing sim/", () => {
    expect(importProblem("sim/engine/x.ts", "../cli/y.ts")).toMatch(/sim\/engine may not import sim\/cli/);
    expect(importProblem("sim/scenario/x.ts", "../arrivals/y.ts")).toMatch(/may not import sim\/arrivals/);
    expect(importProblem("sim/fleet/x.ts", "../arrivals/y.ts")).toMatch(/one layer/);
    expect(importProblem("models/paper/x.ts", "../../sim/stats/y.ts")).toMatch(/models\/ never imports sim\//);
    expect(importProblem("sim/nowhere/x.ts", "../engine/y.ts")).toMatch(/not in the layer table/);
    // and lets the right ones through
    expect(importProblem("sim/cli/x.ts", "../engine/y.ts")).toBeNull();
    expect(importProblem("sim/engine/x.ts", "../../models/y.ts")).toBeNull();
    expect(importProblem("sim/engine/x.ts", "./y.ts")).toBeNull();
    expect(importProblem("models/paper/x.ts", "../stats.ts")).toBeNull();
    expect(importProblem("sim/engine/x.ts", "node:fs")).toBeNull();
  });

  it("finds the imports of each kind", () => {
    const text = `import a from "../a.ts"; import type { B } from "../b.ts"; export { c } from "../c.ts";\nconst d = await import("../d.ts"); import "../e.ts";`;
    expect(ts.preProcessFile(text, true, true).importedFiles.map((f) => f.fileName).sort()).toEqual(["../a.ts", "../b.ts", "../c.ts", "../d.ts", "../e.ts"]);
  });

  it("every folder of sim/ with sources is in the table", () => {
    const folders = new Set(sources("sim").map((f) => folderOf(f) ?? f));
    expect([...folders].filter((f) => layerOf(f) < 0)).toEqual([]);
  });

  it("no file in sim/ or models/ imports a folder above its own", () => {
    const problems: string[] = [];
    for (const file of [...sources("sim"), ...sources("models")]) {
      for (const spec of importsOf(file)) {
        const p = importProblem(file, spec);
        if (p) problems.push(p);
      }
    }
    expect(problems).toEqual([]);
  });
});
