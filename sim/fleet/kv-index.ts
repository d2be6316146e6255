/** Buckets of free KV memory: each is a 1/BUCKETS share of a node's capacity. */
const BUCKETS = 1024;
/** Nodes of the top bucket a query is tried on before it is declared not to fit anywhere. */
const PROBES = 8;

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
  private readonly next: Int32Array;
  private readonly prev: Int32Array;
  /** Per node: its bucket, or -1 when out of the index. */
  private readonly bucket: Int32Array;
  private readonly tokensPerBucket: number;
  /** Highest bucket holding a node; -1 when none. */
  private high = -1;
  /** Nodes in the index. */
  size = 0;

  constructor(
    private readonly first: number,
    count: number,
    private readonly capacityTokens: number,
  ) {
    this.head = new Int32Array(BUCKETS + 1).fill(-1);
    this.next = new Int32Array(count).fill(-1);
    this.prev = new Int32Array(count).fill(-1);
    this.bucket = new Int32Array(count).fill(-1);
    this.tokensPerBucket = capacityTokens / BUCKETS;
    for (let k = count - 1; k >= 0; k--) this.insert(k, BUCKETS);
  }

  /** A node with room for `tokens` more (node's reservation at reserved[stride node + at]), or -1. */
  fitting(tokens: number, reserved: Float64Array, stride: number, at: number): number {
    const b = this.high;
    if (b < 0) return -1;
    let k = this.head[b];
    for (let probes = 0; k >= 0 && probes < PROBES; probes++) {
      if (reserved[stride * (k + this.first) + at] + tokens <= this.capacityTokens) return k + this.first;
      k = this.next[k];
    }
    return -1;
  }

  /** The node's reservation or batch changed: it is in the index at its free memory when `open`, else out of it. */
  update(node: number, reservedTokens: number, open: boolean): void {
    const k = node - this.first;
    const old = this.bucket[k];
    let b = -1;
    if (open) {
      b = Math.floor((this.capacityTokens - reservedTokens) / this.tokensPerBucket);
      b = b < 0 ? 0 : b > BUCKETS ? BUCKETS : b;
    }
    if (b === old) return;
    if (old >= 0) this.remove(k, old);
    if (b >= 0) this.insert(k, b);
    while (this.high >= 0 && this.head[this.high] < 0) this.high--;
  }

  private insert(k: number, b: number): void {
    const h = this.head[b];
    this.next[k] = h;
    this.prev[k] = -1;
    if (h >= 0) this.prev[h] = k;
    this.head[b] = k;
    this.bucket[k] = b;
    if (b > this.high) this.high = b;
    this.size++;
  }

  private remove(k: number, b: number): void {
    const p = this.prev[k];
    const n = this.next[k];
    if (p >= 0) this.next[p] = n;
    else this.head[b] = n;
    if (n >= 0) this.prev[n] = p;
    this.bucket[k] = -1;
    this.size--;
  }
}
