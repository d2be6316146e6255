// The physical node's phase split and KV fill as text: the live view, the compare rows and the plain lines.

/** Prefill, decode and idle, each a share of their sum; null when the sum is not positive (nothing yet). */
export interface PhaseShares {
  readonly prefill: number;
  readonly decode: number;
  readonly idle: number;
}

export function phaseShares(prefillWh: number, decodeWh: number, idleWh: number): PhaseShares | null {
  const total = prefillWh + decodeWh + idleWh;
  return total > 0 && Number.isFinite(total) ? { prefill: prefillWh / total, decode: decodeWh / total, idle: idleWh / total } : null;
}

export const percent = (v: number | null | undefined) => (v === null || v === undefined || !Number.isFinite(v) ? "-" : `${(100 * v).toFixed(0)}%`);

/** The phases in order, each with its bar character and colour (characters that differ without colour too). */
export const PHASES = [
  { key: "prefill", label: "prefill", char: "█", color: "magenta" },
  { key: "decode", label: "decode", char: "▓", color: "yellow" },
  { key: "idle", label: "idle", char: "░", color: "gray" },
] as const;

/** "prefill 20% · decode 65% · idle 15%" (or "short": "prefill 20% decode 65% idle 15%"). */
export function phaseText(s: PhaseShares | null, sep = " · "): string {
  return PHASES.map((ph) => `${ph.label} ${percent(s ? s[ph.key] : null)}`).join(sep);
}

export const kvText = (fill: number | null | undefined) => `KV ${percent(fill)} full`;
