/** Fields of a query's row: one cache line per query, since the event loop reaches rows at random. */
export const ARRIVAL_S = 0;
export const START_S = 1;
export const WORK_NODE_S = 2;
/** The node's attribution clock (joules charged per active query) when the query was admitted. */
export const ATTR_START_J = 3;
export const INPUT_TOKENS = 4;
export const CLASS_INDEX = 5;
export const STRIDE = 8;

/**
 * Queries in the system (waiting or being served) as rows of one Float64Array (row id * STRIDE +
 * field), recycled through a free list: a query costs no allocation. Capacity doubles when more are
 * in flight than ever before. The free list is a stack, so a freed row, still in cache, is reused first.
 */
export class QuerySlots {
  data: Float64Array;
  private free: Int32Array;
  private freeCount: number;

  constructor(capacity = 4096) {
    this.data = new Float64Array(capacity * STRIDE);
    this.free = new Int32Array(capacity);
    for (let i = 0; i < capacity; i++) this.free[i] = capacity - 1 - i;
    this.freeCount = capacity;
  }

  get capacity(): number {
    return this.free.length;
  }

  get inUse(): number {
    return this.capacity - this.freeCount;
  }

  take(): number {
    if (this.freeCount === 0) this.grow();
    return this.free[--this.freeCount];
  }

  release(id: number): void {
    this.free[this.freeCount++] = id;
  }

  private grow(): void {
    const old = this.capacity;
    const cap = old * 2;
    const data = new Float64Array(cap * STRIDE);
    data.set(this.data);
    this.data = data;
    this.free = new Int32Array(cap);
    for (let i = cap - 1; i >= old; i--) this.free[this.freeCount++] = i;
  }
}
