import { readFileSync, readdirSync } from "node:fs";
import { parse } from "yaml";
import { DATA_DIR, dataFile } from "./data-dir.ts";
import { parseDurationS } from "./duration.ts";
import type { GpuActivePower, HardwareProfile } from "./hardware-types.ts";

type Parser = (value: unknown) => unknown;

const isNumber = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);
const atLeast = (min: number): Parser => (v) => (isNumber(v) && v >= min ? v : undefined);
const positive: Parser = (v) => (isNumber(v) && v > 0 ? v : undefined);
const anyNumber: Parser = (v) => (isNumber(v) ? v : undefined);

/** Profile-file keys (snake_case) -> HardwareProfile field, expected value, parser (undefined = bad value). */
const FIELDS: Record<string, readonly [keyof HardwareProfile, string, Parser]> = {
  name: ["name", "a non-empty string", (v) => (typeof v === "string" && v !== "" ? v : undefined)],
  gpus: ["gpus", "a positive integer", (v) => (Number.isInteger(v) && (v as number) > 0 ? v : undefined)],
  gpu_idle_w: ["gpuIdleW", "a number of watts >= 0", atLeast(0)],
  host_idle_w: ["hostIdleW", "a number of watts >= 0", atLeast(0)],
  host_busy_w: ["hostBusyW", "a number of watts >= 0", atLeast(0)],
  interconnect_w: ["interconnectW", "a number of watts >= 0", atLeast(0)],
  parked_w: ["parkedW", "a number of watts >= 0", atLeast(0)],
  wake_delay: ["wakeDelayS", 'a duration like "5m" or a number of seconds', parseDurationOrUndefined],
  batch_half_speed: ["batchHalfSpeed", "a number >= 0", atLeast(0)],
  prefill_tokens_per_s: ["prefillTokensPerS", "a number of tokens per second > 0", positive],
  tps_multiplier: ["tpsMultiplier", "a number > 0", positive],
};

const ACTIVE_FIELDS: Record<string, readonly [keyof GpuActivePower, string, Parser]> = {
  low: ["lowW", "a number of watts >= 0", atLeast(0)],
  high: ["highW", "a number of watts >= 0", atLeast(0)],
  log2_batch_mid: ["log2BatchMid", "a number", anyNumber],
  steepness: ["steepness", "a number > 0", positive],
};

const KNOWN_KEYS = [...Object.keys(FIELDS), "gpu_active_w", "sources"];

function parseDurationOrUndefined(v: unknown): number | undefined {
  if (typeof v !== "string" && typeof v !== "number") return undefined;
  try {
    return parseDurationS(v);
  } catch {
    return undefined;
  }
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function badValue(key: string, expected: string, value: unknown): RangeError {
  return new RangeError(`hardware key "${key}" must be ${expected}, got ${JSON.stringify(value)}`);
}

/**
 * base with the snake_case keys of a profile file replaced (gpu_active_w may be partial; sources merge).
 * A source for an overridden value no longer applies, so it is dropped unless the overrides give one.
 */
export function applyHardwareOverrides(base: HardwareProfile, overrides: Record<string, unknown>): HardwareProfile {
  if (!isPlainObject(overrides)) throw new RangeError(`hardware overrides must be a mapping of profile keys, got ${JSON.stringify(overrides)}`);
  const out: Record<string, unknown> = { ...base };
  const sources: Record<string, string> = { ...base.sources };
  for (const [key, value] of Object.entries(overrides)) {
    if (key === "sources") continue;
    if (key === "gpu_active_w") {
      if (!isPlainObject(value)) throw badValue(key, "a mapping with low, high, log2_batch_mid, steepness", value);
      const active: Record<string, unknown> = { ...base.gpuActiveW };
      for (const [sub, subValue] of Object.entries(value)) {
        const spec = ACTIVE_FIELDS[sub];
        if (!spec) throw new RangeError(`hardware key "gpu_active_w.${sub}" is unknown; expected one of: ${Object.keys(ACTIVE_FIELDS).join(", ")}`);
        const parsed = spec[2](subValue);
        if (parsed === undefined) throw badValue(`gpu_active_w.${sub}`, spec[1], subValue);
        active[spec[0]] = parsed;
      }
      out.gpuActiveW = active;
    } else {
      const spec = FIELDS[key];
      if (!spec) throw new RangeError(`hardware key "${key}" is unknown; expected one of: ${KNOWN_KEYS.join(", ")}`);
      const parsed = spec[2](value);
      if (parsed === undefined) throw badValue(key, spec[1], value);
      out[spec[0]] = parsed;
    }
    delete sources[key];
  }
  if ("sources" in overrides) {
    const given = overrides.sources;
    if (!isPlainObject(given) || !Object.values(given).every((s) => typeof s === "string")) {
      throw badValue("sources", "a mapping from profile key to source text", given);
    }
    Object.assign(sources, given);
  }
  out.sources = sources;
  return out as unknown as HardwareProfile;
}

/** Names of the profiles shipped in models/data (every *.yaml file there is one). */
/** The keys a `{ base: name, ... }` override may set, each with what it expects (for the JSON Schema). */
export function hardwareOverrideKeys(): { fields: [string, string][]; gpuActive: [string, string][] } {
  return {
    fields: Object.entries(FIELDS).map(([k, spec]) => [k, spec[1]]),
    gpuActive: Object.entries(ACTIVE_FIELDS).map(([k, spec]) => [k, spec[1]]),
  };
}

export function knownHardwareProfiles(): string[] {
  return readdirSync(DATA_DIR)
    .filter((f) => f.endsWith(".yaml"))
    .map((f) => f.slice(0, -".yaml".length))
    .sort();
}

/** A shipped profile by name; a file with `base: other` is that profile with the file's keys applied. */
export function loadHardwareProfile(name: string): HardwareProfile {
  return loadWithin(name, []);
}

function loadWithin(name: string, chain: readonly string[]): HardwareProfile {
  const known = knownHardwareProfiles();
  if (!known.includes(name)) {
    throw new RangeError(`unknown hardware profile ${JSON.stringify(name)}; known profiles: ${known.join(", ")}`);
  }
  if (chain.includes(name)) throw new RangeError(`hardware profile bases form a cycle: ${[...chain, name].join(" -> ")}`);
  const path = dataFile(`${name}.yaml`);
  const doc: unknown = parse(readFileSync(path, "utf8"));
  if (!isPlainObject(doc)) throw new RangeError(`${path}: expected a mapping of profile keys`);
  // the gpu: block is the node model's spec sheet (models/node/gpu-spec.ts reads it), not a fleet field
  const { base, gpu: _gpuSpec, ...keys } = doc;
  try {
    if (base !== undefined) {
      if (typeof base !== "string") throw badValue("base", "the name of another profile", base);
      return applyHardwareOverrides(loadWithin(base, [...chain, name]), { name, ...keys });
    }
    const active = isPlainObject(keys.gpu_active_w) ? keys.gpu_active_w : {};
    const missing = [
      ...Object.keys(FIELDS).filter((k) => k !== "name" && !(k in keys)),
      ...Object.keys(ACTIVE_FIELDS).filter((k) => !(k in active)).map((k) => `gpu_active_w.${k}`),
    ];
    if (missing.length > 0) throw new RangeError(`missing hardware keys: ${missing.join(", ")}`);
    return applyHardwareOverrides(BLANK, { name, ...keys });
  } catch (e) {
    throw e instanceof RangeError && !e.message.startsWith(path) ? new RangeError(`${path}: ${e.message}`) : e;
  }
}

/** Every field is given by a complete profile file; these placeholders never survive a load. */
const BLANK: HardwareProfile = {
  name: "",
  gpus: 0,
  gpuIdleW: 0,
  gpuActiveW: { lowW: 0, highW: 0, log2BatchMid: 0, steepness: 0 },
  hostIdleW: 0,
  hostBusyW: 0,
  interconnectW: 0,
  parkedW: 0,
  wakeDelayS: 0,
  batchHalfSpeed: 0,
  prefillTokensPerS: 0,
  tpsMultiplier: 0,
  sources: {},
};
