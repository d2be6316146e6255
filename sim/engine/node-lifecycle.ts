import { autoscaleTarget } from "../fleet/autoscale-rule.ts";
import type { Admission } from "./admission.ts";
import type { FleetState, PoolRuntime } from "./fleet-state.ts";
import * as RECORD from "./node-record.ts";
import { SUM, SUM_COUNT, type PowerLedger } from "./power-ledger.ts";
import type { Service } from "./service.ts";

// Module-level copies: an imported binding is a load from its module cell in the event loop, a local const folds.
const { ACTIVE, DRAINING, LAST_S, NF, NI, ON, PARKED, POOL, STATE, WAKING } = RECORD;

/**
 * Nodes switched off and on: where the autoscaler's decision (sim/fleet/autoscale-rule.ts) is carried
 * out. A node is ON (takes queries), DRAINING (finishes its queries, then parks), PARKED (draws
 * parked power) or WAKING (draws idle power, serves after the wake delay).
 */
export class NodeLifecycle {
  private readonly pools: PoolRuntime[];
  private readonly nf: Float64Array;
  private readonly ni: Int32Array;
  /** A draining node's place in its pool's draining set. */
  private readonly drainPos: Int32Array;

  constructor(
    private readonly f: FleetState,
    private readonly service: Service,
    private readonly ledger: PowerLedger,
    private readonly admission: Admission,
  ) {
    this.pools = f.pools;
    this.nf = f.nf;
    this.ni = f.ni;
    this.drainPos = new Int32Array(f.nodes);
  }

  /**
   * Pool pi's autoscaler at t: it sets the nodes serving to the rule's target for the work that arrived
   * over the last interval. Scaling up takes draining nodes back first (at once), then wakes parked
   * ones (after the wake delay); scaling down drains the least-loaded nodes, which park when their
   * last query finishes.
   */
  autoscale(pi: number, t: number): void {
    const p = this.pools[pi];
    const a = p.autoscale!;
    this.f.events.schedule(this.f.autoscaleSlot + pi, t + a.intervalS);
    const target = autoscaleTarget(a, p.arrivedWorkNodeS / a.intervalS);
    p.arrivedWorkNodeS = 0;
    const r = pi * SUM_COUNT;
    let serving = this.ledger.sums[r + SUM.nodesOn] - p.drainingCount + this.ledger.sums[r + SUM.wakingNodes];
    while (serving < target && p.drainingCount > 0) {
      this.undrain(p.draining[p.drainingCount - 1], p, t);
      serving++;
    }
    while (serving < target && p.parkedCount > 0) {
      this.wake(p.parked[--p.parkedCount], pi, p, t, a.wakeDelayS);
      serving++;
    }
    while (serving > target) {
      const node = p.index.leastLoadedAny();
      if (node < 0) break;
      p.index.removeNode(node);
      if (this.ni[NI * node + ACTIVE] === 0) this.park(node, pi, p, t);
      else {
        this.ni[NI * node + STATE] = DRAINING;
        this.drainPos[node] = p.drainingCount;
        p.draining[p.drainingCount++] = node;
      }
      serving--;
    }
  }

  /** A query left a node that is not ON at t: the node parks once it is empty. */
  departedOff(node: number, t: number): void {
    this.ledger.moveLevel(node, t, -1);
    if (this.ni[NI * node + ACTIVE] === 0) {
      const pi = this.ni[NI * node + POOL];
      this.park(node, pi, this.pools[pi], t);
    }
  }

  /** The wake delay of a node is over at t: it serves. */
  wakeComplete(node: number, t: number): void {
    const pi = this.ni[NI * node + POOL];
    const r = pi * SUM_COUNT;
    this.ledger.change(r + SUM.wakingNodes, -1, t);
    this.ledger.change(r + SUM.nodesOn, 1, t);
    this.f.events.cancel(node);
    this.bringOn(node, this.pools[pi], t);
  }

  /** A node with no query left is switched off: its idle power becomes parked power. */
  private park(node: number, pi: number, p: PoolRuntime, t: number): void {
    if (this.ni[NI * node + STATE] === DRAINING) this.removeDraining(node, p);
    this.ni[NI * node + STATE] = PARKED;
    p.parked[p.parkedCount++] = node;
    const r = pi * SUM_COUNT;
    this.ledger.powerOff(node, t);
    this.ledger.change(r + SUM.parkedMw, p.t.parkedMw, t);
    this.ledger.change(r + SUM.nodesOn, -1, t);
    this.ledger.change(r + SUM.parkedNodes, 1, t);
  }

  /** A parked node powers up: it draws idle power at once and serves after the wake delay. */
  private wake(node: number, pi: number, p: PoolRuntime, t: number, delayS: number): void {
    this.ni[NI * node + STATE] = WAKING;
    const r = pi * SUM_COUNT;
    this.ledger.powerOn(node, t);
    this.ledger.change(r + SUM.parkedMw, -p.t.parkedMw, t);
    this.ledger.change(r + SUM.parkedNodes, -1, t);
    this.ledger.change(r + SUM.wakingNodes, 1, t);
    this.nf[NF * node + LAST_S] = t;
    this.f.events.schedule(node, t + delayS);
  }

  /** A draining node is wanted again: it takes queries at once. */
  private undrain(node: number, p: PoolRuntime, t: number): void {
    this.removeDraining(node, p);
    this.bringOn(node, p, t);
  }

  /** Puts a node in the router's index and gives it queued queries up to max_batch. */
  private bringOn(node: number, p: PoolRuntime, t: number): void {
    this.ni[NI * node + STATE] = ON;
    p.index.addNode(node, this.ni[NI * node + ACTIVE]);
    if (p.queue.length === 0) return;
    this.service.advance(node, t);
    while (p.queue.length > 0 && this.ni[NI * node + ACTIVE] < p.maxBatch) {
      this.admission.admitQueued(p, node, t);
      this.ledger.moveLevel(node, t, 1);
      p.index.moveUp(node);
    }
    this.service.reschedule(node, t);
  }

  private removeDraining(node: number, p: PoolRuntime): void {
    const i = this.drainPos[node];
    const last = p.draining[--p.drainingCount];
    p.draining[i] = last;
    this.drainPos[last] = i;
  }
}
