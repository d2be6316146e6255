/**
 * The user's input is wrong (a flag, a folder, a command): printed as one clear message, exit code 2,
 * no stack trace. A wrong scenario file is a ScenarioError.
 */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

/** One thing wrong with a scenario: where (a key path like `pools.0.nodes`, or a line) and what. */
export interface Problem {
  /** Dot-separated key path, array indices as numbers; "" for the whole file. */
  readonly path: string;
  /** `got <value>; expected <what>`, or the YAML parser's message. */
  readonly message: string;
  /** 1-based position, for YAML syntax errors only. */
  readonly line?: number;
  readonly column?: number;
  /** Where the wrong value came from when not the file itself (`--set on <file>`). */
  readonly source?: string;
}

/** A scenario the user must fix; the message lists every problem found, one per line. */
export class ScenarioError extends Error {
  constructor(
    readonly file: string,
    readonly problems: readonly Problem[],
  ) {
    super(problems.map((p) => problemLine(file, p)).join("\n"));
    this.name = "ScenarioError";
  }
}

function problemLine(file: string, p: Problem): string {
  if (p.source !== undefined) file = p.source;
  if (p.line !== undefined) return `${file}:${p.line}:${p.column ?? 1}: ${p.message}`;
  return p.path === "" ? `${file}: ${p.message}` : `${file}: ${p.path}: ${p.message}`;
}

/** `got <value>; expected <what>`: the shape of every problem message. */
export function gotExpected(value: unknown, expected: string): string {
  return `got ${showValue(value)}; expected ${expected}`;
}

/** A value as the user wrote it, short: strings quoted, objects as compact JSON. */
export function showValue(value: unknown): string {
  if (value === undefined) return "nothing";
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

export function joinPath(path: readonly PropertyKey[]): string {
  return path.map(String).join(".");
}

/** The value at `path` inside a parsed YAML tree, or undefined where the path leads nowhere. */
export function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let node = root;
  for (const key of path) {
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<PropertyKey, unknown>)[key];
  }
  return node;
}

/**
 * A trace (workload.trace) that cannot be replayed: names the trace file and, for a bad row, its
 * line (and the column where reading it failed). A ScenarioError, so the command exits with code 2.
 */
export class TraceError extends ScenarioError {
  constructor(
    file: string,
    message: string,
    readonly line?: number,
    readonly column?: number,
  ) {
    super(file, [{ path: "", message, line, column }]);
    this.name = "TraceError";
  }
}
