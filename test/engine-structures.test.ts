import { describe, expect, it } from "vitest";
import { makeRng } from "../models/rng.ts";
import { EventHeap } from "../sim/engine/event-heap.ts";
import { EventQueue } from "../sim/engine/event-queue.ts";
import { Fifo } from "../sim/fleet/fifo.ts";
import { LoadIndex } from "../sim/fleet/load-index.ts";
import { CLASS_INDEX, QuerySlots, STRIDE } from "../sim/fleet/query-slots.ts";
import { TagHeaps } from "../sim/fleet/tag-heaps.ts";
import { LogHistogram } from "../sim/stats/log-histogram.ts";

describe("event heap", () => {
  it("pops in (time, sequence) order through random schedules, moves and cancels", () => {
    const rng = makeRng(1, "heap");
    const slots = 200;
    const heap = new EventHeap(slots);
    // reference: slot -> [time, seq]
    const ref = new Map<number, [number, number]>();
    let seq = 0;
    for (let step = 0; step < 20_000; step++) {
      const slot = Math.floor(rng() * slots);
      const r = rng();
      if (r < 0.6) {
        const t = Math.floor(rng() * 50); // many ties
        heap.schedule(slot, t);
        ref.set(slot, [t, seq++]);
      } else if (r < 0.8) {
        heap.cancel(slot);
        ref.delete(slot);
      } else if (ref.size > 0) {
        const expected = [...ref].sort((a, b) => a[1][0] - b[1][0] || a[1][1] - b[1][1])[0];
        expect(heap.peek()).toBe(expected[0]);
        expect(heap.peekTime()).toBe(expected[1][0]);
        heap.cancel(expected[0]);
        ref.delete(expected[0]);
      }
      expect(heap.length).toBe(ref.size);
    }
  });
});

describe("event queue (calendar)", () => {
  // Times: ties, near future, far future (the heap beyond the wheel), and earlier than the wheel's
  // current bucket; then the event rate changes a thousandfold (the bucket width adapts).
  it.each([
    ["mixed times", 1, 200, 60_000],
    ["dense then sparse", 2, 3000, 150_000],
  ])("%s: pops in (time, sequence) order, the same as the heap", (_, seed, slots, steps) => {
    const rng = makeRng(seed, "calendar");
    const q = new EventQueue(slots);
    const heap = new EventHeap(slots);
    let now = 0;
    let pops = 0;
    let mismatch: string | undefined;
    for (let step = 0; step < steps; step++) {
      const slot = Math.floor(rng() * slots);
      const r = rng();
      const scale = step < steps / 2 ? 1e-3 : 1;
      if (r < 0.55) {
        const kind = rng();
        const t =
          kind < 0.2 ? Math.floor(now) + Math.floor(rng() * 3) // ties
            : kind < 0.25 ? now + rng() * 1e4 // far
              : kind < 0.3 ? Math.max(0, now - rng() * 10) // earlier than now: any order must hold
                : now + rng() * scale;
        q.schedule(slot, t);
        heap.schedule(slot, t);
      } else if (r < 0.65) {
        q.cancel(slot);
        heap.cancel(slot);
      } else if (heap.length > 0) {
        pops++;
        if (q.peek() !== heap.peek() || q.peekTime() !== heap.peekTime()) mismatch ??= `step ${step}: popped ${q.peek()} at ${q.peekTime()}, the heap ${heap.peek()} at ${heap.peekTime()}`;
        now = heap.peekTime();
        const s = heap.peek();
        q.cancel(s);
        heap.cancel(s);
      }
      if (q.length !== heap.length || q.has(slot) !== heap.has(slot)) mismatch ??= `step ${step}: ${q.length} events (the heap ${heap.length}), slot ${slot} in: ${q.has(slot)} (${heap.has(slot)})`;
    }
    // compared at every step, asserted once (an expect per step took most of the time)
    expect(mismatch).toBeUndefined();
    expect(pops).toBeGreaterThan(steps / 4);
  });
});

describe("event queue at one same time", () => {
  it("pops events of equal times in the order scheduled, however long they stay equal", () => {
    // buckets cannot split equal times: the width must stop narrowing (and the order stay right)
    const slots = 300;
    const q = new EventQueue(slots);
    for (let s = 0; s < slots; s++) q.schedule(s, 1);
    let inOrder = 0;
    for (let step = 0; step < 200_000; step++) {
      const s = q.peek();
      if (s === step % slots) inOrder++;
      q.schedule(s, 1);
    }
    expect(inOrder).toBe(200_000);
    q.schedule(7, Infinity);
    for (let s = 0; s < slots; s++) if (s !== 7) q.cancel(s);
    expect([q.peek(), q.peekTime(), q.length]).toEqual([7, Infinity, 1]);
  });
});

describe("per-node tag heaps", () => {
  it("pop tags in ascending order, growing past the initial capacity", () => {
    const rng = makeRng(2, "tags");
    const h = new TagHeaps(3, 2);
    const tags = Array.from({ length: 500 }, () => rng() * 100);
    tags.forEach((t, i) => h.push(1, t, i, 2 * i, i % 7));
    const out: number[] = [];
    for (let i = 0; i < tags.length; i++) {
      h.popMin(1);
      const id = h.arrivalS;
      // an entry's fields travel together
      expect([h.attrStartJ, h.classIndex]).toEqual([2 * id, id % 7]);
      out.push(tags[id]);
    }
    expect(out).toEqual([...tags].sort((a, b) => a - b));
    expect(h.sizeOf(0)).toBe(0);
  });

  it("keep every node's heap apart while regions move and the slab is repacked", () => {
    const rng = makeRng(4, "tags");
    const nodes = 5;
    const h = new TagHeaps(nodes, 1);
    const ref: number[][] = Array.from({ length: nodes }, () => []);
    const tagOf = new Map<number, number>();
    let id = 0;
    let peak = 0;
    for (let step = 0; step < 20_000; step++) {
      const node = Math.floor(rng() * nodes);
      // pushes win early (heaps grow to hundreds), pops later (they drain)
      if (ref[node].length === 0 || rng() < (step < 10_000 ? 0.7 : 0.3)) {
        const tag = Math.round(rng() * 1e6);
        tagOf.set(id, tag);
        h.push(node, tag, id, -id, 0);
        id++;
        ref[node].push(tag);
      } else {
        const min = Math.min(...ref[node]);
        h.popMin(node);
        expect(tagOf.get(h.arrivalS)).toBe(min);
        expect(h.attrStartJ).toBe(-h.arrivalS);
        ref[node].splice(ref[node].indexOf(min), 1);
      }
      expect(h.sizeOf(node)).toBe(ref[node].length);
      peak = Math.max(peak, ref[node].length);
      if (h.sizeOf(node) > 0) expect(h.minTag(node)).toBe(Math.min(...ref[node]));
    }
    expect(peak).toBeGreaterThan(500);
  });

  it("keep front heap and bag consistent as batches swell and drain, as processor sharing uses them", () => {
    // Tags as a node makes them (its virtual time + work): a batch of each node swells past the
    // split size and drains to empty, three times; some works repeat (equal tags).
    const rng = makeRng(6, "tags");
    const nodes = 3;
    const h = new TagHeaps(nodes, 2);
    const live: Map<number, number>[] = Array.from({ length: nodes }, () => new Map());
    const v = new Float64Array(nodes);
    let id = 0;
    let popped = 0;
    for (let step = 0; step < 60_000; step++) {
      const node = Math.floor(rng() * nodes);
      const phase = Math.floor(step / 10_000) % 2; // swell, then drain
      const ref = live[node];
      if (ref.size === 0 || rng() < (phase === 0 ? 0.62 : 0.38)) {
        const work = rng() < 0.2 ? 1 : -Math.log(1 - rng()) * 40;
        h.push(node, v[node] + work, id, id + 0.5, id % 3);
        ref.set(id++, v[node] + work);
      } else {
        const min = Math.min(...ref.values());
        expect(h.minTag(node)).toBe(min);
        h.popMin(node);
        popped++;
        expect(ref.get(h.arrivalS)).toBe(min);
        expect([h.attrStartJ, h.classIndex]).toEqual([h.arrivalS + 0.5, h.arrivalS % 3]);
        ref.delete(h.arrivalS);
        v[node] = min;
      }
      expect(h.sizeOf(node)).toBe(ref.size);
      if (step % 997 === 0) {
        // every entry is reachable in any order, for the final pass over queries in flight
        for (let n = 0; n < nodes; n++) {
          const ids = Array.from({ length: h.sizeOf(n) }, (_, k) => h.arrivalAt(n, k)).sort((a, b) => a - b);
          expect(ids).toEqual([...live[n].keys()].sort((a, b) => a - b));
          for (let k = 0; k < h.sizeOf(n); k++) expect(h.attrStartAt(n, k)).toBe(h.arrivalAt(n, k) + 0.5);
        }
      }
    }
    expect(popped).toBeGreaterThan(25_000);
  });
});

describe("load index", () => {
  it("always gives a least-loaded node, and -1 only when every node is full", () => {
    const rng = makeRng(3, "load");
    const idx = new LoadIndex(10, 8, 4);
    const load = new Array(8).fill(0);
    for (let step = 0; step < 5000; step++) {
      const node = idx.leastLoaded();
      const min = Math.min(...load);
      if (min === 4) expect(node).toBe(-1);
      else expect(load[node - 10]).toBe(min);
      if (node >= 0 && rng() < 0.55) {
        load[node - 10]++;
        idx.moveUp(node);
      } else {
        const k = Math.floor(rng() * 8);
        if (load[k] > 0) {
          load[k]--;
          idx.moveDown(10 + k);
        }
      }
    }
  });
});

describe("FIFO and query slots", () => {
  it("FIFO keeps order across growth and wrap-around", () => {
    const f = new Fifo(4);
    const out: number[] = [];
    for (let i = 0; i < 100; i++) {
      f.push(i);
      if (i % 3 === 0) out.push(f.shift());
    }
    while (f.length > 0) out.push(f.shift());
    expect(out).toEqual(Array.from({ length: 100 }, (_, i) => i));
  });

  it("query slots hand out distinct rows and keep their fields when growing", () => {
    const q = new QuerySlots(2);
    const ids: number[] = [];
    for (let i = 0; i < 50; i++) {
      const id = q.take();
      q.data[id * STRIDE + CLASS_INDEX] = id + 0.5;
      ids.push(id);
    }
    expect(new Set(ids).size).toBe(50);
    expect(ids.every((id) => q.data[id * STRIDE + CLASS_INDEX] === id + 0.5)).toBe(true);
    q.release(ids[7]);
    expect(q.take()).toBe(ids[7]);
    expect(q.inUse).toBe(50);
  });
});

describe("log histogram", () => {
  it("quantiles within 1 % of the exact ones; exact count, mean, min and max", () => {
    const rng = makeRng(4, "hist");
    const xs = Array.from({ length: 100_000 }, () => Math.exp(rng() * 20 - 10));
    const h = new LogHistogram();
    xs.forEach((x) => h.record(x));
    const sorted = [...xs].sort((a, b) => a - b);
    for (const q of [0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99]) {
      const exact = sorted[Math.ceil(q * xs.length) - 1];
      expect(Math.abs(h.quantile(q) / exact - 1)).toBeLessThan(0.01);
    }
    expect(h.count).toBe(xs.length);
    expect(h.mean()).toBeCloseTo(xs.reduce((a, b) => a + b, 0) / xs.length, 10);
    expect(h.quantile(0)).toBe(sorted[0]);
    expect(h.quantile(1)).toBe(sorted.at(-1));
  });

  it("merging two histograms equals recording everything in one", () => {
    const a = new LogHistogram();
    const b = new LogHistogram();
    const all = new LogHistogram();
    for (let i = 1; i <= 1000; i++) {
      (i % 2 ? a : b).record(i / 7);
      all.record(i / 7);
    }
    a.merge(b);
    expect(a.quantile(0.9)).toBe(all.quantile(0.9));
    expect(a.count).toBe(all.count);
    expect(a.sum).toBeCloseTo(all.sum, 9);
  });
});
