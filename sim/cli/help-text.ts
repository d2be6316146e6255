// Help texts reflowed to a width (80 columns by default, the usual terminal): the usages are written
// once, with long lines, and laid out here.
import { wrapWords } from "../text/fit.ts";

/** The usage line "inferwatt run <file> [--a] [--b] ..." wrapped before a "[" or "<", continuing under the first argument. */
function wrapSynopsis(line: string, width: number): string[] {
  const m = /^(inferwatt \S+ )/.exec(line);
  if (!m || line.length <= width) return [line];
  const indent = " ".repeat(m[1].length);
  const parts = line.slice(m[1].length).split(/ (?=[[<])/);
  const out: string[] = [];
  let cur = m[1] + parts[0];
  for (const part of parts.slice(1)) {
    if (cur.length + 1 + part.length > width) {
      out.push(cur);
      cur = indent + part;
    } else cur += " " + part;
  }
  out.push(cur);
  return out;
}

/**
 * A command's usage reflowed to `width`: the synopsis (first line) wrapped between its arguments; a
 * paragraph (lines indented by two spaces) re-wrapped; a flag's description ("  --flag X   text" and
 * the lines indented to its text) re-wrapped under its text. Blank lines stay.
 */
export function reflowUsage(usage: string, width = 80): string {
  const [synopsis, ...lines] = usage.split("\n");
  const out = wrapSynopsis(synopsis, width);
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    const flag = /^(\s+-\S+(?: \S+)?\s{2,})(\S.*)$/.exec(line);
    if (flag) {
      const indent = " ".repeat(flag[1].length);
      let text = flag[2];
      for (i++; i < lines.length && lines[i].startsWith(indent) && lines[i].trim() !== ""; i++) text += " " + lines[i].trim();
      out.push(...wrapWords(text, flag[1], indent, width));
      continue;
    }
    const prose = /^(\s+)(\S.*)$/.exec(line);
    if (prose) {
      const indent = prose[1];
      let text = prose[2];
      for (i++; i < lines.length && /^\s+\S/.test(lines[i]) && !/^\s+-\S/.test(lines[i]) && lines[i].startsWith(indent); i++) text += " " + lines[i].trim();
      out.push(...wrapWords(text, indent, indent, width));
      continue;
    }
    out.push(line);
    i++;
  }
  // printed as plain spaces: an example copied from the help must work in a shell
  return out.join("\n").replaceAll("\u00a0", " ");
}
