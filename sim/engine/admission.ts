import { cumulative, pick } from "../../models/categorical.ts";
import type { Rng, StreamFactory } from "../../models/rng.ts";
import { queryWorkNodeS } from "../../models/work.ts";
import type { ArrivalStream } from "../arrivals/stream.ts";
import { ARRIVAL_S, CLASS_INDEX, INPUT_TOKENS, STRIDE, WORK_NODE_S } from "../fleet/query-slots.ts";
import type { QuerySlots } from "../fleet/query-slots.ts";
import type { Scenario } from "../scenario/types.ts";
import type { FleetState, PoolRuntime } from "./fleet-state.ts";
import type { Observation } from "./observation.ts";
import type { PhysicalNodes } from "./physical-node.ts";
import type { PowerLedger } from "./power-ledger.ts";
import { route } from "./routers/index.ts";
import type { Service } from "./service.ts";

/** Work is tabulated for L_out below this when a class's input length is fixed. */
const WORK_TABLE_SIZE = 1 << 15;

/**
 * Where a query arrives, waits and is admitted. An arrival draws its pool by the class's shares and
 * its work W = L_out / TPS(L_in, L_out) divided by the levers (node-seconds at full batch), then goes
 * to the node its pool's router picks (routers/), or, when every node is at max_batch, waits at the
 * end of its pool's FIFO queue. A node that loses a query (or comes on) takes the queue's first.
 */
export class Admission {
  /** Time of the next arrival (Infinity when the stream has ended). */
  nextArrivalS = Infinity;
  private readonly pools: PoolRuntime[];
  private readonly poolCum: Float64Array[];
  private readonly poolRng: Rng;
  /** Work W(L_out) per class x pool when the class's input length is fixed; L_out below WORK_TABLE_SIZE. */
  private readonly workTables: (Float64Array | null)[];
  private readonly ni: Int32Array;
  private readonly queries: QuerySlots;

  constructor(
    scenario: Scenario,
    f: FleetState,
    streams: StreamFactory,
    private readonly arrivals: ArrivalStream,
    private readonly service: Service,
    private readonly ledger: PowerLedger,
    private readonly observation: Observation,
    private readonly physical: PhysicalNodes,
  ) {
    this.pools = f.pools;
    this.ni = f.ni;
    this.queries = f.queries;
    this.poolCum = scenario.workload.classes.map((c) => cumulative(scenario.pools.map((p) => p.classShares[c.name] ?? 0)));
    this.poolRng = streams("pools");
    this.workTables = scenario.workload.classes.flatMap((c) =>
      this.pools.map((p) => ("fixed" in c.inputTokens ? workTable(p, Math.round(c.inputTokens.fixed)) : null)),
    );
  }

  /** The first query of the stream; then each arrival draws the next. */
  begin(): void {
    this.nextArrivalS = this.arrivals.advance();
  }

  /** The query due at t arrives. */
  arrive(t: number): void {
    const a = this.arrivals;
    const ci = a.classIndex;
    const inTok = a.inputTokens;
    const outTok = a.outputTokens;
    this.nextArrivalS = a.advance();
    const pi = pick(this.poolCum[ci], this.poolRng);
    const p = this.pools[pi];
    if (p.physical !== null) {
      this.observation.arrival(ci, t);
      this.physical.arrive(p, pi, t, ci, inTok, outTok);
      return;
    }
    const table = this.workTables[ci * this.pools.length + pi];
    const work = table !== null && outTok < WORK_TABLE_SIZE ? table[outTok] : workNodeS(p, inTok, outTok);
    p.arrivedWorkNodeS += work;
    this.observation.arrival(ci, t);
    const node = route(p, this.ni);
    if (node < 0) {
      const q = this.queries;
      const id = q.take();
      const row = id * STRIDE;
      const qd = q.data;
      qd[row + ARRIVAL_S] = t;
      qd[row + WORK_NODE_S] = work;
      qd[row + INPUT_TOKENS] = inTok;
      qd[row + CLASS_INDEX] = ci;
      p.queue.push(id);
      return;
    }
    this.service.advance(node, t);
    this.start(node, p, t, t, work, inTok, ci);
    this.ledger.moveLevel(node, t, 1);
    p.index.moveUp(node);
    this.service.reschedule(node, t);
  }

  /** The first query of p's queue starts on node at t (its clocks brought up to t); the caller counts it in the node's batch. */
  admitQueued(p: PoolRuntime, node: number, t: number): void {
    const id = p.queue.shift();
    const qd = this.queries.data;
    const row = id * STRIDE;
    this.start(node, p, t, qd[row + ARRIVAL_S], qd[row + WORK_NODE_S], qd[row + INPUT_TOKENS], qd[row + CLASS_INDEX]);
    this.queries.release(id);
  }

  private start(node: number, p: PoolRuntime, t: number, arrivalS: number, work: number, inputTokens: number, ci: number): void {
    this.service.start(node, work, arrivalS, ci);
    this.observation.started(ci, arrivalS, t, inputTokens, p.prefillTokensPerS);
  }
}

/** Work of one query in node-seconds at full batch: L_out / TPS(L_in, L_out), divided by the levers. */
function workNodeS(p: PoolRuntime, inputTokens: number, outputTokens: number): number {
  return queryWorkNodeS(p.tps, inputTokens, outputTokens, p.workScale);
}

/** workNodeS for every L_out below WORK_TABLE_SIZE at a fixed L_in: the event loop then only looks it up. */
function workTable(p: PoolRuntime, inputTokens: number): Float64Array {
  const table = new Float64Array(WORK_TABLE_SIZE);
  for (let k = 0; k < WORK_TABLE_SIZE; k++) table[k] = workNodeS(p, inputTokens, k);
  return table;
}
