import { EventHeap } from "./event-heap.ts";

/** Buckets of the wheel (a power of two). */
const WHEEL = 4096;
/** Look-ups between two checks of the bucket width. */
const ADAPT_EVERY = 1 << 14;
/**
 * Bounds of the bucket width, seconds. The narrowest keeps bucket numbers exact integers (below 2^53)
 * for any simulated time the scenario limits allow (1e8 s); events at one same time cannot be split
 * by narrowing, so the width must stop somewhere.
 */
const MIN_WIDTH_S = 1e-6;
const MAX_WIDTH_S = 1e6;

/**
 * The event queue: each slot (a node's next departure, a clock tick, ...) holds at most one pending
 * event, ordered by (time, sequence); ties in time go to the event scheduled first. A calendar queue
 * (Brown 1988): a wheel of WHEEL buckets of width `width` seconds covers the near future, each bucket
 * an unsorted doubly linked list over typed arrays; events beyond the wheel wait in an indexed heap
 * and move in as the wheel turns. Scheduling and cancelling are O(1); the earliest event is found by
 * scanning the current bucket (a few events) and skipping empty ones. The width adapts to the event
 * rate (a few events per bucket, few empty buckets per look-up); the order of events never depends
 * on it. Allocates nothing after construction.
 */
export class EventQueue {
  /**
   * Per slot, one 32-byte record: time and sequence (doubles f[SF slot + TIME], f[SF slot + SEQ]),
   * then the bucket list's next and previous slots and where the slot is (its bucket, OVERFLOW or
   * NONE) as int32s i[SI slot + NEXT ...] over the same bytes. One record, one cache line to read
   * when a bucket's events are compared or a slot is unlinked.
   */
  private readonly f: Float64Array;
  private readonly i: Int32Array;
  private readonly head = new Int32Array(WHEEL).fill(-1);
  private readonly overflow: EventHeap;
  private width = 1e-3;
  private invWidth = 1e3;
  /** Number of the current bucket (time / width, floored); the wheel holds buckets curK .. curK + WHEEL - 1. */
  private curK = 0;
  private inWheel = 0;
  private size = 0;
  private nextSeq = 0;
  /** The earliest event's slot, or -1 when it must be looked for. */
  private minSlot = -1;
  // For adapting the width: look-ups, entries scanned, empty buckets skipped, events sent to the heap.
  private lookups = 0;
  private scanned = 0;
  private skipped = 0;
  private overflowed = 0;
  private scheduled = 0;

  constructor(slots: number) {
    const records = new ArrayBuffer(SLOT_BYTES * slots);
    this.f = new Float64Array(records);
    this.i = new Int32Array(records);
    for (let s = 0; s < slots; s++) this.i[SI * s + WHERE] = NONE;
    this.overflow = new EventHeap(slots);
  }

  get length(): number {
    return this.size;
  }

  /** The slot of the earliest event; only when length > 0. */
  peek(): number {
    return this.minSlot >= 0 ? this.minSlot : this.findMin();
  }

  /** Time of the earliest event; only when length > 0. */
  peekTime(): number {
    return this.f[SF * (this.peek()) + TIME];
  }

  has(slot: number): boolean {
    return this.i[SI * slot + WHERE] !== NONE;
  }

  /** Sets slot's event at time t (inserting it, or moving it if pending). */
  schedule(slot: number, t: number): void {
    if (this.i[SI * slot + WHERE] !== NONE) this.remove(slot);
    else this.size++;
    this.f[SF * slot + TIME] = t;
    this.f[SF * slot + SEQ] = this.nextSeq++;
    this.insert(slot);
    const m = this.minSlot;
    if (m === slot) {
      // it moved later: another may be earliest now
      this.minSlot = -1;
    } else if (m >= 0 && t < this.f[SF * m + TIME]) this.minSlot = slot;
  }

  /** Removes slot's pending event, if any. */
  cancel(slot: number): void {
    if (this.i[SI * slot + WHERE] === NONE) return;
    this.remove(slot);
    this.size--;
    if (this.minSlot === slot) this.minSlot = -1;
  }

  private insert(slot: number): void {
    this.scheduled++;
    const k = Math.floor(this.f[SF * slot + TIME] * this.invWidth);
    if (k < this.curK) this.lowerCursor(k);
    if (k >= this.curK + WHEEL) {
      this.overflowed++;
      this.i[SI * slot + WHERE] = OVERFLOW;
      this.overflow.schedule(slot, this.f[SF * slot + TIME]);
      return;
    }
    const b = k % WHEEL;
    const h = this.head[b];
    this.i[SI * slot + NEXT] = h;
    this.i[SI * slot + PREV] = -1;
    if (h >= 0) this.i[SI * h + PREV] = slot;
    this.head[b] = slot;
    this.i[SI * slot + WHERE] = b;
    this.inWheel++;
  }

  private remove(slot: number): void {
    const b = this.i[SI * slot + WHERE];
    this.i[SI * slot + WHERE] = NONE;
    if (b === OVERFLOW) {
      this.overflow.cancel(slot);
      return;
    }
    const p = this.i[SI * slot + PREV];
    const n = this.i[SI * slot + NEXT];
    if (p >= 0) this.i[SI * p + NEXT] = n;
    else this.head[b] = n;
    if (n >= 0) this.i[SI * n + PREV] = p;
    this.inWheel--;
  }

  /**
   * An event earlier than the current bucket (the run looked ahead, say to a clock tick, while the
   * wheel was empty): the wheel starts at bucket k instead, and what no longer fits goes to the heap.
   */
  private lowerCursor(k: number): void {
    if (this.inWheel > 0) {
      const from = this.curK - k >= WHEEL ? this.curK - WHEEL : k;
      for (let j = from; j < this.curK; j++) {
        // bucket j % WHEEL holds the events of bucket number j + WHEEL, beyond the new span
        const b = j % WHEEL;
        for (let s = this.head[b]; s >= 0; ) {
          const n = this.i[SI * s + NEXT];
          this.i[SI * s + WHERE] = OVERFLOW;
          this.overflow.schedule(s, this.f[SF * s + TIME]);
          this.inWheel--;
          s = n;
        }
        this.head[b] = -1;
      }
    }
    this.curK = k;
  }

  /** Turns the wheel to the first non-empty bucket and picks its earliest event. */
  private findMin(): number {
    if (++this.lookups === ADAPT_EVERY) this.adapt();
    if (this.inWheel === 0) {
      const t = this.overflow.peekTime();
      if (!(t < Infinity)) return (this.minSlot = this.overflow.peek());
      this.jumpTo(Math.floor(t * this.invWidth));
    }
    let b = this.curK % WHEEL;
    while (this.head[b] < 0) {
      this.skipped++;
      this.curK++;
      this.pullIn();
      b = this.curK % WHEEL;
    }
    let best = this.head[b];
    let bt = this.f[SF * best + TIME];
    let bs = this.f[SF * best + SEQ];
    for (let s = this.i[SI * best + NEXT]; s >= 0; s = this.i[SI * s + NEXT]) {
      this.scanned++;
      const t = this.f[SF * s + TIME];
      if (t < bt || (t === bt && this.f[SF * s + SEQ] < bs)) {
        best = s;
        bt = t;
        bs = this.f[SF * s + SEQ];
      }
    }
    this.minSlot = best;
    return best;
  }

  /** Moves events of the heap that now fall within the wheel into it. */
  private pullIn(): void {
    const o = this.overflow;
    const end = this.curK + WHEEL;
    while (o.length > 0 && Math.floor(o.peekTime() * this.invWidth) < end) {
      const slot = o.peek();
      o.cancel(slot);
      this.insert(slot);
    }
  }

  /** The wheel is empty: start it at bucket k. */
  private jumpTo(k: number): void {
    if (k > this.curK) this.curK = k;
    this.pullIn();
  }

  /**
   * Keeps buckets small and the wheel's span useful: narrower when look-ups scan many events,
   * wider when they skip many empty buckets or most events go to the heap.
   */
  private adapt(): void {
    const perLookupScanned = this.scanned / this.lookups;
    const perLookupSkipped = this.skipped / this.lookups;
    const overflowShare = this.scheduled > 0 ? this.overflowed / this.scheduled : 0;
    let factor = 1;
    if (perLookupScanned > 4) factor = 0.5;
    else if (perLookupSkipped > 4 || overflowShare > 0.25) factor = 2;
    const width = Math.min(MAX_WIDTH_S, Math.max(MIN_WIDTH_S, this.width * factor));
    if (width !== this.width) this.rebuild(width);
    this.lookups = this.scanned = this.skipped = this.overflowed = this.scheduled = 0;
  }

  /** Re-buckets every event at a new width. */
  private rebuild(width: number): void {
    // gather the wheel's events (they go back in after the width changes)
    let gathered = -1;
    for (let b = 0; b < WHEEL; b++) {
      let s = this.head[b];
      while (s >= 0) {
        const n = this.i[SI * s + NEXT];
        this.i[SI * s + NEXT] = gathered;
        gathered = s;
        s = n;
      }
      this.head[b] = -1;
    }
    this.inWheel = 0;
    // the current bucket's start stays covered: the wheel restarts at the bucket holding it
    const startS = this.curK * this.width;
    this.width = width;
    this.invWidth = 1 / width;
    this.curK = Math.floor(startS * this.invWidth);
    for (let s = gathered; s >= 0; ) {
      const n = this.i[SI * s + NEXT];
      this.insert(s);
      s = n;
    }
    this.pullIn();
    this.minSlot = -1;
  }
}

const NONE = -1;
// A slot's record: 32 bytes, doubles at SF slot + field, int32s at SI slot + field.
const SLOT_BYTES = 32;
const SF = SLOT_BYTES / 8;
const SI = SLOT_BYTES / 4;
const TIME = 0;
const SEQ = 1;
const NEXT = 4;
const PREV = 5;
const WHERE = 6;
const OVERFLOW = -2;
