/** Doubles per entry: the finish tag, then what the query's completion needs. */
const ENTRY = 4;
const TAG = 0;
const ARRIVAL = 1;
const ATTR_START = 2;
const CLASS = 3;
// Per node, four int32s side by side (one cache line for what an operation reads first).
const BASE = 0;
const SIZE = 1;
const FRONT_N = 2;
const CAP = 3;
/** Entries a refill aims to move into a node's front heap. */
const FRONT = 16;
/** A front heap grown to this size is split (its larger tags go back to the bag)... */
const SPLIT_AT = 64;
/** ...and a node with at most this many entries at a refill keeps them all in its heap. */
const PLAIN_UP_TO = 32;

/**
 * Per node, its active queries ordered by finish tag (in the node's virtual time). An entry carries
 * what the query's completion needs (arrival time, the node's attribution clock at admission,
 * class), so a departure reads the memory it has just sifted, not a query record elsewhere.
 *
 * A node's entries are split by a tag limit: those at or below it form a small binary min-heap (the
 * front), the others an unordered bag (the back). A new entry above the limit is appended to the bag;
 * when the front runs empty, the bag's entries up to a new limit (about FRONT of them) are moved into
 * it. A departure then sifts through a heap of a few dozen entries, not of the whole batch (up to
 * hundreds: each level of a large heap is a cache miss), and most arrivals cost one append. A node
 * with few entries keeps them all in the front (the limit is infinite), as a plain heap.
 *
 * All nodes' entries live in one Float64Array (a slab), each node in its own region: the front heap
 * from the region's start, the bag from its end downwards. A region starts small and doubles when the
 * node's batch outgrows it: the new region goes at the slab's end; when the slab is full it is rebuilt
 * at twice the capacity in use, regions packed. No allocation otherwise.
 */
export class TagHeaps {
  /** The slab: a node's region starts at h[meta[4 node + BASE]]. */
  h: Float64Array;
  /** Per node: where its region starts in h, its entries, those in its front heap, its region's capacity in entries. */
  private readonly meta: Int32Array;
  /** The entry popMin removed. */
  arrivalS = 0;
  attrStartJ = 0;
  classIndex = 0;
  /** Per node: front tags are <= limit < bag tags. */
  private readonly limit: Float64Array;
  /** Per node, the tag span the next refill moves to the front (adapted; 0 until measured). */
  private readonly spread: Float64Array;
  /** Doubles used at the slab's start (regions in use and abandoned ones). */
  private top: number;
  /** Doubles in the regions in use. */
  private reserved: number;

  constructor(nodes: number, initialCapacity: number) {
    const c = Math.max(1, initialCapacity);
    this.h = new Float64Array(Math.max(ENTRY * c * nodes, ENTRY));
    this.meta = new Int32Array(4 * nodes);
    this.limit = new Float64Array(nodes).fill(Infinity);
    this.spread = new Float64Array(nodes);
    for (let node = 0; node < nodes; node++) {
      this.meta[4 * node + BASE] = ENTRY * c * node;
      this.meta[4 * node + CAP] = c;
    }
    this.top = this.reserved = ENTRY * c * nodes;
  }

  /** The smallest tag of a node with entries. */
  minTag(node: number): number {
    return this.h[this.meta[4 * node + BASE]];
  }

  /** The node's entries. */
  sizeOf(node: number): number {
    return this.meta[4 * node + SIZE];
  }

  /** Where the node's k-th entry (any order, k < size) starts in h. */
  private at(node: number, k: number): number {
    const m = 4 * node;
    const meta = this.meta;
    return meta[m + BASE] + ENTRY * (k < meta[m + FRONT_N] ? k : meta[m + CAP] - meta[m + SIZE] + k);
  }

  /** The arrival time of the node's k-th entry (any order), for a final pass over what is in flight. */
  arrivalAt(node: number, k: number): number {
    return this.h[this.at(node, k) + ARRIVAL];
  }

  /** The attribution clock at admission of the node's k-th entry (any order). */
  attrStartAt(node: number, k: number): number {
    return this.h[this.at(node, k) + ATTR_START];
  }

  push(node: number, tag: number, arrivalS: number, attrStartJ: number, classIndex: number): void {
    const meta = this.meta;
    const m = 4 * node;
    const n = meta[m + SIZE]++;
    if (n === meta[m + CAP]) this.grow(node);
    const h = this.h;
    const b = meta[m + BASE];
    if (tag > this.limit[node]) {
      // into the bag, below its lowest entry
      const i = b + ENTRY * (meta[m + CAP] - 1 - n + meta[m + FRONT_N]);
      h[i + TAG] = tag;
      h[i + ARRIVAL] = arrivalS;
      h[i + ATTR_START] = attrStartJ;
      h[i + CLASS] = classIndex;
      return;
    }
    const f = meta[m + FRONT_N]++;
    // sift up, written out for the same reason as popMin's sift down
    let n2 = f;
    while (n2 > 0) {
      const parent = (n2 - 1) >> 1;
      const p = b + ENTRY * parent;
      if (h[p] <= tag) break;
      const i = b + ENTRY * n2;
      h[i] = h[p];
      h[i + 1] = h[p + 1];
      h[i + 2] = h[p + 2];
      h[i + 3] = h[p + 3];
      n2 = parent;
    }
    const i = b + ENTRY * n2;
    h[i + TAG] = tag;
    h[i + ARRIVAL] = arrivalS;
    h[i + ATTR_START] = attrStartJ;
    h[i + CLASS] = classIndex;
    if (f === SPLIT_AT) this.split(node);
  }

  /** Removes the entry with the smallest tag; its fields are then in arrivalS, attrStartJ, classIndex. */
  popMin(node: number): void {
    const h = this.h;
    const meta = this.meta;
    const m = 4 * node;
    const b = meta[m + BASE];
    this.arrivalS = h[b + ARRIVAL];
    this.attrStartJ = h[b + ATTR_START];
    this.classIndex = h[b + CLASS];
    meta[m + SIZE]--;
    const f = --meta[m + FRONT_N];
    // the front's last entry sinks from the root to its place: siftDown written out, since as a call
    // V8 inlined less of the event loop and hour-8000 ran 10 % slower (docs/performance-journal.md)
    const last = b + ENTRY * f;
    const tag = h[last];
    const f1 = h[last + 1];
    const f2 = h[last + 2];
    const f3 = h[last + 3];
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= f) break;
      let cp = b + ENTRY * c;
      if (c + 1 < f && h[cp + ENTRY] < h[cp]) {
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
    if (f === 0) this.refill(node);
  }

  /** The front is empty: the bag's smallest tags become the new front heap (an empty node's limit goes back to infinity). */
  private refill(node: number): void {
    const meta = this.meta;
    const m = 4 * node;
    const n = meta[m + SIZE];
    if (n === 0) {
      this.limit[node] = Infinity;
      return;
    }
    const h = this.h;
    const b = meta[m + BASE];
    const low = b + ENTRY * (meta[m + CAP] - n);
    if (n <= PLAIN_UP_TO) {
      // few entries: one heap of all of them
      h.copyWithin(b, low, low + ENTRY * n);
      heapify(h, b, n);
      meta[m + FRONT_N] = n;
      this.limit[node] = Infinity;
      return;
    }
    let spread = this.spread[node];
    // every bag tag is above the old limit: the first try takes those up to old limit + spread
    let limit = spread > 0 ? this.limit[node] + spread : -Infinity;
    let f = take(h, b, low, n, limit);
    if (f === 0) {
      // none (or no spread measured yet): from the smallest tag, with the spread measured or widened
      let min = Infinity;
      let max = -Infinity;
      for (let i = low; i < low + ENTRY * n; i += ENTRY) {
        const t = h[i];
        if (t < min) min = t;
        if (t > max) max = t;
      }
      spread = spread > 0 ? 2 * spread : ((max - min) * FRONT) / n;
      limit = min + spread;
      f = take(h, b, low, n, limit);
    }
    heapify(h, b, f);
    meta[m + FRONT_N] = f;
    this.limit[node] = limit;
    this.spread[node] = f < FRONT / 2 ? 2 * spread : f > 2 * FRONT ? spread / 2 : spread;
  }

  /** The front heap has grown too large: all entries go back to the bag and the front is refilled. */
  private split(node: number): void {
    const h = this.h;
    const m = 4 * node;
    const b = this.meta[m + BASE];
    const n = this.meta[m + SIZE];
    const f = this.meta[m + FRONT_N];
    // the front's entries go just below the bag's lowest entry
    h.copyWithin(b + ENTRY * (this.meta[m + CAP] - n), b, b + ENTRY * f);
    this.meta[m + FRONT_N] = 0;
    this.spread[node] = 0;
    this.refill(node);
  }

  /** Moves a full node's entries to a region twice as large. */
  private grow(node: number): void {
    const m = 4 * node;
    const old = ENTRY * this.meta[m + CAP];
    const need = 2 * old;
    if (this.top + need > this.h.length) this.repack(2 * (this.reserved + need));
    const from = this.meta[m + BASE];
    const front = ENTRY * this.meta[m + FRONT_N];
    // the front stays at the region's start, the bag (the rest of the full region) goes to the end
    this.h.copyWithin(this.top, from, from + front);
    this.h.copyWithin(this.top + need - (old - front), from + front, from + old);
    this.meta[m + BASE] = this.top;
    this.top += need;
    this.meta[m + CAP] = need / ENTRY;
    this.reserved += need - old;
  }

  /** A new slab of `length` doubles with the regions in use packed at its start. */
  private repack(length: number): void {
    const slab = new Float64Array(length);
    let at = 0;
    for (let m = 0; m < this.meta.length; m += 4) {
      const len = ENTRY * this.meta[m + CAP];
      slab.set(this.h.subarray(this.meta[m + BASE], this.meta[m + BASE] + len), at);
      this.meta[m + BASE] = at;
      at += len;
    }
    this.h = slab;
    this.top = at;
  }
}

/**
 * Moves the bag's entries with tag <= limit (the bag: n entries from `low` on) to the front, from b
 * on; the bag closes up from below. Returns how many moved.
 */
function take(h: Float64Array, b: number, low: number, n: number, limit: number): number {
  const end = low + ENTRY * n;
  let f = 0;
  for (let i = low; i < end; i += ENTRY) {
    const tag = h[i];
    if (tag > limit) continue;
    const f1 = h[i + 1];
    const f2 = h[i + 2];
    const f3 = h[i + 3];
    // the bag's lowest entry (already looked at, kept) fills the hole; then the entry goes to the
    // front (whose next place may be that lowest one's, in a full region)
    if (i !== low) moveEntry(h, low, i);
    low += ENTRY;
    const d = b + ENTRY * f++;
    h[d] = tag;
    h[d + 1] = f1;
    h[d + 2] = f2;
    h[d + 3] = f3;
  }
  return f;
}

function heapify(h: Float64Array, b: number, n: number): void {
  for (let i = (n >> 1) - 1; i >= 0; i--) {
    const p = b + ENTRY * i;
    siftDown(h, b, i, n, h[p], h[p + 1], h[p + 2], h[p + 3]);
  }
}

function moveEntry(h: Float64Array, from: number, to: number): void {
  h[to] = h[from];
  h[to + 1] = h[from + 1];
  h[to + 2] = h[from + 2];
  h[to + 3] = h[from + 3];
}

/** Moves the entry (tag, f1, f2, f3) down from place i of the n-entry heap at b to where it belongs. */
function siftDown(h: Float64Array, b: number, i: number, n: number, tag: number, f1: number, f2: number, f3: number): void {
  for (;;) {
    let c = 2 * i + 1;
    if (c >= n) break;
    let cp = b + ENTRY * c;
    if (c + 1 < n && h[cp + ENTRY] < h[cp]) {
      c++;
      cp += ENTRY;
    }
    if (h[cp] >= tag) break;
    moveEntry(h, cp, b + ENTRY * i);
    i = c;
  }
  const ip = b + ENTRY * i;
  h[ip] = tag;
  h[ip + 1] = f1;
  h[ip + 2] = f2;
  h[ip + 3] = f3;
}
