import type { TagHeaps } from "../fleet/tag-heaps.ts";
import { addCompensated } from "./compensated-sum.ts";
import type { FleetState } from "./fleet-state.ts";
import * as RECORD from "./node-record.ts";

// Module-level copies: an imported binding is a load from its module cell in the event loop, a local const folds.
const { ATTR_J, NF, WARMUP_ATTR_J } = RECORD;

/**
 * Where a query is charged energy (docs/design.md, "Attribution and the ledger"). While k queries
 * share a node each is charged P(k)/k watts: the node's attribution clock A (advanced by service.ts)
 * is the energy charged to every active query so far, so a query's charge is A at its departure less
 * A at its admission (kept with its finish tag). The ledger sums the charges from the end of the
 * warmup on, so that attributed + idle = node energy.
 */
export class Attribution {
  /** Joules charged to queries after the warmup, and the sum's compensation term. */
  private readonly ledgerJ = new Float64Array(1);
  private readonly ledgerCarryJ = new Float64Array(1);
  private readonly nf: Float64Array;
  private readonly tags: TagHeaps;
  private readonly warmupS: number;

  constructor(f: FleetState) {
    this.nf = f.nf;
    this.tags = f.tags;
    this.warmupS = f.warmupS;
  }

  /**
   * The query TagHeaps.popMin just took off the node's heap departs (clocks brought up to now): its
   * charge in joules over its whole stay; the ledger counts the part after the warmup when `warm`.
   */
  chargeDeparture(node: number, warm: boolean): number {
    const attrStartJ = this.tags.attrStartJ;
    const nowJ = this.nf[NF * node + ATTR_J];
    const chargedJ = nowJ - attrStartJ;
    if (warm) {
      // arrived after the warmup, so started after it: A at its start >= A at the warmup's end (A never
      // falls: a node draws no negative power), the whole charge counts, and the record's A at the
      // warmup (in its last 16 bytes, node-record.ts) is not read
      if (this.tags.arrivalS >= this.warmupS) this.add(chargedJ);
      else {
        const warmJ = this.nf[NF * node + WARMUP_ATTR_J];
        this.add(attrStartJ >= warmJ ? chargedJ : nowJ - warmJ);
      }
    }
    return chargedJ;
  }

  /** At the warmup's end (clocks brought up to now): what queries drew so far is not in the ledger. */
  endWarmup(node: number): void {
    this.nf[NF * node + WARMUP_ATTR_J] = this.nf[NF * node + ATTR_J];
  }

  /** At the end of a run (clocks brought up to now): the k-th query still on the node is charged what it drew after the warmup. */
  chargeInFlight(node: number, k: number): void {
    this.add(this.nf[NF * node + ATTR_J] - Math.max(this.tags.attrStartAt(node, k), this.nf[NF * node + WARMUP_ATTR_J]));
  }

  /** A physical node's prefill: what the prefilled query is charged for it inside [warmup, end] (physical-node.ts). */
  addPrefill(j: number): void {
    this.add(j);
  }

  get attributedJ(): number {
    return this.ledgerJ[0];
  }

  private add(j: number): void {
    addCompensated(this.ledgerJ, this.ledgerCarryJ, 0, j);
  }
}
