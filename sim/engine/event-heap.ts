/**
 * An indexed 4-ary min-heap of event slots ordered by (time, sequence): the event queue's store for
 * events beyond its wheel (event-queue.ts). Each slot holds at most one pending event; rescheduling
 * moves it in place, O(log n), allocating nothing. Keys are stored in heap order beside the slots, so
 * a sift reads neighbouring memory, and four children per parent halve the depth (fleets have
 * thousands of nodes, each with a pending departure). Ties in time go to the event scheduled first.
 */
export class EventHeap {
  private readonly keyTime: Float64Array;
  private readonly keySeq: Float64Array;
  private readonly slotAt: Int32Array;
  private readonly pos: Int32Array;
  private size = 0;
  private nextSeq = 0;

  constructor(slots: number) {
    this.keyTime = new Float64Array(slots);
    this.keySeq = new Float64Array(slots);
    this.slotAt = new Int32Array(slots);
    this.pos = new Int32Array(slots).fill(-1);
  }

  get length(): number {
    return this.size;
  }

  /** The slot of the earliest event; only when length > 0. */
  peek(): number {
    return this.slotAt[0];
  }

  /** Time of the earliest event; only when length > 0. */
  peekTime(): number {
    return this.keyTime[0];
  }

  has(slot: number): boolean {
    return this.pos[slot] >= 0;
  }

  /** Sets slot's event at time t (inserting it, or moving it if pending). */
  schedule(slot: number, t: number): void {
    const seq = this.nextSeq++;
    let i = this.pos[slot];
    if (i < 0) {
      i = this.size++;
      this.up(i, slot, t, seq);
    } else if (t < this.keyTime[i]) this.up(i, slot, t, seq);
    else this.down(i, slot, t, seq);
  }

  /** Removes slot's pending event, if any. */
  cancel(slot: number): void {
    const i = this.pos[slot];
    if (i < 0) return;
    this.pos[slot] = -1;
    const n = --this.size;
    if (i === n) return;
    const last = this.slotAt[n];
    const t = this.keyTime[n];
    const seq = this.keySeq[n];
    if (i > 0 && before(t, seq, this.keyTime[(i - 1) >> 2], this.keySeq[(i - 1) >> 2])) this.up(i, last, t, seq);
    else this.down(i, last, t, seq);
  }

  /** Places (slot, t, seq) at hole i or above it. */
  private up(i: number, slot: number, t: number, seq: number): void {
    const kt = this.keyTime;
    const ks = this.keySeq;
    const sa = this.slotAt;
    while (i > 0) {
      const parent = (i - 1) >> 2;
      const pt = kt[parent];
      if (pt < t || (pt === t && ks[parent] < seq)) break;
      kt[i] = pt;
      ks[i] = ks[parent];
      sa[i] = sa[parent];
      this.pos[sa[i]] = i;
      i = parent;
    }
    kt[i] = t;
    ks[i] = seq;
    sa[i] = slot;
    this.pos[slot] = i;
  }

  /** Places (slot, t, seq) at hole i or below it. */
  private down(i: number, slot: number, t: number, seq: number): void {
    const kt = this.keyTime;
    const ks = this.keySeq;
    const sa = this.slotAt;
    const n = this.size;
    for (;;) {
      const first = 4 * i + 1;
      if (first >= n) break;
      let best = first;
      let bt = kt[first];
      let bs = ks[first];
      const end = first + 4 < n ? first + 4 : n;
      for (let c = first + 1; c < end; c++) {
        const ct = kt[c];
        if (ct < bt || (ct === bt && ks[c] < bs)) {
          best = c;
          bt = ct;
          bs = ks[c];
        }
      }
      if (t < bt || (t === bt && seq < bs)) break;
      kt[i] = bt;
      ks[i] = bs;
      sa[i] = sa[best];
      this.pos[sa[i]] = i;
      i = best;
    }
    kt[i] = t;
    ks[i] = seq;
    sa[i] = slot;
    this.pos[slot] = i;
  }
}

function before(t: number, seq: number, t2: number, seq2: number): boolean {
  return t < t2 || (t === t2 && seq < seq2);
}
