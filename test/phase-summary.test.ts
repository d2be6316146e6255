import { describe, expect, it } from "vitest";
import { classesCsv } from "../sim/report/csv-files.ts";
import { phaseResult, phaseSummary, TO_FACILITY } from "./phase-fixtures.ts";

const rel = (a: number, b: number) => Math.abs(a / b - 1);

describe("summary.json with physical pools", () => {
  const s = phaseSummary();

  it("energy.by_phase: prefill, decode and idle at the facility boundary, adding up to facility_wh", () => {
    // node Wh 1000 + 500 + 2000, idle 100 + 50 + 200, prefill 150 + 50
    expect(s.energy.facility_wh).toBeCloseTo(3500 * TO_FACILITY, 9);
    const p = s.energy.by_phase!;
    expect(p.prefill_wh).toBeCloseTo(200 * TO_FACILITY, 9);
    expect(p.idle_wh).toBeCloseTo(350 * TO_FACILITY, 9);
    expect(p.idle_wh).toBe(s.energy.ledger.idle_wh);
    expect(p.decode_wh).toBeCloseTo((3500 - 200 - 350) * TO_FACILITY, 9);
    expect(Math.abs(p.prefill_wh + p.decode_wh + p.idle_wh - s.energy.facility_wh)).toBeLessThan(1e-9);
  });

  it("per class: mean facility Wh per completed query by phase; null for a class with none completed", () => {
    const chat = s.per_class.chat.per_query_wh_by_phase!;
    expect(chat.prefill_mean).toBeCloseTo(0.132, 12);
    expect(chat.decode_mean).toBeCloseTo(0.66, 12);
    expect(s.per_class["idle-class"].per_query_wh_by_phase).toBeNull();
  });

  it("latency_s.tpot: mean, p50, p90, p99 (histogram buckets: within 1 %); null for a class with none", () => {
    for (const t of [s.latency_s.tpot!, s.per_class.chat.latency_s.tpot!]) {
      expect(Object.keys(t).sort()).toEqual(["mean", "p50", "p90", "p99"]);
      expect(t.mean).toBeCloseTo(0.023, 12);
      expect(rel(t.p50, 0.02)).toBeLessThan(0.01);
      expect(rel(t.p90, 0.02)).toBeLessThan(0.01);
      expect(rel(t.p99, 0.05)).toBeLessThan(0.01);
    }
    expect(s.per_class["idle-class"].latency_s.tpot).toBeNull();
  });

  it("utilization: KV fill as a time mean over busy nodes of physical pools, most queries on a node over all pools", () => {
    // (0.25 x 1e5 x 3000 + 0.5 x 2e5 x 1000) / (1e5 x 3000 + 2e5 x 1000)
    expect(s.utilization.kv_fill_mean).toBeCloseTo(0.35, 12);
    expect(s.utilization.max_active_per_node).toBe(64);
  });

  it("per pool: most queries on a node; KV fill, prefill facility Wh and KV capacity for physical pools only", () => {
    expect(s.pools.phys).toMatchObject({ max_active_per_node: 40, kv_capacity_tokens: 1e5 });
    expect(s.pools.phys.kv_fill_mean).toBeCloseTo(0.25, 12);
    expect(s.pools.phys.prefill_wh).toBeCloseTo(150 * TO_FACILITY, 9);
    expect(s.pools["phys-2"].kv_fill_mean).toBeCloseTo(0.5, 12);
    expect(s.pools.reg.max_active_per_node).toBe(64);
    expect(Object.keys(s.pools.reg)).not.toContain("kv_fill_mean");
    expect(Object.keys(s.pools.reg)).not.toContain("prefill_wh");
  });

  it("queries: waited for memory and truncated, summed over physical pools", () => {
    expect(s.queries.waited_for_memory).toBe(10);
    expect(s.queries.truncated).toBe(2);
  });

  it("survives JSON (the file tools read): finite numbers and nulls", () => {
    const back = JSON.parse(JSON.stringify(s));
    expect(back.energy.by_phase.decode_wh).toBe(s.energy.by_phase!.decode_wh);
    expect(back.latency_s.tpot.p99).toBe(s.latency_s.tpot!.p99);
  });
});

describe("summary.json without physical pools", () => {
  const s = phaseSummary(false);

  it("the new keys are null or 0; max active per node is still there", () => {
    expect(s.energy.by_phase).toBeNull();
    expect(s.latency_s.tpot).toBeNull();
    expect(s.per_class.chat.latency_s.tpot).toBeNull();
    expect(s.per_class.chat.per_query_wh_by_phase).toBeNull();
    expect(s.utilization.kv_fill_mean).toBeNull();
    expect(s.utilization.max_active_per_node).toBe(64);
    expect(s.queries).toMatchObject({ waited_for_memory: 0, truncated: 0 });
    for (const p of Object.values(s.pools)) expect(Object.keys(p)).not.toContain("kv_fill_mean");
  });

  it("the existing keys are as before", () => {
    expect(s.energy.facility_wh).toBeCloseTo(3500 * TO_FACILITY, 9);
    expect(s.latency_s.e2e.p50).toBeCloseTo(phaseSummary().latency_s.e2e.p50, 12);
    expect(Object.keys(s.latency_s)).toEqual(["wait", "ttft", "e2e", "tpot"]);
  });
});

describe("classes.csv", () => {
  it("TPOT p50 and p99 and phase Wh per query appended after the existing columns", () => {
    const [header, chat, idle] = classesCsv(phaseResult()).trim().split("\n").map((l) => l.split(","));
    expect(header.slice(0, 12).join(",")).toBe("class,arrived,completed,wh_mean,wh_p5,wh_p50,wh_p95,wait_p99_s,ttft_p50_s,ttft_p99_s,e2e_p50_s,e2e_p99_s");
    expect(header.slice(12)).toEqual(["tpot_p50_s", "tpot_p99_s", "prefill_wh_mean", "decode_wh_mean"]);
    const row = Object.fromEntries(header.map((h, i) => [h, chat[i]]));
    expect(rel(Number(row.tpot_p50_s), 0.02)).toBeLessThan(0.01);
    expect(rel(Number(row.tpot_p99_s), 0.05)).toBeLessThan(0.01);
    expect(Number(row.prefill_wh_mean)).toBe(0.132);
    expect(Number(row.decode_wh_mean)).toBe(0.66);
    expect(idle.slice(12)).toEqual(["", "", "", ""]);
  });

  it("without physical pools the new cells are empty", () => {
    const [, chat] = classesCsv(phaseResult(false)).trim().split("\n").map((l) => l.split(","));
    expect(chat).toHaveLength(16);
    expect(chat.slice(12)).toEqual(["", "", "", ""]);
  });
});
