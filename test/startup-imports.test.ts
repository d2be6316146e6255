// What a command loads before it does anything: the static imports reachable from its module (dynamic
// import() loads later, when a command needs it). The help must not load ink, react, zod or the report
// writers; validate must not load the live view or the report writers. (Timing: npm run bench:startup.)
import { readFileSync } from "node:fs";
import { posix } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

/** Static import and export-from specifiers of a file (type-only ones are erased, so left out). */
function staticImports(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(ROOT + file, "utf8"), ts.ScriptTarget.Latest);
  const specs: string[] = [];
  for (const s of source.statements) {
    if (ts.isImportDeclaration(s) && !s.importClause?.isTypeOnly && ts.isStringLiteral(s.moduleSpecifier)) specs.push(s.moduleSpecifier.text);
    if (ts.isExportDeclaration(s) && !s.isTypeOnly && s.moduleSpecifier && ts.isStringLiteral(s.moduleSpecifier)) specs.push(s.moduleSpecifier.text);
  }
  return specs;
}

/** Every source file and package reached from `entry` through static imports. */
function closure(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    for (const spec of staticImports(file)) {
      if (spec.startsWith(".")) visit(posix.normalize(posix.join(posix.dirname(file), spec)));
      else if (!spec.startsWith("node:")) packages.add(spec.startsWith("@") ? spec.split("/").slice(0, 2).join("/") : spec.split("/")[0]);
    }
  };
  visit(entry);
  return { files, packages };
}

describe("start-up imports", () => {
  it("inferwatt, help and --help load no command and no heavy package", () => {
    const { files, packages } = closure("sim/cli/main.ts");
    expect([...packages]).toEqual([]);
    expect([...files].filter((f) => /-command\.ts$|\/report\/|\/tui\/|-live\.tsx$/.test(f))).toEqual([]);
  });

  it("validate loads neither the live view nor the report writers nor the engine", () => {
    const { files, packages } = closure("sim/cli/scenario-commands.ts");
    expect([...packages].filter((p) => ["ink", "react", "pino"].includes(p))).toEqual([]);
    expect([...files].filter((f) => /\/(report|tui|engine|jobs)\/|\.tsx$/.test(f))).toEqual([]);
  });

  it("the closure follows static imports (a check of the check)", () => {
    const { files, packages } = closure("sim/cli/run-command.ts");
    expect(files.has("sim/jobs/run-in-worker.ts")).toBe(true);
    expect(files.has("sim/cli/run-live.tsx")).toBe(false); // loaded by import() when the live view is shown
    expect(packages.has("zod")).toBe(true);
  });
});
