import { parseArgs, type ParseArgsConfig } from "node:util";
import { UsageError } from "../scenario/errors.ts";
import { didYouMean } from "../scenario-file/did-you-mean.ts";

/** A whole number >= min from a flag's text, or a UsageError naming the flag. */
export function parseIntFlag(flag: string, text: string | undefined, min: number): number | undefined {
  if (text === undefined) return undefined;
  const v = Number(text);
  if (!Number.isInteger(v) || v < min) throw new UsageError(`${flag}: got "${text}"; expected a whole number >= ${min}`);
  return v;
}

/**
 * node:util parseArgs, with an unknown flag reported as a UsageError that names the close known one
 * and lists them all (`unknown option --shard (did you mean --shards?); expected one of --out, ...`),
 * a flag without its value as `--out: got nothing; expected a value after it`, a switch given one as
 * `--json: got a value; expected none`.
 */
export function parseFlags<T extends ParseArgsConfig>(config: T): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (e) {
    const code = (e as { code?: string }).code;
    const flag = /'(-[^' ]+)/.exec((e as Error).message)?.[1] ?? String(e);
    if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE") {
      if (/does not take an argument/.test((e as Error).message)) throw new UsageError(`${flag}: got a value; expected none (${flag} is a switch)`);
      if (/ambiguous/.test((e as Error).message)) throw new UsageError(`${flag}: got a value starting with "-"; expected it written ${flag}=<value>`);
      throw new UsageError(`${flag}: got nothing; expected a value after it`);
    }
    if (code !== "ERR_PARSE_ARGS_UNKNOWN_OPTION") throw e;
    const known = Object.keys(config.options ?? {}).map((k) => `--${k}`);
    const guess = didYouMean(flag.replace(/^-+/, ""), known.map((k) => k.slice(2)));
    throw new UsageError(`unknown option ${flag}${guess ? ` (did you mean --${guess}?)` : ""}; expected one of ${known.join(", ")}`);
  }
}
