import { describe, expect, it } from "vitest";
import { makeRng } from "../models/rng.ts";
import { KvIndex } from "../sim/fleet/kv-index.ts";

// The physical pool's index of nodes by free KV memory (sim/fleet/kv-index.ts), held to a plain model
// of it on random reservations: the nodes it holds, and that the node it offers is one with the most
// free memory (to one bucket, 1/1024 of the capacity) that can take the query, whenever one exists
// within a bucket of the most free memory.

const CAPACITY = 100_000;
const BUCKET = CAPACITY / 1024;

describe("KvIndex", () => {
  it("offers a node with the most free memory, and holds exactly the open nodes, over 20,000 random updates", () => {
    const first = 5;
    const count = 40;
    const index = new KvIndex(first, count, CAPACITY);
    // reservations at reserved[2 node + 1], as the engine keeps them beside other fields
    const reserved = new Float64Array(2 * (first + count));
    const open = new Array<boolean>(first + count).fill(true);
    const rng = makeRng(11, "kv-index");
    let offered = 0;
    for (let step = 0; step < 20_000; step++) {
      const node = first + Math.floor(rng() * count);
      const r = rng() < 0.02 ? 0 : Math.floor(rng() * CAPACITY);
      reserved[2 * node + 1] = r;
      open[node] = rng() < 0.9;
      index.update(node, r, open[node]);
      const inIndex = [];
      for (let n = first; n < first + count; n++) if (open[n]) inIndex.push(n);
      expect(index.size).toBe(inIndex.length);
      // a query of no tokens fits any node in: the one offered has the most free memory, to a bucket
      const any = index.fitting(0, reserved, 2, 1);
      if (inIndex.length === 0) {
        expect(any).toBe(-1);
        continue;
      }
      const mostFree = Math.max(...inIndex.map((n) => CAPACITY - reserved[2 * n + 1]));
      expect(open[any]).toBe(true);
      expect(CAPACITY - reserved[2 * any + 1]).toBeGreaterThan(mostFree - BUCKET);
      // a query that needs a random amount: offered only where it fits; refused only when no node fits beyond a bucket's slack
      const need = Math.floor(rng() * CAPACITY);
      const got = index.fitting(need, reserved, 2, 1);
      if (got >= 0) {
        offered++;
        expect(open[got]).toBe(true);
        expect(reserved[2 * got + 1] + need).toBeLessThanOrEqual(CAPACITY);
      } else expect(need).toBeGreaterThan(mostFree - BUCKET);
    }
    expect(offered).toBeGreaterThan(1000);
  });

  it("starts with every node in, and empties and refills", () => {
    const index = new KvIndex(0, 3, CAPACITY);
    const reserved = new Float64Array(3);
    expect(index.size).toBe(3);
    expect(index.fitting(CAPACITY, reserved, 1, 0)).toBe(0);
    for (let n = 0; n < 3; n++) index.update(n, 0, false);
    expect(index.size).toBe(0);
    expect(index.fitting(0, reserved, 1, 0)).toBe(-1);
    reserved[2] = CAPACITY / 2;
    index.update(2, CAPACITY / 2, true);
    expect(index.fitting(CAPACITY / 2, reserved, 1, 0)).toBe(2);
    expect(index.fitting(CAPACITY / 2 + 1, reserved, 1, 0)).toBe(-1);
  });
});
