/** Fields of a waiting query's row. */
export const ARRIVAL_S = 0;
export const WORK_NODE_S = 1;
export const INPUT_TOKENS = 2;
export const CLASS_INDEX = 3;
export const STRIDE = 4;

/**
 * Queries waiting in a pool's queue, as rows of one Float64Array (row id * STRIDE + field), recycled
 * through a free list: a query costs no allocation. (A query admitted at once needs no row: what its
 * completion needs travels in its node's tag heap.) Capacity doubles when more wait than ever before.
 * The free list is a stack, so a freed row, still in cache, is reused first.
 */
export class QuerySlots {
  data: Float64Array;
  private free: Int32Array;
  private freeCount: number;

  /** `stride` doubles per row (default STRIDE: a waiting query's fields above). */
  constructor(
    capacity = 4096,
    private readonly stride = STRIDE,
  ) {
    this.data = new Float64Array(capacity * stride);
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
    const data = new Float64Array(cap * this.stride);
    data.set(this.data);
    this.data = data;
    this.free = new Int32Array(cap);
    for (let i = cap - 1; i >= old; i--) this.free[this.freeCount++] = i;
  }
}
