/**
 * Nodes of one pool bucketed by how many queries they serve (0..C), each bucket a doubly linked list
 * over typed arrays, with the lowest non-empty level kept: the least-loaded node is found in O(1),
 * and a node moves one level up or down in O(1). Never a scan over nodes.
 */
export class LoadIndex {
  private readonly head: Int32Array;
  private readonly next: Int32Array;
  private readonly prev: Int32Array;
  private readonly level: Int32Array;
  /** Lowest level holding a node; maxLevel + 1 when the pool has no node in the index. */
  private low: number;

  /** Nodes first..first+count-1 of the fleet; the first `present` of them start in, at level 0. */
  constructor(
    private readonly first: number,
    count: number,
    private readonly maxLevel: number,
    present = count,
  ) {
    this.head = new Int32Array(maxLevel + 1).fill(-1);
    this.next = new Int32Array(count).fill(-1);
    this.prev = new Int32Array(count).fill(-1);
    this.level = new Int32Array(count);
    this.low = maxLevel + 1;
    for (let k = present - 1; k >= 0; k--) this.insert(k, 0);
  }

  /** The least-loaded node (fleet index) below the cap, or -1 when every node is full. */
  leastLoaded(): number {
    return this.low < this.maxLevel ? this.head[this.low] + this.first : -1;
  }

  /** The least-loaded node even when all are full (the one to drain), or -1 when none is in. */
  leastLoadedAny(): number {
    return this.low <= this.maxLevel ? this.head[this.low] + this.first : -1;
  }

  /** Takes a node out (the autoscaler drains it): it receives no more queries. */
  removeNode(node: number): void {
    const k = node - this.first;
    const l = this.level[k];
    this.remove(k, l);
    if (this.low === l) while (this.low <= this.maxLevel && this.head[this.low] < 0) this.low++;
  }

  /** Puts a node (back) in at `level` queries. */
  addNode(node: number, level: number): void {
    this.insert(node - this.first, level);
  }

  moveUp(node: number): void {
    const k = node - this.first;
    const l = this.level[k];
    this.remove(k, l);
    this.insert(k, l + 1);
    if (this.head[l] < 0 && this.low === l) this.low = l + 1;
  }

  moveDown(node: number): void {
    const k = node - this.first;
    const l = this.level[k];
    this.remove(k, l);
    this.insert(k, l - 1);
    if (l - 1 < this.low) this.low = l - 1;
  }

  private insert(k: number, l: number): void {
    const h = this.head[l];
    this.next[k] = h;
    this.prev[k] = -1;
    if (h >= 0) this.prev[h] = k;
    this.head[l] = k;
    this.level[k] = l;
    if (l < this.low) this.low = l;
  }

  private remove(k: number, l: number): void {
    const p = this.prev[k];
    const n = this.next[k];
    if (p >= 0) this.next[p] = n;
    else this.head[l] = n;
    if (n >= 0) this.prev[n] = p;
  }
}
