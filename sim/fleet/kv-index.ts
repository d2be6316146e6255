/** Buckets of free KV memory: each is a 1/BUCKETS share of a node's capacity. */
const BUCKETS = 1024;
/** Nodes of the top bucket a query is tried on before it is declared not to fit anywhere. */
const PROBES = 8;
/** A node's record in KvIndex.link: int32s at LINK node + field. */
const LINK = 4;
const NEXT = 0;
const PREV = 1;
const BUCKET = 2;

/**
 * The nodes of a physical pool that can take another query (serving, below max_batch), bucketed by
 * their free KV memory, each bucket a doubly linked list over typed arrays, with the highest
 * non-empty bucket kept. The least-loaded node of a physical pool is the one with the most free KV
 * cache: found in O(1), and a node moves in O(1) when its reservation changes. A query that does not
 * fit the first few nodes of the top bucket fits none (every node elsewhere has less free memory),
 * except within one bucket's width (0.1 % of capacity) of the most free memory: then at most PROBES
 * nodes are tried. Never a scan over nodes.
 */
export class KvIndex {
  private readonly head: Int32Array;
  /** Per node (fleet index), at LINK node: the next and previous node of its bucket's list, and its bucket (-1: out of the index). 16 bytes; the fleet's nodes before the pool's first are not used. */
  private readonly link: Int32Array;
  private readonly tokensPerBucket: number;
  /** Highest bucket holding a node; -1 when none. */
  private high = -1;
  /** Nodes in the index. */
  size = 0;

  constructor(
    first: number,
    count: number,
    private readonly capacityTokens: number,
  ) {
    this.head = new Int32Array(BUCKETS + 1).fill(-1);
    this.link = new Int32Array(LINK * (first + count)).fill(-1);
    this.tokensPerBucket = capacityTokens / BUCKETS;
    // every node empty, in the top bucket, the first at the head of its list
    for (let node = first; node < first + count; node++) {
      this.link[LINK * node + NEXT] = node + 1 < first + count ? node + 1 : -1;
      this.link[LINK * node + PREV] = node > first ? node - 1 : -1;
      this.link[LINK * node + BUCKET] = BUCKETS;
    }
    if (count > 0) {
      this.head[BUCKETS] = first;
      this.high = BUCKETS;
      this.size = count;
    }
  }

  /** A node with room for `tokens` more (node's reservation at reserved[stride node + at]), or -1. */
  fitting(tokens: number, reserved: Float64Array, stride: number, at: number): number {
    const b = this.high;
    if (b < 0) return -1;
    let node = this.head[b];
    for (let probes = 0; node >= 0 && probes < PROBES; probes++) {
      if (reserved[stride * node + at] + tokens <= this.capacityTokens) return node;
      node = this.link[LINK * node + NEXT];
    }
    return -1;
  }

  /**
   * The node's reservation or batch changed: it is in the index at its free memory when `open`, else
   * out of it. A node joins the head of its bucket's list. Written out (no insert/remove calls): it
   * runs twice per query.
   */
  update(node: number, reservedTokens: number, open: boolean): void {
    const l = this.link;
    const old = l[LINK * node + BUCKET];
    let b = -1;
    if (open) {
      b = Math.floor((this.capacityTokens - reservedTokens) / this.tokensPerBucket);
      b = b < 0 ? 0 : b > BUCKETS ? BUCKETS : b;
    }
    if (b === old) return;
    const head = this.head;
    if (old >= 0) {
      const p = l[LINK * node + PREV];
      const n = l[LINK * node + NEXT];
      if (p >= 0) l[LINK * p + NEXT] = n;
      else head[old] = n;
      if (n >= 0) l[LINK * n + PREV] = p;
    }
    l[LINK * node + BUCKET] = b;
    if (b >= 0) {
      const h = head[b];
      l[LINK * node + NEXT] = h;
      l[LINK * node + PREV] = -1;
      if (h >= 0) l[LINK * h + PREV] = node;
      head[b] = node;
      if (b > this.high) this.high = b;
      if (old < 0) this.size++;
    } else this.size--;
    // the highest bucket emptied: the next non-empty one below it
    if (old === this.high && head[old] < 0) {
      let h = old - 1;
      while (h >= 0 && head[h] < 0) h--;
      this.high = h;
    }
  }
}
