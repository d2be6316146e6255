import { esc, frame, svgOpen } from "./svg.ts";

/** A colour from light yellow (t = 0) to dark blue (t = 1), through green: readable in grey too. */
export function heatColour(t: number): string {
  const stops = [
    [255, 255, 204],
    [65, 182, 196],
    [37, 52, 148],
  ];
  const u = Math.min(Math.max(t, 0), 1) * (stops.length - 1);
  const k = Math.min(Math.floor(u), stops.length - 2);
  const c = stops[k].map((v, j) => Math.round(v + (stops[k + 1][j] - v) * (u - k)));
  return `rgb(${c.join(",")})`;
}

/** An output over a two-key grid: rows the first key's values, columns the second's, each cell coloured and labelled; an empty cell is a run not done. */
export function heatMap(rowsKey: string, rowValues: readonly unknown[], colsKey: string, colValues: readonly unknown[], cells: readonly (readonly (number | null)[])[], title: string, digits = 3): string {
  const cellW = Math.max(40, Math.min(110, 640 / colValues.length));
  const cellH = Math.max(18, Math.min(40, 360 / rowValues.length));
  const f = frame(130 + cellW * colValues.length + 30, 36 + 40 + cellH * rowValues.length + 30, { left: 130, right: 30, top: 76, bottom: 30 });
  const values = cells.flat().filter((v): v is number => v !== null);
  const [lo, hi] = [Math.min(...values), Math.max(...values)];
  const show = (v: unknown) => esc(typeof v === "string" ? v : JSON.stringify(v));
  const grid = rowValues.flatMap((rv, i) =>
    colValues.map((cv, j) => {
      const v = cells[i][j];
      const t = v === null || !(hi > lo) ? 0.5 : (v - lo) / (hi - lo);
      const [cx, cy] = [f.left + j * cellW, f.top + i * cellH];
      return (
        `<rect x="${cx.toFixed(1)}" y="${cy.toFixed(1)}" width="${cellW.toFixed(1)}" height="${cellH.toFixed(1)}" fill="${v === null ? "#eee" : heatColour(t)}" stroke="#fff">` +
        `<title>${show(rv)}, ${show(cv)}: ${v === null ? "not done" : v.toPrecision(4)}</title></rect>` +
        `<text x="${(cx + cellW / 2).toFixed(1)}" y="${(cy + cellH / 2 + 4).toFixed(1)}" text-anchor="middle" fill="${t > 0.55 ? "#fff" : "#000"}">${v === null ? "-" : v.toFixed(digits)}</text>`
      );
    }),
  );
  const rowLabels = rowValues.map((rv, i) => `<text x="${f.left - 6}" y="${(f.top + i * cellH + cellH / 2 + 4).toFixed(1)}" text-anchor="end">${show(rv)}</text>`);
  const colLabels = colValues.map((cv, j) => `<text x="${(f.left + j * cellW + cellW / 2).toFixed(1)}" y="${f.top - 6}" text-anchor="middle">${show(cv)}</text>`);
  return (
    svgOpen(f, title) +
    `<text x="${f.left}" y="${f.top - 24}">columns: ${esc(colsKey)}; rows: ${esc(rowsKey)}</text>` +
    grid.join("") +
    rowLabels.join("") +
    colLabels.join("") +
    "</svg>"
  );
}
