import type { Store } from "./store.ts";

/** How often the live views redraw: several times a second, and each redraw costs ink a few ms of the main thread. */
export const REDRAWS_PER_S = 3;

/**
 * Updates to a store, applied together at most `perS` times a second: progress arrives from every
 * worker about 4 times a second, and each store change redraws the live view.
 */
export function batchedUpdates<T>(store: Store<T>, perS = REDRAWS_PER_S) {
  let pending: ((s: T) => T)[] = [];
  const flush = () => {
    if (pending.length === 0) return;
    const updates = pending;
    pending = [];
    store.set((s) => updates.reduce((acc, u) => u(acc), s));
  };
  const timer = setInterval(flush, 1000 / perS);
  timer.unref();
  return {
    queue: (update: (s: T) => T) => void pending.push(update),
    /** Applies what is pending and stops the timer. */
    close() {
      clearInterval(timer);
      flush();
    },
  };
}
