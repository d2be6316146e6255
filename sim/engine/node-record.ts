// Where each field of a node lives in the fleet state's records (fleet-state.ts); constants only, so
// that every room imports them without importing each other.

// Node states. Only ON nodes receive queries; DRAINING ones finish theirs, then park.
export const ON = 0;
export const DRAINING = 1;
export const PARKED = 2;
export const WAKING = 3;

// A node's record, 64 bytes: doubles at nf[NF node + field], int32s at ni[NI node + field], over the
// same bytes. In byte order: V, A, last update (doubles 0-2); active count, where its pool's levels
// start, state, pool (int32s 6-9, bytes 24-39); level time, A at the warmup's end (doubles 5-6); 8
// free. What a departure reads of every node is in the first 48 bytes: an ArrayBuffer is aligned to 16
// bytes only (malloc; with glibc a large one starts 16 bytes past a page), so a record spans two cache
// lines, and its last 16 bytes can be a miss of their own.
export const NODE_RECORD_BYTES = 64;
export const NF = NODE_RECORD_BYTES / 8;
export const NI = NODE_RECORD_BYTES / 4;
/** Virtual service time V (s) and attribution clock A (J per active query), and when both were last brought up. */
export const VIRTUAL_S = 0;
export const ATTR_J = 1;
export const LAST_S = 2;
export const ACTIVE = 6;
export const LEVELS = 7;
export const STATE = 8;
export const POOL = 9;
/** The time up to which the node's time at its level has been added to the power ledger. */
export const LEVEL_S = 5;
/** A at the end of the warmup. */
export const WARMUP_ATTR_J = 6;
/** Which node model serves a pool's nodes (FleetState.poolKind; physical-node.ts handles physical nodes). */
export const REGRESSION = 0;
export const PHYSICAL = 1;

