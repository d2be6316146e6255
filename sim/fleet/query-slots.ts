/**
 * Queries in the system (waiting or being served) as rows of typed arrays, recycled through a free
 * list: a query costs no allocation. Capacity doubles when more are in flight than ever before.
 */
export class QuerySlots {
  arrivalS: Float64Array;
  startS: Float64Array;
  workNodeS: Float64Array;
  /** The node's attribution clock (joules charged per active query) when the query was admitted. */
  attrStartJ: Float64Array;
  inputTokens: Int32Array;
  classIndex: Int32Array;
  private free: Int32Array;
  private freeCount: number;

  constructor(capacity = 4096) {
    this.arrivalS = new Float64Array(capacity);
    this.startS = new Float64Array(capacity);
    this.workNodeS = new Float64Array(capacity);
    this.attrStartJ = new Float64Array(capacity);
    this.inputTokens = new Int32Array(capacity);
    this.classIndex = new Int32Array(capacity);
    this.free = new Int32Array(capacity);
    for (let i = 0; i < capacity; i++) this.free[i] = capacity - 1 - i;
    this.freeCount = capacity;
  }

  get inUse(): number {
    return this.arrivalS.length - this.freeCount;
  }

  take(): number {
    if (this.freeCount === 0) this.grow();
    return this.free[--this.freeCount];
  }

  release(id: number): void {
    this.free[this.freeCount++] = id;
  }

  private grow(): void {
    const old = this.arrivalS.length;
    const cap = old * 2;
    const widen = <T extends Float64Array | Int32Array>(a: T): T => {
      const b = new (a.constructor as new (n: number) => T)(cap);
      b.set(a);
      return b;
    };
    this.arrivalS = widen(this.arrivalS);
    this.startS = widen(this.startS);
    this.workNodeS = widen(this.workNodeS);
    this.attrStartJ = widen(this.attrStartJ);
    this.inputTokens = widen(this.inputTokens);
    this.classIndex = widen(this.classIndex);
    this.free = widen(this.free);
    for (let i = old; i < cap; i++) this.free[this.freeCount++] = cap - 1 - (i - old);
  }
}
