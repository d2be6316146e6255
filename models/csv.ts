import { readFileSync } from "node:fs";

/** Rows of a small CSV file with a header line; cells trimmed. Quoted fields may hold commas, line breaks and doubled quotes (RFC 4180). */
export function readCsv(path: string): Record<string, string>[] {
  const [header, ...body] = parseCsv(readFileSync(path, "utf8"));
  const names = header.map((h) => h.trim());
  return body.map((cells) => {
    const row: Record<string, string> = {};
    names.forEach((h, i) => (row[h] = (cells[i] ?? "").trim()));
    return row;
  });
}

/** RFC 4180 records; blank lines are skipped. */
function parseCsv(s: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  const endRow = () => {
    row.push(field);
    if (row.length > 1 || row[0].trim() !== "") rows.push(row);
    row = [];
    field = "";
  };
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (quoted) {
      if (c === '"' && s[i + 1] === '"') (field += '"'), i++;
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") row.push(field), (field = "");
    else if (c === "\n" || c === "\r") {
      if (c === "\r" && s[i + 1] === "\n") i++;
      endRow();
    } else field += c;
  }
  if (field !== "" || row.length > 0) endRow();
  return rows;
}
