/** The user's input is wrong: printed as one clear message, exit code 2, no stack trace. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

/** A whole number >= min from a flag's text, or a UsageError naming the flag. */
export function parseIntFlag(flag: string, text: string | undefined, min: number): number | undefined {
  if (text === undefined) return undefined;
  const v = Number(text);
  if (!Number.isInteger(v) || v < min) throw new UsageError(`${flag}: got "${text}"; expected a whole number >= ${min}`);
  return v;
}
