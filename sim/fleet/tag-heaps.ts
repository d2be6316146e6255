/**
 * Per node, the finish tags (in the node's virtual time) of its active queries, as a min-heap with
 * the query's slot beside each tag. Arrays start small and double when a node's batch outgrows them;
 * no allocation otherwise.
 */
export class TagHeaps {
  readonly tags: Float64Array[];
  readonly ids: Int32Array[];
  readonly size: Int32Array;

  constructor(nodes: number, initialCapacity: number) {
    this.tags = Array.from({ length: nodes }, () => new Float64Array(initialCapacity));
    this.ids = Array.from({ length: nodes }, () => new Int32Array(initialCapacity));
    this.size = new Int32Array(nodes);
  }

  minTag(node: number): number {
    return this.tags[node][0];
  }

  push(node: number, tag: number, id: number): void {
    let n = this.size[node]++;
    if (n === this.tags[node].length) this.grow(node);
    const tags = this.tags[node];
    const ids = this.ids[node];
    while (n > 0) {
      const parent = (n - 1) >> 1;
      if (tags[parent] <= tag) break;
      tags[n] = tags[parent];
      ids[n] = ids[parent];
      n = parent;
    }
    tags[n] = tag;
    ids[n] = id;
  }

  /** Removes the query with the smallest tag and returns its slot. */
  popMin(node: number): number {
    const tags = this.tags[node];
    const ids = this.ids[node];
    const top = ids[0];
    const n = --this.size[node];
    const tag = tags[n];
    const id = ids[n];
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      if (c + 1 < n && tags[c + 1] < tags[c]) c++;
      if (tags[c] >= tag) break;
      tags[i] = tags[c];
      ids[i] = ids[c];
      i = c;
    }
    tags[i] = tag;
    ids[i] = id;
    return top;
  }

  private grow(node: number): void {
    const cap = this.tags[node].length * 2;
    const tags = new Float64Array(cap);
    tags.set(this.tags[node]);
    const ids = new Int32Array(cap);
    ids.set(this.ids[node]);
    this.tags[node] = tags;
    this.ids[node] = ids;
  }
}
