/**
 * Per node, the finish tags (in the node's virtual time) of its active queries, as a binary min-heap
 * of (tag, query row) pairs interleaved in one Float64Array per node. Arrays start small and double
 * when a node's batch outgrows them; no allocation otherwise.
 */
export class TagHeaps {
  /** heaps[node][2 i] is the i-th tag, heaps[node][2 i + 1] its query's row. */
  readonly heaps: Float64Array[];
  readonly size: Int32Array;

  constructor(nodes: number, initialCapacity: number) {
    this.heaps = Array.from({ length: nodes }, () => new Float64Array(2 * initialCapacity));
    this.size = new Int32Array(nodes);
  }

  minTag(node: number): number {
    return this.heaps[node][0];
  }

  /** The query row of the k-th entry (any order), for a final pass over what is in flight. */
  idAt(node: number, k: number): number {
    return this.heaps[node][2 * k + 1];
  }

  push(node: number, tag: number, id: number): void {
    let n = this.size[node]++;
    if (2 * n === this.heaps[node].length) this.grow(node);
    const h = this.heaps[node];
    while (n > 0) {
      const parent = (n - 1) >> 1;
      const pt = h[2 * parent];
      if (pt <= tag) break;
      h[2 * n] = pt;
      h[2 * n + 1] = h[2 * parent + 1];
      n = parent;
    }
    h[2 * n] = tag;
    h[2 * n + 1] = id;
  }

  /** Removes the query with the smallest tag and returns its row. */
  popMin(node: number): number {
    const h = this.heaps[node];
    const top = h[1];
    const n = --this.size[node];
    const tag = h[2 * n];
    const id = h[2 * n + 1];
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      if (c + 1 < n && h[2 * c + 2] < h[2 * c]) c++;
      if (h[2 * c] >= tag) break;
      h[2 * i] = h[2 * c];
      h[2 * i + 1] = h[2 * c + 1];
      i = c;
    }
    h[2 * i] = tag;
    h[2 * i + 1] = id;
    return top;
  }

  private grow(node: number): void {
    const bigger = new Float64Array(this.heaps[node].length * 2);
    bigger.set(this.heaps[node]);
    this.heaps[node] = bigger;
  }
}
