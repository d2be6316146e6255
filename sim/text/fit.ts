// Fitting the live view's lines to the terminal's width: a line that wraps in the terminal breaks
// mid-word and lands under the labels (ink wraps at the width it is given, anywhere).

/**
 * Parts joined by `sep` into as few lines as fit in `width` columns each (a part longer than the
 * width gets a line of its own). Width Infinity: one line.
 */
export function fitParts(parts: readonly string[], sep: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const part of parts) {
    if (line === "") line = part;
    else if (line.length + sep.length + part.length <= width) line += sep + part;
    else {
      lines.push(line);
      line = part;
    }
  }
  if (line !== "" || lines.length === 0) lines.push(line);
  return lines;
}

/**
 * Words of `text` on lines of at most `width` columns, the first line after `first`, the others after
 * `indent` (a word longer than that gets a line of its own). Breaks only at plain spaces (a no-break
 * space keeps two words together); runs of spaces become one, or with `keepRuns` stay as typed.
 */
export function wrapWords(text: string, first: string, indent: string, width: number, keepRuns = false): string[] {
  const words = keepRuns ? text.split(" ") : text.split(/ +/).filter(Boolean);
  const out: string[] = [];
  let cur = first;
  let started = false;
  for (const word of words) {
    if (started && word !== "" && cur.trim() !== "" && cur.length + 1 + word.length > width) {
      // a run of spaces kept up to the break would end the line past the width
      out.push(keepRuns ? cur.trimEnd() : cur);
      cur = indent + word;
    } else cur += (started ? " " : "") + word;
    started = true;
  }
  out.push(cur);
  return out;
}

/**
 * A summary line "  label       text" wrapped at spaces to `width` columns, its continuation lines
 * indented to where the text starts (the first run of two or more spaces after the label ends it).
 */
export function wrapHanging(line: string, width: number): string[] {
  if (line.length <= width) return [line];
  const m = /^(\s*\S+(?: \S+)*\s{2,})/.exec(line);
  const indent = m && m[1].length < width / 2 ? m[1].length : 0;
  return wrapWords(line.slice(indent), line.slice(0, indent), " ".repeat(indent), width);
}
