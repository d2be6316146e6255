import { LineCounter, parseDocument } from "yaml";
import { ScenarioError, type Problem } from "../scenario/errors.ts";

/** The YAML tree of `text`; syntax errors (all of them) become a ScenarioError with line and column. */
export function parseYamlText(text: string, file: string): unknown {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  if (doc.errors.length > 0) {
    const problems: Problem[] = doc.errors.map((e) => {
      const { line, col } = lines.linePos(e.pos[0]);
      return { path: "", line, column: col, message: `YAML syntax: ${e.message}` };
    });
    throw new ScenarioError(file, problems);
  }
  try {
    // toJS resolves aliases: an alias to no anchor (`*x`) or an alias loop throws here, not above
    return doc.toJS({ maxAliasCount: 1000 });
  } catch (e) {
    throw new ScenarioError(file, [{ path: "", message: `YAML: ${(e as Error).message}` }]);
  }
}
