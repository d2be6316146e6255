import type { ParamSetName } from "./params.ts";

/** Figures published in the paper's abstracts (arXiv v1; Joule 2026), Wh per query and GWh/day for 1e9 queries. */
export const PUBLISHED: Record<
  ParamSetName,
  {
    perQuery: Record<"traditional" | "test_time_scaling", { p50: number; p25?: number; p75?: number }>;
    fleet: Partial<Record<"traditional" | "mix_10pct" | "mix_10pct_improved" | "test_time_scaling" | "traditional_improved" | "test_time_scaling_improved", number>>;
  }
> = {
  v1: {
    perQuery: { traditional: { p50: 0.34, p25: 0.18, p75: 0.67 }, test_time_scaling: { p50: 4.32 } },
    fleet: { traditional: 0.8, mix_10pct: 1.8, mix_10pct_improved: 0.9 },
  },
  joule: {
    perQuery: { traditional: { p50: 0.31, p25: 0.16, p75: 0.6 }, test_time_scaling: { p50: 3.91, p25: 2.15, p75: 7.05 } },
    fleet: { traditional: 0.7, mix_10pct: 1.7, mix_10pct_improved: 0.8 },
  },
};
