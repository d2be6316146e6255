// Numbers as every view prints them (the command's plain output and the live view).

export function clock(s: number): string {
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return `${String(h).padStart(2, "0")}:${String(m).padStart(2, "0")}`;
}

export function si(v: number): string {
  if (!Number.isFinite(v)) return "-";
  const a = Math.abs(v);
  if (a >= 1e9) return (v / 1e9).toFixed(2) + "G";
  if (a >= 1e6) return (v / 1e6).toFixed(2) + "M";
  if (a >= 1e3) return (v / 1e3).toFixed(1) + "k";
  return v.toFixed(0);
}

export function wallTime(s: number): string {
  if (!Number.isFinite(s)) return "-";
  return s < 60 ? `${s.toFixed(0)} s` : `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}

/** Megawatts from watts, as every view prints them: 2 decimals below 10 MW, 1 below 100, none above. */
export function mwText(w: number): string {
  return Number.isFinite(w) ? (w / 1e6).toFixed(w >= 1e8 ? 0 : w >= 1e7 ? 1 : 2) : "-";
}
