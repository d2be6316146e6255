/** Doubles per heap entry: the finish tag, then what the query's completion needs. */
const ENTRY = 4;
const TAG = 0;
const ARRIVAL = 1;
const ATTR_START = 2;
const CLASS = 3;

/**
 * Per node, its active queries as a binary min-heap on their finish tags (in the node's virtual
 * time). An entry carries what the query's completion needs (arrival time, the node's attribution
 * clock at admission, class), so a departure reads the memory it has just sifted, not a query record
 * elsewhere (a cache miss per query on large fleets).
 *
 * All nodes' heaps live in one Float64Array (a slab), each in its own region: reaching a node's heap
 * is one offset lookup, not a pointer chase through a per-node array object. A region starts small
 * and doubles when the node's batch outgrows it: the new region goes at the slab's end; when the slab
 * is full it is rebuilt at twice the capacity in use, regions packed. No allocation otherwise.
 */
export class TagHeaps {
  /** The slab: the node's i-th entry starts at h[base[node] + ENTRY i]. */
  h: Float64Array;
  readonly base: Int32Array;
  readonly size: Int32Array;
  /** The entry popMin removed. */
  arrivalS = 0;
  attrStartJ = 0;
  classIndex = 0;
  /** Entries each node's region holds. */
  private readonly cap: Int32Array;
  /** Doubles used at the slab's start (regions in use and abandoned ones). */
  private top: number;
  /** Doubles in the regions in use. */
  private reserved: number;

  constructor(nodes: number, initialCapacity: number) {
    const c = Math.max(1, initialCapacity);
    this.h = new Float64Array(Math.max(ENTRY * c * nodes, ENTRY));
    this.base = new Int32Array(nodes);
    this.size = new Int32Array(nodes);
    this.cap = new Int32Array(nodes).fill(c);
    for (let node = 0; node < nodes; node++) this.base[node] = ENTRY * c * node;
    this.top = this.reserved = ENTRY * c * nodes;
  }

  minTag(node: number): number {
    return this.h[this.base[node]];
  }

  /** The arrival time of the node's k-th entry (any order), for a final pass over what is in flight. */
  arrivalAt(node: number, k: number): number {
    return this.h[this.base[node] + ENTRY * k + ARRIVAL];
  }

  /** The attribution clock at admission of the node's k-th entry (any order). */
  attrStartAt(node: number, k: number): number {
    return this.h[this.base[node] + ENTRY * k + ATTR_START];
  }

  push(node: number, tag: number, arrivalS: number, attrStartJ: number, classIndex: number): void {
    let n = this.size[node]++;
    if (n === this.cap[node]) this.grow(node);
    const h = this.h;
    const b = this.base[node];
    while (n > 0) {
      const parent = (n - 1) >> 1;
      const p = b + ENTRY * parent;
      if (h[p] <= tag) break;
      const i = b + ENTRY * n;
      h[i] = h[p];
      h[i + 1] = h[p + 1];
      h[i + 2] = h[p + 2];
      h[i + 3] = h[p + 3];
      n = parent;
    }
    const i = b + ENTRY * n;
    h[i + TAG] = tag;
    h[i + ARRIVAL] = arrivalS;
    h[i + ATTR_START] = attrStartJ;
    h[i + CLASS] = classIndex;
  }

  /** Removes the entry with the smallest tag; its fields are then in arrivalS, attrStartJ, classIndex. */
  popMin(node: number): void {
    const h = this.h;
    const b = this.base[node];
    this.arrivalS = h[b + ARRIVAL];
    this.attrStartJ = h[b + ATTR_START];
    this.classIndex = h[b + CLASS];
    const n = --this.size[node];
    const last = b + ENTRY * n;
    const tag = h[last];
    const f1 = h[last + 1];
    const f2 = h[last + 2];
    const f3 = h[last + 3];
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      let cp = b + ENTRY * c;
      if (c + 1 < n && h[cp + ENTRY] < h[cp]) {
        c++;
        cp += ENTRY;
      }
      if (h[cp] >= tag) break;
      const ip = b + ENTRY * i;
      h[ip] = h[cp];
      h[ip + 1] = h[cp + 1];
      h[ip + 2] = h[cp + 2];
      h[ip + 3] = h[cp + 3];
      i = c;
    }
    const ip = b + ENTRY * i;
    h[ip] = tag;
    h[ip + 1] = f1;
    h[ip + 2] = f2;
    h[ip + 3] = f3;
  }

  /** Moves a full node's heap to a region twice as large. */
  private grow(node: number): void {
    const old = ENTRY * this.cap[node];
    const need = 2 * old;
    if (this.top + need > this.h.length) this.repack(2 * (this.reserved + need));
    const from = this.base[node];
    this.h.copyWithin(this.top, from, from + old);
    this.base[node] = this.top;
    this.top += need;
    this.cap[node] = need / ENTRY;
    this.reserved += need - old;
  }

  /** A new slab of `length` doubles with the regions in use packed at its start. */
  private repack(length: number): void {
    const slab = new Float64Array(length);
    let at = 0;
    for (let node = 0; node < this.base.length; node++) {
      const len = ENTRY * this.cap[node];
      slab.set(this.h.subarray(this.base[node], this.base[node] + len), at);
      this.base[node] = at;
      at += len;
    }
    this.h = slab;
    this.top = at;
  }
}
