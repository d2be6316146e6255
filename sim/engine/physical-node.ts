import { ARRIVAL_S, CLASS_INDEX, INPUT_TOKENS, STRIDE, WORK_NODE_S } from "../fleet/query-slots.ts";
import { QuerySlots } from "../fleet/query-slots.ts";
import * as TABLE from "../fleet/physical-tables.ts";
import { prefillOf, reservationTokens, type PhysicalTables } from "../fleet/physical-tables.ts";
import type { TagHeaps } from "../fleet/tag-heaps.ts";
import type { EventQueue } from "./event-queue.ts";
import type { Attribution } from "./attribution.ts";
import { addCompensated } from "./compensated-sum.ts";
import type { FleetState, PoolRuntime } from "./fleet-state.ts";
import * as RECORD from "./node-record.ts";
import type { Observation } from "./observation.ts";
import type { PowerLedger } from "./power-ledger.ts";
import { LEAST_LOADED, POWER_OF_TWO, ROUND_ROBIN } from "./routers/index.ts";

// Module-level copies: an imported binding is a load from its module cell in the event loop, a local const folds.
const { ACTIVE, ATTR_J, LAST_S, NF, NI, ON, POOL, STATE, VIRTUAL_S } = RECORD;
const { STEP, STEP_A, STEP_BUSY_PER_QUERY_W, STEP_C, STEP_CN, STEP_E0, STEP_E1, STEP_E1N_HALF, STEP_INV_N } = TABLE;

// A query on a physical node travels in its tag entry: the entry's class field holds its lengths,
// packed (class + CLASSES (input + TOKENS output), at most 53 bits), when its first token came at its
// arrival + its prefill (it started on arrival, the node's prefill backlog empty: the common case,
// derived again at its departure). Otherwise the field holds -(row + 1), a row of `serving` with its
// first-token time and lengths: a row elsewhere in memory is a cache miss at the departure, the
// derived time is not. Its prefill energy is looked up again from its prompt length, and its V at
// admission is V at its departure less its output tokens.
const Q_FIRST_TOKEN = 0;
const Q_LENGTHS = 1;
const Q_STRIDE = 2;
/** Bounds of the packing, checked when the room is built: 9 + 22 + 22 bits, exact in a double (53). */
const CLASSES = 512;
const TOKENS = 1 << 22;

// A physical node's own fields, beside its record in the fleet state: doubles at pn[PN node + field], one cache line.
const PN = 8;
/** S: K = S + n V. */
const PN_KV_BASE = 0;
/** KV tokens reserved by the node's queries. */
const PN_RESERVED = 1;
/** The end of the node's prefill backlog. */
const PN_PREFILL_UNTIL = 2;
/** After the warmup: dynamic GPU energy (J), node energy while prefilling (J), resident KV token-seconds. */
const PN_DYNAMIC_J = 3;
const PN_PREFILL_J = 4;
const PN_KV_TOKEN_S = 5;


/**
 * The physical node (docs/design.md, "The physical node"): a pool whose nodes run the node model
 * (models/node) rather than the paper's regression. Everything a physical node does happens here;
 * the loop, admission and service hand physical nodes to this room.
 *
 * - Decode is processor sharing in tokens: V counts the decode steps every active query has had, a
 *   query admitted at V = v0 with L_out tokens to produce finishes at V = v0 + L_out (its tag). The
 *   resident KV tokens are K = S + n V, S = sum over active queries of (L_in - v0); a step takes
 *   a'(n) + c(n) K seconds (physical-tables.ts), so V after dt seconds is the root of a quadratic and
 *   the time to the next tag is explicit.
 * - Prefill first: a query admitted at t is prefilled alone on [max(t, pu), pu'], pu the end of the
 *   node's prefill backlog; decode pauses (V stands still) while the node prefills. Its first token
 *   comes at the end of its prefill; it decodes from the end of the backlog. The node's one event is
 *   its next departure, pu + the time to the smallest tag.
 * - KV memory: a query reserves L_in + L_out tokens for its stay (a max-total-tokens budget); it is
 *   admitted only where that fits and the batch is below max_batch, else it waits in the pool's FIFO
 *   (the head waits for memory and those behind it wait too: first come, first served).
 * - Energy: the busy node's base power is in the power ledger's levels; the dynamic part of each
 *   step (HBM traffic and FLOPs) is booked as energy when the node's clocks advance. A query is
 *   charged its own prefill (the whole node's energy while it is prefilled) and, while decoding, the
 *   node's energy shared by the n queries of each step (the attribution clock A, as for the regression).
 */
export class PhysicalNodes {
  /** Per pool index: the pool's tables, or null for a regression pool. */
  readonly tables: (PhysicalTables | null)[];
  /** Per node, PN doubles: the PN_ fields above. Plain sums per node for the energies and KV time (a few million terms at most), added up per pool when read. */
  readonly pn: Float64Array;
  /** Per pool: queries that waited though a node had batch room, and queries cut to fit. */
  readonly waitedForMemory: Float64Array;
  readonly truncated: Float64Array;
  /** Whether the warmup is over: from then on energy and KV time count. */
  warm: boolean;

  // What the event loop calls (hotPath below builds them).
  /** Brings a physical node's clocks (V, A) up to t, booking the dynamic energy and the KV integral after the warmup. */
  readonly advance: (node: number, t: number) => void;
  /** The node's next departure: after its prefill backlog, the time its smallest tag needs (none when idle). */
  readonly reschedule: (node: number, t: number) => void;
  /** A query of class ci arrives at t at physical pool p (index pi): it starts on a node that can hold it, or waits. */
  readonly arrive: (p: PoolRuntime, pi: number, t: number, ci: number, inputTokens: number, outputTokens: number) => void;
  /** The query with the smallest tag departs from physical node `node` at t; queued queries that now fit start. */
  readonly departure: (node: number, t: number) => void;

  private readonly nf: Float64Array;
  private readonly ni: Int32Array;
  private readonly pools: PoolRuntime[];
  /** Dynamic energy booked before the warmup's end for after it (a prefill under way), per pool: booked at the end of the warmup. */
  readonly pendingJ: Float64Array;

  constructor(
    f: FleetState,
    private readonly ledger: PowerLedger,
    attribution: Attribution,
    observation: Observation,
    endS: number,
    classCount: number,
  ) {
    this.nf = f.nf;
    this.ni = f.ni;
    this.pools = f.pools;
    this.tables = f.pools.map((p) => p.physical);
    for (const p of f.pools)
      if (p.physical && (classCount > CLASSES || p.physical.maxContextTokens >= TOKENS))
        throw new RangeError(`the physical node holds at most ${CLASSES} classes and ${TOKENS - 1} tokens of context per query (got ${classCount} classes, ${p.physical.maxContextTokens} tokens)`);
    this.pn = new Float64Array(PN * f.nodes);
    const np = f.pools.length;
    this.waitedForMemory = new Float64Array(np);
    this.truncated = new Float64Array(np);
    this.pendingJ = new Float64Array(np);
    this.warm = f.warmupS === 0;
    const hot = hotPath(this, f, ledger, attribution, observation, endS);
    this.advance = hot.advance;
    this.reschedule = hot.reschedule;
    this.arrive = hot.arrive;
    this.departure = hot.departure;
  }

  /** At the warmup's end (every node's clocks brought up to it): from now on energy and KV time count; prefills under way book their share. */
  endWarmup(): void {
    this.warm = true;
    this.pendingJ.forEach((j, pi) => j > 0 && this.ledger.bookGpuJ(pi, j));
    this.pendingJ.fill(0);
  }

  /** Pool pi's node energy while prefilling (J, after the warmup) and resident KV token-seconds. */
  prefillJ(pi: number): number {
    return this.poolSum(pi, PN_PREFILL_J);
  }

  kvTokenSeconds(pi: number): number {
    return this.poolSum(pi, PN_KV_TOKEN_S);
  }

  /** Pool pi's physical nodes' dynamic GPU energy after the warmup (J), for the power ledger. */
  dynamicJ(pi: number): number {
    return this.poolSum(pi, PN_DYNAMIC_J);
  }

  /** A per-node field summed over pool pi's nodes (a pass over them: at a tick or the end, never per query). */
  private poolSum(pi: number, field: number): number {
    const p = this.pools[pi];
    const sum = new Float64Array(1);
    const carry = new Float64Array(1);
    for (let node = p.first; node < p.first + p.count; node++) addCompensated(sum, carry, 0, this.pn[PN * node + field]);
    return sum[0];
  }

  /** Resident KV tokens of pool pi's busy nodes now and their capacity (for the live view; clocks as last advanced). */
  kvNow(pi: number): { tokens: number; capacity: number } {
    const p = this.pools[pi];
    const tb = this.tables[pi]!;
    let k = 0;
    let busy = 0;
    for (let node = p.first; node < p.first + p.count; node++) {
      const n = this.ni[NI * node + ACTIVE];
      if (n === 0) continue;
      busy++;
      k += this.pn[PN * node + PN_KV_BASE] + n * this.nf[NF * node + VIRTUAL_S];
    }
    return { tokens: k, capacity: busy * tb.capacityTokens };
  }
}

/**
 * The physical node's hot path: advance, reschedule, arrive and departure, as closures over the
 * room's arrays and objects, built once per simulation. They are const bindings of the closures'
 * context, which V8's optimizing compiler folds into the code as constants (a typed array's data
 * pointer and length embedded, an object's fields read without checking its shape) instead of loading
 * them from the room's fields at every access. Only const bindings are folded (not parameters, not
 * fields that change, such as `warm`). Measured on the physical benchmark hour with the changes around
 * it: 5,160 -> 4,760 instructions per query, the same arithmetic (summaries byte-identical;
 * docs/performance-journal.md, "The physical hot path as closures").
 */
function hotPath(selfArg: PhysicalNodes, f: FleetState, ledgerArg: PowerLedger, attributionArg: Attribution, observationArg: Observation, endSArg: number) {
  // consts, not parameters: only a const binding is an immutable slot of the context
  const self = selfArg;
  const nf = f.nf;
  const ni = f.ni;
  const pn = self.pn;
  const pendingJ = self.pendingJ;
  const truncated = self.truncated;
  const waitedForMemory = self.waitedForMemory;
  const tables = self.tables;
  const tags = f.tags;
  const events = f.events;
  const pools = f.pools;
  /** The fleet's waiting queries (rows as admission.ts writes them; a physical pool's keep L_out where work goes). */
  const waiting = f.queries;
  const ledger = ledgerArg;
  const attribution = attributionArg;
  const observation = observationArg;
  const warmupS = f.warmupS;
  const endS = endSArg;
  /** Rows of queries whose first-token time is not their arrival + prefill (see Q_FIRST_TOKEN). */
  const serving = new QuerySlots(4096, Q_STRIDE);
  const prefill = { s: 0, dynJ: 0 };
  /** Every physical pool's step table end to end, pool pi's from stepAt[pi]. */
  const stepAt = new Int32Array(tables.length);
  let length = 0;
  tables.forEach((tb, pi) => {
    stepAt[pi] = length;
    length += tb ? tb.step.length : 0;
  });
  const st = new Float64Array(length);
  tables.forEach((tb, pi) => tb && st.set(tb.step, stepAt[pi]));

  function advance(node: number, t: number): void {
    const n = ni[NI * node + ACTIVE];
    let from = nf[NF * node + LAST_S];
    nf[NF * node + LAST_S] = t;
    if (n === 0 || t <= from) return;
    const o = stepAt[ni[NI * node + POOL]] + STEP * n;
    const v = nf[NF * node + VIRTUAL_S];
    const k0 = pn[PN * node + PN_KV_BASE] + n * v;
    const pu = pn[PN * node + PN_PREFILL_UNTIL];
    if (pu > from) {
      // prefilling: decode stands still, the resident tokens too (Math.min, not a conditional: t may come
      // in as a small integer, and a conditional mixing it with a double would box the result)
      const until = Math.min(t, pu);
      // === true: a plain test of a boolean field compiles to the generic truthiness check
      if (self.warm === true) pn[PN * node + PN_KV_TOKEN_S] += k0 * (until - from);
      from = until;
    }
    const d = t - from;
    if (d <= 0) return;
    const b = st[o + STEP_A] + st[o + STEP_C] * k0;
    const cn = st[o + STEP_CN];
    // steps u after d seconds: c n u^2 / 2 + b u = d, the root written to lose no digits when c n u is small
    const u = (2 * d) / (b + Math.sqrt(b * b + 2 * cn * d));
    const dynJ = u * (st[o + STEP_E0] + st[o + STEP_E1] * k0) + st[o + STEP_E1N_HALF] * u * u;
    nf[NF * node + VIRTUAL_S] = v + u;
    nf[NF * node + ATTR_J] += st[o + STEP_BUSY_PER_QUERY_W] * d + dynJ * st[o + STEP_INV_N];
    if (self.warm === true) {
      pn[PN * node + PN_DYNAMIC_J] += dynJ;
      // the integral of K over time, dt = (b + c n u) du; a step holds the K it started with, so K = k0 + n (u - 1/2) on average
      const kh = k0 - n / 2;
      pn[PN * node + PN_KV_TOKEN_S] += kh * b * u + ((kh * cn + n * b) * u * u) / 2 + (n * cn * u * u * u) / 3;
    }
  }

  /** The node's next departure: after its prefill backlog, the time its smallest tag needs (none when idle). */
  function reschedule(node: number, t: number): void {
    const n = ni[NI * node + ACTIVE];
    if (n === 0) {
      events.cancel(node);
      return;
    }
    scheduleNext(node, t, n, nf[NF * node + VIRTUAL_S], pn[PN * node + PN_KV_BASE], pn[PN * node + PN_PREFILL_UNTIL], ni[NI * node + POOL]);
  }

  /** reschedule() for a busy node (n > 0 queries) whose V, S and prefill backlog's end the caller holds. */
  function scheduleNext(node: number, t: number, n: number, v: number, kvBase: number, pu: number, pi: number): void {
    let u = tags.minTag(node) - v;
    if (u < 0) u = 0;
    const k0 = kvBase + n * v;
    const start = Math.max(pu, t);
    const o = stepAt[pi] + STEP * n;
    events.schedule(node, start + u * (st[o + STEP_A] + st[o + STEP_C] * k0) + (st[o + STEP_CN] * u * u) / 2);
  }

  /** A query of class ci arrives at t at physical pool p (index pi): it starts on a node that can hold it, or waits. */
  function arrive(p: PoolRuntime, pi: number, t: number, ci: number, inputTokens: number, outputTokens: number): void {
    const tb = tables[pi]!;
    let inTok = inputTokens;
    let outTok = outputTokens > 1 ? outputTokens : 1;
    if (inTok + outTok > tb.maxContextTokens) {
      // a server caps prompt + answer at the context it can hold (vLLM's max_model_len)
      if (t >= warmupS) truncated[pi]++;
      if (inTok > tb.maxContextTokens - 1) inTok = tb.maxContextTokens - 1;
      outTok = tb.maxContextTokens - inTok;
    }
    const need = reservationTokens(tb, inTok + outTok);
    const node = p.queue.length > 0 ? -1 : route(p, need);
    if (node < 0) {
      // waits behind the queue (first come, first served); counted when a node had batch room but not memory
      if (p.kv!.size > 0 && t >= warmupS) waitedForMemory[pi]++;
      const q = waiting;
      const id = q.take();
      const row = id * STRIDE;
      q.data[row + ARRIVAL_S] = t;
      q.data[row + WORK_NODE_S] = outTok;
      q.data[row + INPUT_TOKENS] = inTok;
      q.data[row + CLASS_INDEX] = ci;
      p.queue.push(id);
      return;
    }
    start(node, p, pi, tb, t, t, inTok, outTok, ci, need);
  }

  /** The query with the smallest tag departs from physical node `node` at t; queued queries that now fit start. */
  function departure(node: number, t: number): void {
    advance(node, t);
    tags.popMin(node);
    const packed = tags.classIndex;
    let lengths = packed;
    let firstTokenS = -1;
    if (packed < 0) {
      const id = -packed - 1;
      const qd = serving.data;
      lengths = qd[id * Q_STRIDE + Q_LENGTHS];
      firstTokenS = qd[id * Q_STRIDE + Q_FIRST_TOKEN];
      serving.release(id);
    }
    const decodeJ = attribution.chargeDeparture(node, self.warm === true);
    // unpacked by multiplying with the powers of two's reciprocals (exact), not %: a floating-point remainder is slow
    const tokens = Math.floor(lengths * (1 / CLASSES));
    const ci = lengths - tokens * CLASSES;
    const out = Math.floor(tokens * (1 / TOKENS));
    const inTok = tokens - out * TOKENS;
    const pi = ni[NI * node + POOL];
    const tb = tables[pi]!;
    // start() tabulated the prefill of a prompt this short
    let prefillS: number;
    let prefillDynJ: number;
    if (inTok < tb.prefillS.length) {
      prefillS = tb.prefillS[inTok];
      prefillDynJ = tb.prefillDynJ[inTok];
    } else {
      prefillOf(tb, inTok, prefill);
      prefillS = prefill.s;
      prefillDynJ = prefill.dynJ;
    }
    const prefillJ = tb.busyConstW * prefillS + prefillDynJ;
    // as start() computed it: arrival + prefill
    if (packed >= 0) firstTokenS = tags.arrivalS + prefillS;
    observation.departedPhysical(ci, tags.arrivalS, t, decodeJ + prefillJ, prefillJ, (t - firstTokenS) / out);
    const p = pools[pi];
    ledger.moveLevel(node, t, -1);
    const n = ni[NI * node + ACTIVE];
    const x = PN * node;
    const v = nf[NF * node + VIRTUAL_S];
    let kvBase = 0;
    let reserved = 0;
    if (n > 0) {
      // the query leaves when V reaches its tag v0 + out
      kvBase = pn[x + PN_KV_BASE] - (inTok - (v - out));
      reserved = pn[x + PN_RESERVED] - reservationTokens(tb, inTok + out);
    }
    // (exact zeros when the node empties: no drift carried into its next busy period)
    pn[x + PN_KV_BASE] = kvBase;
    pn[x + PN_RESERVED] = reserved;
    p.kv!.update(node, reserved, n < p.maxBatch && ni[NI * node + STATE] === ON);
    if (p.queue.length > 0) {
      admitWaiting(p, pi, t);
      reschedule(node, t);
    } else if (n > 0) {
      // scheduleNext() written out: as a call (V8 does not inline it here), each double argument is boxed on the heap
      let u = tags.minTag(node) - v;
      if (u < 0) u = 0;
      const k0 = kvBase + n * v;
      const pu = pn[x + PN_PREFILL_UNTIL];
      const start = Math.max(pu, t);
      const o = stepAt[pi] + STEP * n;
      events.schedule(node, start + u * (st[o + STEP_A] + st[o + STEP_C] * k0) + (st[o + STEP_CN] * u * u) / 2);
    } else events.cancel(node);
  }

  /** While the head of p's queue fits a node, it starts there (every node it starts on is rescheduled). */
  function admitWaiting(p: PoolRuntime, pi: number, t: number): void {
    const tb = tables[pi]!;
    const q = waiting;
    while (p.queue.length > 0) {
      const row = p.queue.peek() * STRIDE;
      const inTok = q.data[row + INPUT_TOKENS];
      const outTok = q.data[row + WORK_NODE_S];
      const need = reservationTokens(tb, inTok + outTok);
      const node = route(p, need);
      if (node < 0) return;
      const id = p.queue.shift();
      start(node, p, pi, tb, t, q.data[row + ARRIVAL_S], inTok, outTok, q.data[row + CLASS_INDEX], need);
      q.release(id);
    }
  }

  /** A query starts on the node at t: its prefill is queued on the node, its tag and reservation (need) set, the node's next departure rescheduled. */
  function start(node: number, p: PoolRuntime, pi: number, tb: PhysicalTables, t: number, arrivalS: number, inTok: number, outTok: number, ci: number, need: number): void {
    advance(node, t);
    const x = PN * node;
    let prefillS = inTok < tb.prefillS.length ? tb.prefillS[inTok] : NaN;
    let prefillDynJ: number;
    if (prefillS === prefillS) prefillDynJ = tb.prefillDynJ[inTok];
    else {
      // not tabulated yet (or too long to be)
      prefillOf(tb, inTok, prefill);
      prefillS = prefill.s;
      prefillDynJ = prefill.dynJ;
    }
    const backlog = pn[x + PN_PREFILL_UNTIL];
    const s = Math.max(backlog, t);
    const firstTokenS = s + prefillS;
    pn[x + PN_PREFILL_UNTIL] = firstTokenS;
    // the whole node's energy while it prefills this query; the part inside [warmup, end] enters the ledgers now
    const prefillJ = tb.busyConstW * prefillS + prefillDynJ;
    const lo = s > warmupS ? s : warmupS;
    const hi = firstTokenS < endS ? firstTokenS : endS;
    if (hi > lo && prefillS > 0) {
      const share = (hi - lo) / prefillS;
      if (self.warm === true) pn[x + PN_DYNAMIC_J] += prefillDynJ * share;
      else pendingJ[pi] += prefillDynJ * share;
      attribution.addPrefill(prefillJ * share);
      pn[x + PN_PREFILL_J] += prefillJ * share;
    }
    const v = nf[NF * node + VIRTUAL_S];
    const lengths = ci + CLASSES * (inTok + TOKENS * outTok);
    let packed = lengths;
    if (s !== arrivalS) {
      // it waited, or the node was still prefilling: its first-token time is kept in a row
      const id = serving.take();
      const qd = serving.data;
      qd[id * Q_STRIDE + Q_FIRST_TOKEN] = firstTokenS;
      qd[id * Q_STRIDE + Q_LENGTHS] = lengths;
      packed = -id - 1;
    }
    tags.push(node, v + outTok, arrivalS, nf[NF * node + ATTR_J], packed);
    const kvBase = pn[x + PN_KV_BASE] + (inTok - v);
    pn[x + PN_KV_BASE] = kvBase;
    const reserved = pn[x + PN_RESERVED] + need;
    pn[x + PN_RESERVED] = reserved;
    observation.startedPhysical(ci, arrivalS, t, firstTokenS);
    ledger.moveLevel(node, t, 1);
    const n = ni[NI * node + ACTIVE];
    p.kv!.update(node, reserved, n < p.maxBatch && ni[NI * node + STATE] === ON);
    scheduleNext(node, t, n, v, kvBase, firstTokenS, pi);
  }

  /** Where a query needing `need` KV tokens goes: the router's node if it can hold it, else the node with the most free memory that can; -1 if none. */
  function route(p: PoolRuntime, need: number): number {
    if (p.router !== LEAST_LOADED) {
      let node: number;
      if (p.router === POWER_OF_TWO) {
        const a = p.first + Math.floor(p.rng() * p.count);
        const b = p.first + Math.floor(p.rng() * p.count);
        node = pn[PN * b + PN_RESERVED] < pn[PN * a + PN_RESERVED] ? b : a;
      } else if (p.router === ROUND_ROBIN) {
        node = p.first + p.rr;
        p.rr = p.rr + 1 === p.count ? 0 : p.rr + 1;
      } else node = p.first + Math.floor(p.rng() * p.count);
      if (fits(p, node, need)) return node;
    }
    return p.kv!.fitting(need, pn, PN, PN_RESERVED);
  }

  /** Whether the node is serving, below max_batch, and has room for `need` more KV tokens. */
  function fits(p: PoolRuntime, node: number, need: number): boolean {
    const tb = tables[ni[NI * node + POOL]]!;
    return ni[NI * node + STATE] === ON && ni[NI * node + ACTIVE] < p.maxBatch && pn[PN * node + PN_RESERVED] + need <= tb.capacityTokens;
  }

  return { advance, reschedule, arrive, departure };
}
