import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Manifest } from "./manifest.ts";
import type { Summary } from "./summary.ts";

/** What reports read from one results folder. */
export interface RunData {
  readonly dir: string;
  readonly summary: Summary;
  readonly manifest: Manifest;
  /** Facility power, MW, averaged over each time-series interval ending at endS. */
  readonly power: readonly { readonly startS: number; readonly endS: number; readonly facilityMw: number }[];
  /** Quantiles of attributed Wh per query over all classes (energy_quantiles.csv, class "*"). */
  readonly energyQuantiles: readonly { readonly q: number; readonly wh: number }[];
}

function csvRows(text: string): Record<string, string>[] {
  const [header, ...lines] = text.trim().split("\n");
  const keys = header.split(",");
  return lines.map((l) => Object.fromEntries(l.split(",").map((v, i) => [keys[i], v])));
}

const readJson = <T>(dir: string, name: string): T => JSON.parse(readFileSync(join(dir, name), "utf8")) as T;
const readCsv = (dir: string, name: string) => csvRows(readFileSync(join(dir, name), "utf8"));

export function readRunData(dir: string): RunData {
  const ts = readCsv(dir, "timeseries.csv");
  const power = ts.map((r, i) => {
    const endS = Number(r.t_s);
    const prevS = i > 0 ? Number(ts[i - 1].t_s) : ts.length > 1 ? endS - (Number(ts[1].t_s) - endS) : 0;
    return { startS: Math.max(prevS, 0), endS, facilityMw: Number(r.facility_mw) };
  });
  const energyQuantiles = readCsv(dir, "energy_quantiles.csv")
    .filter((r) => r.class === "*")
    .map((r) => ({ q: Number(r.q), wh: Number(r.wh) }));
  return { dir, summary: readJson(dir, "summary.json"), manifest: readJson(dir, "manifest.json"), power, energyQuantiles };
}
