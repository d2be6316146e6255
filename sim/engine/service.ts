import type { TagHeaps } from "../fleet/tag-heaps.ts";
import type { EventQueue } from "./event-queue.ts";
import type { FleetState } from "./fleet-state.ts";
import * as RECORD from "./node-record.ts";
import type { PhysicalNodes } from "./physical-node.ts";

// Module-level copies: an imported binding is a load from its module cell in the event loop, a local const folds.
const { ACTIVE, ATTR_J, LAST_S, LEVELS, NF, NI, POOL, REGRESSION, VIRTUAL_S } = RECORD;

/**
 * Where a query is served (docs/design.md, "The node: continuous batching as processor sharing").
 * With k queries active a node gives each h(k)/k node-seconds of service per second. Its virtual time
 * V is the service every active query has received; a query admitted at V = v0 with work W finishes
 * when V = v0 + W, its finish tag, kept in the node's heap. The node's next departure is when V reaches
 * the smallest tag: one event per node, rescheduled when k changes, never a pass over queries.
 *
 * The node's attribution clock A (J charged per active query, at P(k)/k watts) advances here together
 * with V, in the same pass over the node record; what is charged from it is attribution.ts.
 * A physical node's clocks run by its own rule (physical-node.ts).
 */
export class Service {
  private readonly nf: Float64Array;
  private readonly ni: Int32Array;
  private readonly levelRates: Float64Array;
  private readonly tags: TagHeaps;
  private readonly events: EventQueue;
  private readonly anyPhysical: boolean;
  private readonly poolKind: Int32Array;

  constructor(
    f: FleetState,
    private readonly physical: PhysicalNodes,
  ) {
    this.anyPhysical = f.anyPhysical;
    this.poolKind = f.poolKind;
    this.nf = f.nf;
    this.ni = f.ni;
    this.levelRates = f.levelRates;
    this.tags = f.tags;
    this.events = f.events;
  }

  /** Brings a node's virtual and attribution clocks up to t. */
  advance(node: number, t: number): void {
    if (this.anyPhysical && this.poolKind[this.ni[NI * node + POOL]] !== REGRESSION) return this.physical.advance(node, t);
    const k = this.ni[NI * node + ACTIVE];
    if (k > 0) {
      const dt = t - this.nf[NF * node + LAST_S];
      const r = 2 * (this.ni[NI * node + LEVELS] + k);
      this.nf[NF * node + VIRTUAL_S] += this.levelRates[r] * dt;
      this.nf[NF * node + ATTR_J] += this.levelRates[r + 1] * dt;
    }
    this.nf[NF * node + LAST_S] = t;
  }

  /** A query of work W (node-seconds) starts on the node (clocks brought up to now): its finish tag goes into the node's heap. */
  start(node: number, work: number, arrivalS: number, classIndex: number): void {
    this.tags.push(node, this.nf[NF * node + VIRTUAL_S] + work, arrivalS, this.nf[NF * node + ATTR_J], classIndex);
  }

  /** The node's next departure, from its smallest finish tag and its current rate (none when idle). */
  reschedule(node: number, t: number): void {
    if (this.anyPhysical && this.poolKind[this.ni[NI * node + POOL]] !== REGRESSION) return this.physical.reschedule(node, t);
    const k = this.ni[NI * node + ACTIVE];
    if (k === 0) {
      this.events.cancel(node);
      return;
    }
    const rate = this.levelRates[2 * (this.ni[NI * node + LEVELS] + k)];
    const dt = (this.tags.minTag(node) - this.nf[NF * node + VIRTUAL_S]) / rate;
    this.events.schedule(node, dt > 0 ? t + dt : t);
  }
}
