// npm run build (npm ci runs it as `prepare`): sim/ and models/ compiled to JavaScript in dist/, which
// bin/inferwatt.js and the worker threads run without a TypeScript loader. Each file on its own (as tsx
// does: no type check, that is `npm run typecheck`), and only the files changed since their last build;
// outputs whose source is gone are removed. Plain JavaScript, so it runs before anything is compiled.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const OUT = join(ROOT, "dist");
const FOLDERS = ["sim", "models"];

/** TypeScript's options for the build (loaded only when a file needs compiling: the check alone is quick). */
const compilerOptions = (ts) => ({
  ...ts.parseJsonConfigFileContent(ts.readConfigFile(join(ROOT, "tsconfig.json"), ts.sys.readFile).config, ts.sys, ROOT).options,
  noEmit: false,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  // `import ... from "./x.ts"` becomes "./x.js", dynamic import("./x.ts") too
  rewriteRelativeImportExtensions: true,
  sourceMap: false,
  declaration: false,
});

function sources(folder) {
  return readdirSync(join(ROOT, folder), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.tsx?$/.test(e.name) && !e.name.endsWith(".d.ts"))
    .map((e) => join(e.parentPath, e.name));
}

const outputOf = (src) => join(OUT, relative(ROOT, src)).replace(/\.tsx?$/, ".js");

const wanted = new Set();
const stale = [];
for (const src of FOLDERS.flatMap(sources)) {
  const out = outputOf(src);
  wanted.add(out);
  if (!existsSync(out) || statSync(out).mtimeMs < statSync(src).mtimeMs) stale.push(src);
}
const ts = stale.length > 0 ? (await import("typescript")).default : null;
const options = ts && compilerOptions(ts);
let built = 0;
for (const src of stale) {
  const out = outputOf(src);
  const { outputText, diagnostics } = ts.transpileModule(readFileSync(src, "utf8"), { compilerOptions: options, fileName: src, reportDiagnostics: true });
  if (diagnostics?.length) {
    console.error(ts.formatDiagnostics(diagnostics, { getCanonicalFileName: (f) => f, getCurrentDirectory: () => ROOT, getNewLine: () => "\n" }));
    process.exit(1);
  }
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, outputText);
  built++;
}
let removed = 0;
for (const folder of FOLDERS.filter((f) => existsSync(join(OUT, f)))) {
  for (const e of readdirSync(join(OUT, folder), { withFileTypes: true, recursive: true })) {
    const file = join(e.parentPath, e.name);
    if (e.isFile() && !wanted.has(file)) {
      rmSync(file);
      removed++;
    }
  }
}
if (built + removed > 0 || process.argv.includes("--verbose"))
  console.error(`inferwatt build: ${built} file(s) compiled, ${removed} removed, into ${relative(process.cwd(), OUT) || "."}`);
