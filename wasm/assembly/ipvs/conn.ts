// Connections (dataplane.md 1.13–1.15, SPEC 3): what opening one does to its destination's counters
// and the expiry events it schedules (expiry.ts), and the established-path index.
//
// Index (established path only, nothing in a decision reads it): open addressing over 32-byte
// entries keyed by the client tuple, with each entry's exact gone time, so an entry frees itself
// when its connection is gone, and each slot's `pass` (layout.ts) lets lookups stop without
// deletions or tombstones. New connections are queued during a batch and inserted after it, their
// home slots loaded a block ahead (INSERT_BLOCK), so the cache misses of independent inserts overlap
// instead of queueing. The index is sized at load from the host's
// capacity hint and grows only between batches.

import { tupleHash } from './hash';
import {
  CIDX_DEST_PROTO, CIDX_DPORT, CIDX_DST, CIDX_GONE, CIDX_PASS, CIDX_SHIFT, CIDX_SPORT, CIDX_SRC, EV_ACTIVE_END,
  PROTO_UDP, SYN_RECV_TIMEOUT,
} from './layout';
import { alignedAlloc, expiryInit, liveConnections, scheduleEvent, simNow } from './expiry';
import { destAddActive, destAddInactive, destServing } from './service';

/**
 * Index inserts whose home slots are loaded together, one block ahead of writing them: a loop that
 * only loads keeps all of a block's misses in flight at once, where loads interleaved with the
 * inserts' branches and stores retire too slowly to keep more than a few outstanding.
 */
const INSERT_BLOCK: i32 = 32;

let finTimeout: f64 = 120;
let udpTimeout: f64 = 300;

// index
let index: usize = 0;
let indexMask: u32 = 0;
let queue: usize = 0; // connections of the running batch, in index-entry layout (pass = tuple hash)
let queueCap: i32 = 0;
let queued: i32 = 0;
let touchSink: u32 = 0;

// counters
let lookups: u64 = 0;
let lookupSteps: u64 = 0;
let chainWork: i32 = 0;

/** Timing variants (bench only): skip the index, or insert without touching ahead. */
let skipIndex = false;
let noTouch = false;

export function connSetBench(skip: bool, touch: bool): void {
  skipIndex = skip;
  noTouch = !touch;
}

/**
 * Sets up connection state for about `capacity` live connections (index at most half full), the
 * expiry wheel (2^wheelBits far slots of 2^-tickBits s) and the timeouts.
 */
export function connInit(capacity: i32, tickBits: i32, wheelBits: i32, fin: f64, udp: f64): void {
  const cap = max(capacity, 16);
  finTimeout = fin;
  udpTimeout = udp;
  expiryInit(cap, tickBits, wheelBits);
  let slots: u32 = 64;
  while (slots < <u32>cap * 2) slots <<= 1;
  indexAlloc(slots);
  queueCap = 0;
  queued = 0;
  lookups = 0;
  lookupSteps = 0;
}

export function connLookups(): u64 { return lookups; }
export function connLookupSteps(): u64 { return lookupSteps; }
export function indexSlots(): u32 { return indexMask + 1; }
// @ts-ignore: decorator
@inline export function lastChainWork(): i32 { return chainWork; }

// ── connections ─────────────────────────────────────────────────────────────────────────────────

/**
 * Opens the connection of a new flow to destination `d` at `start` (the current time; SPEC 3):
 * TCP/SCTP to a serving endpoint is active for `duration`, then inactive for the FIN timeout; to a
 * non-serving one inactive for SYN_RECV_TIMEOUT; UDP inactive for duration + udpTimeout. Queues
 * its index entry; returns when it is gone.
 */
// @ts-ignore: decorator
@inline export function connCreate(proto: u32, src: u32, sport: u32, dst: u32, dport: u32, start: f64, duration: f64,
  d: i32): f64 {
  const word = <u32>d << 1;
  let gone: f64;
  if (proto == PROTO_UDP) {
    destAddInactive(d, 1);
    gone = start + duration + udpTimeout;
  } else if (destServing(d)) {
    destAddActive(d, 1);
    const end = start + duration;
    gone = end + finTimeout;
    scheduleEvent(end, word | EV_ACTIVE_END);
  } else {
    destAddInactive(d, 1);
    gone = start + SYN_RECV_TIMEOUT;
  }
  scheduleEvent(gone, word);
  if (!skipIndex) {
    const q = queue + (<usize>queued << CIDX_SHIFT);
    queued++;
    store<f64>(q, gone, CIDX_GONE);
    store<u32>(q, tupleHash(proto, src, sport, dst, dport), CIDX_PASS);
    store<u32>(q, src, CIDX_SRC);
    store<u32>(q, dst, CIDX_DST);
    store<u16>(q, <u16>sport, CIDX_SPORT);
    store<u16>(q, <u16>dport, CIDX_DPORT);
    store<u32>(q, (<u32>d << 8) | proto, CIDX_DEST_PROTO);
  }
  return gone;
}

// ── index ───────────────────────────────────────────────────────────────────────────────────────

function indexAlloc(slots: u32): void {
  index = alignedAlloc(<usize>slots << CIDX_SHIFT);
  indexMask = slots - 1;
  for (let i: u32 = 0; i < slots; i++) {
    const p = index + (<usize>i << CIDX_SHIFT);
    store<f64>(p, -Infinity, CIDX_GONE);
    store<f64>(p, -Infinity, CIDX_PASS);
  }
}

// @ts-ignore: decorator
@inline function entryHash(p: usize): u32 {
  return tupleHash(load<u32>(p, CIDX_DEST_PROTO) & 0xff, load<u32>(p, CIDX_SRC), <u32>load<u16>(p, CIDX_SPORT),
    load<u32>(p, CIDX_DST), <u32>load<u16>(p, CIDX_DPORT));
}

/** Puts the entry at `q` (hash `h`) in the first slot of its probe sequence without a live connection. */
// @ts-ignore: decorator
@inline function indexPut(q: usize, h: u32): void {
  const gone = load<f64>(q, CIDX_GONE);
  let i = h & indexMask;
  while (true) {
    const p = index + (<usize>i << CIDX_SHIFT);
    if (load<f64>(p, CIDX_GONE) <= simNow()) {
      store<f64>(p, gone, CIDX_GONE);
      store<u64>(p, load<u64>(q, CIDX_SRC), CIDX_SRC);
      store<u64>(p, load<u64>(q, CIDX_SPORT), CIDX_SPORT);
      return;
    }
    if (gone > load<f64>(p, CIDX_PASS)) store<f64>(p, gone, CIDX_PASS);
    i = (i + 1) & indexMask;
  }
}

/** Doubles the index, keeping the live entries. */
function indexGrow(): void {
  const old = index;
  const n = indexMask + 1;
  indexAlloc(n << 1);
  for (let i: u32 = 0; i < n; i++) {
    const p = old + (<usize>i << CIDX_SHIFT);
    if (load<f64>(p, CIDX_GONE) > simNow()) indexPut(p, entryHash(p));
  }
}

/** Room for `count` queued connections (called before a batch). */
export function connBatchReserve(count: i32): void {
  if (count > queueCap) {
    queueCap = max(count, 1024);
    queue = alignedAlloc(<usize>queueCap << CIDX_SHIFT);
  }
  queued = 0;
}

/** Inserts the connections queued by the batch (called after it; the index stays at most half live). */
export function connBatchCommit(): void {
  const n = queued;
  queued = 0;
  while (<u32>liveConnections() > (indexMask + 1) >> 1) indexGrow();
  let sink: u32 = 0;
  if (noTouch) {
    for (let k = 0; k < n; k++) {
      const q = queue + (<usize>k << CIDX_SHIFT);
      indexPut(q, load<u32>(q, CIDX_PASS));
    }
  } else {
    sink += touchSlots(0, min(INSERT_BLOCK, n));
    for (let k0 = 0; k0 < n; k0 += INSERT_BLOCK) {
      const k1 = min(k0 + INSERT_BLOCK, n);
      sink += touchSlots(k1, min(k1 + INSERT_BLOCK, n));
      for (let k = k0; k < k1; k++) {
        const q = queue + (<usize>k << CIDX_SHIFT);
        indexPut(q, load<u32>(q, CIDX_PASS));
      }
    }
  }
  touchSink = sink;
}

/** Loads the home slots of queued inserts [from, to) in one tight loop. */
// @ts-ignore: decorator
@inline function touchSlots(from: i32, to: i32): u32 {
  let sink: u32 = 0;
  for (let k = from; k < to; k++) {
    sink += load<u32>(index + (<usize>(load<u32>(queue + (<usize>k << CIDX_SHIFT), CIDX_PASS) & indexMask) << CIDX_SHIFT));
  }
  return sink;
}

/**
 * The destination of a client tuple's live connection at the current time (the latest-expiring
 * one if port reuse left several), or -1; slots examined in lastChainWork().
 */
export function connLookup(proto: u32, src: u32, sport: u32, dst: u32, dport: u32): i32 {
  const now = simNow();
  let i = tupleHash(proto, src, sport, dst, dport) & indexMask;
  const ports = (<u32>sport & 0xffff) | (<u32>dport << 16);
  let n = 0;
  let found = -1;
  let foundGone: f64 = -Infinity;
  for (let step: u32 = 0; step <= indexMask; step++) {
    const p = index + (<usize>i << CIDX_SHIFT);
    n++;
    const gone = load<f64>(p, CIDX_GONE);
    if (gone > now && gone > foundGone && load<u32>(p, CIDX_SRC) == src && load<u32>(p, CIDX_DST) == dst &&
      load<u32>(p, CIDX_SPORT) == ports && (load<u32>(p, CIDX_DEST_PROTO) & 0xff) == proto) {
      found = <i32>(load<u32>(p, CIDX_DEST_PROTO) >> 8);
      foundGone = gone;
    }
    if (load<f64>(p, CIDX_PASS) <= now) break;
    i = (i + 1) & indexMask;
  }
  chainWork = n;
  lookups++;
  lookupSteps += <u64>n;
  return found;
}

/** The index slot a lookup of this tuple starts at: the established batch touches it ahead. */
// @ts-ignore: decorator
@inline export function connHome(proto: u32, src: u32, sport: u32, dst: u32, dport: u32): usize {
  return index + (<usize>(tupleHash(proto, src, sport, dst, dport) & indexMask) << CIDX_SHIFT);
}

/** Keeps the sum of touch loads, so they are not optimised away. */
export function connKeep(sink: u32): void {
  touchSink += sink;
}
