/**
 * The event queue: an indexed binary min-heap of event slots ordered by (time, sequence), over typed
 * arrays. Each slot (a node's next departure, the next arrival, a clock tick) holds at most one
 * pending event; rescheduling a slot moves it in place, O(log n), allocating nothing. Ties in time
 * go to the event scheduled first, never to chance.
 */
export class EventHeap {
  private readonly time: Float64Array;
  private readonly seq: Float64Array;
  private readonly heap: Int32Array;
  private readonly pos: Int32Array;
  private size = 0;
  private nextSeq = 0;

  constructor(slots: number) {
    this.time = new Float64Array(slots);
    this.seq = new Float64Array(slots);
    this.heap = new Int32Array(slots);
    this.pos = new Int32Array(slots).fill(-1);
  }

  get length(): number {
    return this.size;
  }

  /** The slot of the earliest event; only when length > 0. */
  peek(): number {
    return this.heap[0];
  }

  timeOf(slot: number): number {
    return this.time[slot];
  }

  has(slot: number): boolean {
    return this.pos[slot] >= 0;
  }

  /** Sets slot's event at time t (inserting it, or moving it if pending). */
  schedule(slot: number, t: number): void {
    const old = this.time[slot];
    this.time[slot] = t;
    this.seq[slot] = this.nextSeq++;
    let i = this.pos[slot];
    if (i < 0) {
      i = this.size++;
      this.heap[i] = slot;
      this.pos[slot] = i;
      this.up(i);
    } else if (t < old) this.up(i);
    else this.down(i);
  }

  /** Removes slot's pending event, if any. */
  cancel(slot: number): void {
    const i = this.pos[slot];
    if (i < 0) return;
    this.pos[slot] = -1;
    const last = this.heap[--this.size];
    if (i === this.size) return;
    this.heap[i] = last;
    this.pos[last] = i;
    this.up(i);
    this.down(this.pos[last]);
  }

  private less(a: number, b: number): boolean {
    const ta = this.time[a];
    const tb = this.time[b];
    return ta < tb || (ta === tb && this.seq[a] < this.seq[b]);
  }

  private up(i: number): void {
    const heap = this.heap;
    const slot = heap[i];
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = heap[parent];
      if (!this.less(slot, p)) break;
      heap[i] = p;
      this.pos[p] = i;
      i = parent;
    }
    heap[i] = slot;
    this.pos[slot] = i;
  }

  private down(i: number): void {
    const heap = this.heap;
    const n = this.size;
    const slot = heap[i];
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      if (child + 1 < n && this.less(heap[child + 1], heap[child])) child++;
      const c = heap[child];
      if (!this.less(c, slot)) break;
      heap[i] = c;
      this.pos[c] = i;
      i = child;
    }
    heap[i] = slot;
    this.pos[slot] = i;
  }
}
