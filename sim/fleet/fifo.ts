/** A FIFO of query slots in a ring buffer that doubles when full (the pool's wait queue). */
export class Fifo {
  private buf: Int32Array;
  private headAt = 0;
  length = 0;

  constructor(capacity = 1024) {
    this.buf = new Int32Array(capacity);
  }

  push(id: number): void {
    if (this.length === this.buf.length) this.grow();
    this.buf[(this.headAt + this.length) & (this.buf.length - 1)] = id;
    this.length++;
  }

  /** The first waiting query (queue not empty). */
  peek(): number {
    return this.buf[this.headAt];
  }

  shift(): number {
    const id = this.buf[this.headAt];
    this.headAt = (this.headAt + 1) & (this.buf.length - 1);
    this.length--;
    return id;
  }

  /** The i-th waiting query from the head, for a final pass at the end of a run. */
  at(i: number): number {
    return this.buf[(this.headAt + i) & (this.buf.length - 1)];
  }

  private grow(): void {
    const bigger = new Int32Array(this.buf.length * 2);
    for (let i = 0; i < this.length; i++) bigger[i] = this.at(i);
    this.buf = bigger;
    this.headAt = 0;
  }
}
