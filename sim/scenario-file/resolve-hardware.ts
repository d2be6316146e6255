import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parse as parseYaml } from "yaml";
import { applyHardwareOverrides, knownHardwareProfiles, loadHardwareProfile } from "../../models/hardware.ts";
import type { HardwareProfile } from "../../models/hardware-types.ts";
import { didYouMean } from "./did-you-mean.ts";
import { gotExpected, type Problem } from "../scenario/errors.ts";
import type { RawPool } from "./schema.ts";

/**
 * A pool's hardware: a shipped profile by name, one with field overrides ({ base, ...fields }), or a
 * file relative to the scenario's folder holding the same ({ base: name, ...fields }).
 * Problems go to `problems`; the result is undefined when there were any.
 */
export function resolveHardware(raw: RawPool["hardware"], path: string, dir: string, problems: Problem[]): HardwareProfile | undefined {
  if (typeof raw === "string") return shippedProfile(raw, path, problems);
  if (!("base" in raw)) return profileFile(raw.file, `${path}.file`, dir, problems);
  const { base, ...overrides } = raw;
  const profile = shippedProfile(base, `${path}.base`, problems);
  return profile && withOverrides(profile, overrides, (key) => `${path}.${key}`, problems);
}

function shippedProfile(name: string, path: string, problems: Problem[]): HardwareProfile | undefined {
  const known = knownHardwareProfiles();
  if (known.includes(name)) return loadHardwareProfile(name);
  const guess = didYouMean(name, known);
  const hint = guess ? ` (did you mean "${guess}"?)` : "";
  problems.push({ path, message: gotExpected(name, `a hardware profile: one of ${known.join(", ")}${hint}`) });
  return undefined;
}

function profileFile(file: string, path: string, dir: string, problems: Problem[]): HardwareProfile | undefined {
  const full = resolve(dir, file);
  let doc: unknown;
  try {
    doc = existsSync(full) ? parseYaml(readFileSync(full, "utf8")) : undefined;
  } catch (e) {
    problems.push({ path, message: gotExpected(file, `a readable YAML file (${full}: ${(e as Error).message.split("\n")[0]})`) });
    return undefined;
  }
  if (doc === undefined) {
    problems.push({ path, message: gotExpected(file, `a hardware profile file; ${full} does not exist`) });
    return undefined;
  }
  const { base, ...overrides } = (doc ?? {}) as Record<string, unknown>;
  if (typeof base !== "string") {
    problems.push({ path, message: gotExpected(file, `a file whose "base:" names the profile its keys override (${full})`) });
    return undefined;
  }
  const inFile: Problem[] = [];
  const profile = shippedProfile(base, path, inFile);
  const result = profile && withOverrides(profile, overrides, () => path, inFile);
  problems.push(...inFile.map((p) => ({ path, message: `in ${file}: ${p.message}` })));
  return result;
}

/** Overrides applied together; if that fails, each alone, so every bad key is reported by its path. */
function withOverrides(
  base: HardwareProfile,
  overrides: Record<string, unknown>,
  pathOf: (key: string) => string,
  problems: Problem[],
): HardwareProfile | undefined {
  try {
    return applyHardwareOverrides(base, overrides);
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
  }
  for (const [key, value] of Object.entries(overrides)) {
    try {
      applyHardwareOverrides(base, { [key]: value });
    } catch (e) {
      if (!(e instanceof RangeError)) throw e;
      problems.push({ path: pathOf(key), message: e.message });
    }
  }
  return undefined;
}

/**
 * The shipped profile a pool's hardware builds on (the one whose `gpu:` block the physical node reads):
 * the name itself, `base:`, or the file's `base:`. Undefined when resolveHardware found it wrong (already reported).
 */
export function hardwareBaseName(raw: RawPool["hardware"], dir: string): string | undefined {
  if (typeof raw === "string") return raw;
  if ("base" in raw) return raw.base;
  try {
    const doc = parseYaml(readFileSync(resolve(dir, raw.file), "utf8")) as Record<string, unknown> | null;
    return typeof doc?.base === "string" ? doc.base : undefined;
  } catch {
    return undefined;
  }
}
