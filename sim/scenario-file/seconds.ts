import { parseDurationS } from "../../models/duration.ts";
import { gotExpected, type Problem } from "../scenario/errors.ts";

/** A duration key in seconds; a problem naming `path` (and NaN) when it does not parse. */
export function seconds(value: string | number, path: string, problems: Problem[], positive: boolean): number {
  const expected = `a duration${positive ? " > 0" : ""} such as "24h", "90m" or "3600s", or a number of seconds`;
  try {
    const s = parseDurationS(value);
    if (!positive || s > 0) return s;
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
  }
  problems.push({ path, message: gotExpected(value, expected) });
  return NaN;
}
