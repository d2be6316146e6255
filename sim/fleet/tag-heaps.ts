/**
 * Per node, the finish tags (in the node's virtual time) of its active queries, as a binary min-heap
 * of (tag, query row) pairs. All nodes' heaps live in one Float64Array (a slab), each in its own
 * region: reaching a node's heap is one offset lookup, not a pointer chase through a per-node array
 * object (a cache miss per event on large fleets). A region starts small and doubles when the node's
 * batch outgrows it: the new region goes at the slab's end; when the slab is full it is rebuilt at
 * twice the capacity in use, regions packed. No allocation otherwise.
 */
export class TagHeaps {
  /** The slab: h[base[node] + 2 i] is the node's i-th tag, h[base[node] + 2 i + 1] its query's row. */
  h: Float64Array;
  readonly base: Int32Array;
  readonly size: Int32Array;
  /** Entries each node's region holds. */
  private readonly cap: Int32Array;
  /** Doubles used at the slab's start (regions in use and abandoned ones). */
  private top: number;
  /** Doubles in the regions in use. */
  private reserved: number;

  constructor(nodes: number, initialCapacity: number) {
    const c = Math.max(1, initialCapacity);
    this.h = new Float64Array(Math.max(2 * c * nodes, 2));
    this.base = new Int32Array(nodes);
    this.size = new Int32Array(nodes);
    this.cap = new Int32Array(nodes).fill(c);
    for (let node = 0; node < nodes; node++) this.base[node] = 2 * c * node;
    this.top = this.reserved = 2 * c * nodes;
  }

  minTag(node: number): number {
    return this.h[this.base[node]];
  }

  /** The query row of the k-th entry (any order), for a final pass over what is in flight. */
  idAt(node: number, k: number): number {
    return this.h[this.base[node] + 2 * k + 1];
  }

  push(node: number, tag: number, id: number): void {
    let n = this.size[node]++;
    if (n === this.cap[node]) this.grow(node);
    const h = this.h;
    const b = this.base[node];
    while (n > 0) {
      const parent = (n - 1) >> 1;
      const pt = h[b + 2 * parent];
      if (pt <= tag) break;
      h[b + 2 * n] = pt;
      h[b + 2 * n + 1] = h[b + 2 * parent + 1];
      n = parent;
    }
    h[b + 2 * n] = tag;
    h[b + 2 * n + 1] = id;
  }

  /** Removes the query with the smallest tag and returns its row. */
  popMin(node: number): number {
    const h = this.h;
    const b = this.base[node];
    const top = h[b + 1];
    const n = --this.size[node];
    const tag = h[b + 2 * n];
    const id = h[b + 2 * n + 1];
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      if (c + 1 < n && h[b + 2 * c + 2] < h[b + 2 * c]) c++;
      if (h[b + 2 * c] >= tag) break;
      h[b + 2 * i] = h[b + 2 * c];
      h[b + 2 * i + 1] = h[b + 2 * c + 1];
      i = c;
    }
    h[b + 2 * i] = tag;
    h[b + 2 * i + 1] = id;
    return top;
  }

  /** Moves a full node's heap to a region twice as large. */
  private grow(node: number): void {
    const old = 2 * this.cap[node];
    const need = 2 * old;
    if (this.top + need > this.h.length) this.repack(2 * (this.reserved + need));
    const from = this.base[node];
    this.h.copyWithin(this.top, from, from + old);
    this.base[node] = this.top;
    this.top += need;
    this.cap[node] = need / 2;
    this.reserved += need - old;
  }

  /** A new slab of `length` doubles with the regions in use packed at its start. */
  private repack(length: number): void {
    const slab = new Float64Array(length);
    let at = 0;
    for (let node = 0; node < this.base.length; node++) {
      const len = 2 * this.cap[node];
      slab.set(this.h.subarray(this.base[node], this.base[node] + len), at);
      this.base[node] = at;
      at += len;
    }
    this.h = slab;
    this.top = at;
  }
}
