const UNIT_S: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: 86400 };

/** Seconds from a duration like "90m", "24h", "3600s", "1.5h", "2d", or a number of seconds. */
export function parseDurationS(value: string | number): number {
  if (typeof value === "number") {
    if (Number.isFinite(value) && value >= 0) return value;
    throw new RangeError(`invalid duration ${value}: expected a number of seconds >= 0`);
  }
  const match = /^\s*(\d+(?:\.\d*)?|\.\d+)\s*([smhd]?)\s*$/.exec(String(value));
  if (!match) throw new RangeError(`invalid duration "${value}": expected a number with a unit s, m, h or d, like "90m" or "1.5h"`);
  return Number(match[1]) * UNIT_S[match[2] || "s"];
}
