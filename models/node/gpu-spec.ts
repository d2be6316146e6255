import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { dataFile } from "../data-dir.ts";
import { knownHardwareProfiles } from "../hardware.ts";
import type { Precision } from "./catalog.ts";

/** One GPU's spec sheet: the `gpu:` block of a hardware profile (SI units here: FLOP/s, B, B/s, W). */
export interface GpuSpec {
  readonly name: string;
  /** Dense tensor-core FLOP/s by precision; a precision the GPU lacks is absent. */
  readonly flopsPerS: Readonly<Partial<Record<Precision, number>>>;
  readonly hbmBytes: number;
  readonly hbmBytesPerS: number;
  /** NVLink bandwidth per GPU, one direction. */
  readonly nvlinkBytesPerS: number;
  readonly idleW: number;
  /** TDP: the most the GPU draws. */
  readonly maxW: number;
  readonly sources: Readonly<Record<string, string>>;
}

/** The `gpu:` block of a shipped profile, from the file or (absent there) from its `base:` profile. */
export function loadGpuSpec(profile: string): GpuSpec {
  const known = knownHardwareProfiles();
  if (!known.includes(profile)) throw new RangeError(`unknown hardware profile ${JSON.stringify(profile)}; known profiles: ${known.join(", ")}`);
  const path = dataFile(`${profile}.yaml`);
  const doc = parse(readFileSync(path, "utf8")) as Record<string, unknown>;
  if (doc.gpu === undefined) {
    if (typeof doc.base === "string") return loadGpuSpec(doc.base);
    throw new RangeError(`${path}: no "gpu:" block (and no base profile to take one from); the node model needs the GPU's spec sheet`);
  }
  return parseGpuSpec(doc.gpu, path);
}

export function parseGpuSpec(raw: unknown, where: string): GpuSpec {
  const fail = (key: string, expected: string, got: unknown): never => {
    throw new RangeError(`${where}: key "gpu.${key}" must be ${expected}, got ${JSON.stringify(got)}`);
  };
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return fail("(block)", "a mapping", raw);
  const g = raw as Record<string, unknown>;
  const pos = (key: string): number => (typeof g[key] === "number" && (g[key] as number) > 0 ? (g[key] as number) : fail(key, "a number > 0", g[key]));
  const flopsPerS: Partial<Record<Precision, number>> = { bf16: pos("bf16_tflops") * 1e12 };
  for (const p of ["fp8", "fp4"] as const) if (g[`${p}_tflops`] !== undefined) flopsPerS[p] = pos(`${p}_tflops`) * 1e12;
  const spec: GpuSpec = {
    name: typeof g.name === "string" ? g.name : fail("name", "a string", g.name),
    flopsPerS,
    hbmBytes: pos("hbm_gb") * 1e9,
    hbmBytesPerS: pos("hbm_tb_per_s") * 1e12,
    nvlinkBytesPerS: pos("nvlink_gb_per_s") * 1e9,
    idleW: pos("idle_w"),
    maxW: pos("max_w"),
    sources: (g.sources ?? {}) as Record<string, string>,
  };
  if (spec.idleW >= spec.maxW) fail("idle_w", `below max_w (${spec.maxW})`, spec.idleW);
  for (const key of Object.keys(g)) {
    if (key !== "name" && key !== "sources" && typeof spec.sources[key] !== "string") fail(`sources.${key}`, "the text saying where the value comes from", spec.sources[key]);
  }
  return spec;
}
