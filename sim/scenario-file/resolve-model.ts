import { paperTpsModels, type TpsModel } from "../../models/throughput.ts";
import { didYouMean } from "./did-you-mean.ts";
import { gotExpected, type Problem } from "../scenario/errors.ts";
import type { RawPhysicalModel } from "./resolve-physical.ts";
import type { RawPool } from "./schema.ts";

/**
 * A pool's model on the paper's regression: a fitted model of the throughput table by name, or an inline
 * regression or constant (a catalog architecture is the physical node: resolve-physical.ts).
 */
export function resolveModel(raw: Exclude<RawPool["model"], RawPhysicalModel>, path: string, problems: Problem[]): { name: string; tps: TpsModel } | undefined {
  if (typeof raw !== "string") {
    const t = raw.tps;
    const tps: TpsModel = "constant" in t ? { kind: "constant", tokensPerS: t.constant } : { kind: "regression", b0: t.b0, b1: t.b1, b2: t.b2, capTokensPerS: t.cap };
    return { name: raw.name, tps };
  }
  const tps = paperTpsModels().get(raw);
  if (tps) return { name: raw, tps };
  const known = [...paperTpsModels().keys()];
  const guess = didYouMean(raw, known);
  const hint = guess ? ` (did you mean "${guess}"?)` : "";
  problems.push({ path, message: gotExpected(raw, `a model of the throughput table: one of ${known.join(", ")}${hint}; or an inline { name, tps }`) });
  return undefined;
}
