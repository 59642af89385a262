// Connection accounting and expiry (dataplane.md 1.13–1.15, SPEC 3), laid out for millions of live
// connections, where every random memory access is a cache and TLB miss (layout.ts draws the
// records).
//
// A connection is known in full when it opens: its destination, when it turns inactive and when it
// is gone. So it is stored as what will happen to it, not as a record: one or two expiry events
// (16 bytes each) appended to event lists. Appends and drains walk memory sequentially; the only
// random accesses left on the decision path are the destination counters the events update.
//
// Expiry: a two-level timing wheel driven by simulated time. Coarse slots (2^-tickBits s, default
// 1/64 s) hold the events due in them, appended in any order; when time enters a coarse slot its
// events are spread over 2^FINE_BITS fine slots, and each flow applies the events of the current
// fine slot that are due at its start (a fine slot holds a few events; its earliest time is kept,
// so most flows compare one number). Coarse slots of later revolutions keep their events. The
// order among events due before one flow does not matter (counter updates commute), only that all
// of them and none later are applied.
//
// Index (established path only, nothing in a decision reads it): open addressing over 32-byte
// entries keyed by the client tuple, with each entry's exact gone time, so an entry frees itself
// when its connection is gone, and each slot's `pass` (layout.ts) lets lookups stop without
// deletions or tombstones. New connections are queued during a batch and inserted after it in one
// tight loop that touches the slot of the insert INSERT_AHEAD places ahead, so the cache misses of
// independent inserts overlap instead of queueing.
//
// Memory: the event chunk pool and the index are sized at load from the host's capacity hint and
// grow only between batches (the decision loop stops early when the pool runs low).

import { tupleHash } from './hash';
import {
  CHUNK_CAP, CHUNK_COUNT, CHUNK_EVENTS, CHUNK_NEXT, CHUNK_SIZE, CIDX_DEST_PROTO, CIDX_DPORT, CIDX_DST, CIDX_GONE,
  CIDX_PASS, CIDX_SHIFT, CIDX_SPORT, CIDX_SRC, EV_ACTIVE_END, EV_SHIFT, EV_TIME, EV_WORD, FINE_BITS,
  FINE_MASK, FINE_SLOTS, LIST_HEAD, LIST_SHIFT, LIST_TAIL, PROTO_UDP, SYN_RECV_TIMEOUT,
} from './layout';
import { destAddActive, destAddInactive, destServing } from './service';

/** Cache line: the index and the chunks start on one. */
const LINE: usize = 64;
/**
 * Free chunks the decision loop keeps in hand before each flow: advance() may need one new tail per
 * fine slot plus one while it spreads a coarse slot (it frees chunks as it reads them), and a new
 * connection appends at most two events.
 */
const POOL_RESERVE: i32 = <i32>FINE_SLOTS * 2 + 8;
/** Index inserts between touching a slot and writing it: enough misses in flight to hide latency. */
const INSERT_AHEAD: i32 = 16;

// ── state ───────────────────────────────────────────────────────────────────────────────────────

let now: f64 = -Infinity;
let live: i32 = 0;
let finTimeout: f64 = 120;
let udpTimeout: f64 = 300;

// event chunk pool
let freeChunk: usize = 0;
let freeChunks: i32 = 0;
let totalChunks: i32 = 0;

// wheel
let wheel: usize = 0; // 2^wheelBits coarse event lists
let fine: usize = 0; // FINE_SLOTS event lists: the current coarse slot
let wheelMask: u32 = 0;
let wheelSize: i64 = 0;
let coarseScale: f64 = 0; // coarse ticks per second
let fineScale: f64 = 0; // fine ticks per second
let curCoarse: i64 = 0; // absolute coarse tick whose events are in `fine`
let curFine: i64 = 0; // absolute fine tick of `now`
let fineMin: f64 = Infinity; // earliest event in the current fine slot
let pending: i32 = 0; // events not yet fired

// index
let index: usize = 0;
let indexMask: u32 = 0;
let queue: usize = 0; // connections of the running batch, in index-entry layout (pass = tuple hash)
let queueCap: i32 = 0;
let queued: i32 = 0;
let touchSink: u32 = 0;

// counters
let eventsFired: u64 = 0;
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

// @ts-ignore: decorator
@inline function alignedAlloc(bytes: usize, align: usize = LINE): usize {
  return (heap.alloc(bytes + align) + align - 1) & ~(align - 1);
}

/**
 * Sets up connection state for about `capacity` live connections (index at most half full, chunks
 * for two events each), a wheel of 2^wheelBits coarse slots of 2^-tickBits s, and the timeouts.
 */
export function connInit(capacity: i32, tickBits: i32, wheelBits: i32, fin: f64, udp: f64): void {
  const cap = max(capacity, 16);
  now = -Infinity;
  live = 0;
  finTimeout = fin;
  udpTimeout = udp;
  freeChunk = 0;
  freeChunks = 0;
  totalChunks = 0;
  // about one pending event per live connection (the active-end ones are few), half-full tails
  poolAdd(max(cap / CHUNK_CAP * 2, POOL_RESERVE * 2));
  const w = <usize>1 << <usize>wheelBits;
  wheelMask = <u32>(w - 1);
  wheelSize = <i64>w;
  wheel = alignedAlloc(w << LIST_SHIFT);
  memory.fill(wheel, 0, w << LIST_SHIFT);
  fine = alignedAlloc(<usize>FINE_SLOTS << LIST_SHIFT);
  memory.fill(fine, 0, <usize>FINE_SLOTS << LIST_SHIFT);
  coarseScale = <f64>(<u64>1 << <u64>tickBits);
  fineScale = coarseScale * <f64>FINE_SLOTS;
  curCoarse = 0;
  curFine = 0;
  fineMin = Infinity;
  pending = 0;
  let slots: u32 = 64;
  while (slots < <u32>cap * 2) slots <<= 1;
  indexAlloc(slots);
  queueCap = 0;
  queued = 0;
  eventsFired = 0;
  lookups = 0;
  lookupSteps = 0;
}

export function liveConnections(): i32 { return live; }
export function connEventsFired(): u64 { return eventsFired; }
export function connLookups(): u64 { return lookups; }
export function connLookupSteps(): u64 { return lookupSteps; }
export function eventChunks(): i32 { return totalChunks; }
export function indexSlots(): u32 { return indexMask + 1; }
// @ts-ignore: decorator
@inline export function lastChainWork(): i32 { return chainWork; }

// ── event chunk pool ────────────────────────────────────────────────────────────────────────────

/** Adds `n` chunks to the pool (between batches, or at load). */
function poolAdd(n: i32): void {
  const block = alignedAlloc(<usize>n * CHUNK_SIZE, CHUNK_SIZE);
  for (let i = n - 1; i >= 0; i--) {
    const c = block + <usize>i * CHUNK_SIZE;
    store<u32>(c, <u32>freeChunk, CHUNK_NEXT);
    freeChunk = c;
  }
  freeChunks += n;
  totalChunks += n;
}

/** Whether the pool can serve one more flow (the decision loop checks before each). */
// @ts-ignore: decorator
@inline export function poolReady(): bool { return freeChunks >= POOL_RESERVE; }

/** Doubles the pool; called between flows when poolReady() is false. */
export function poolGrow(): void {
  poolAdd(max(totalChunks, POOL_RESERVE * 2));
}

// @ts-ignore: decorator
@inline function chunkTake(): usize {
  const c = freeChunk;
  freeChunk = <usize>load<u32>(c, CHUNK_NEXT);
  freeChunks--;
  store<u32>(c, 0, CHUNK_NEXT);
  store<i32>(c, 0, CHUNK_COUNT);
  return c;
}

// @ts-ignore: decorator
@inline function chunkFree(c: usize): void {
  store<u32>(c, <u32>freeChunk, CHUNK_NEXT);
  freeChunk = c;
  freeChunks++;
}

// ── event lists ─────────────────────────────────────────────────────────────────────────────────

// @ts-ignore: decorator
@inline function eventAt(c: usize, i: i32): usize { return c + CHUNK_EVENTS + (<usize>i << EV_SHIFT); }

// @ts-ignore: decorator
@inline function listAppend(list: usize, time: f64, word: u32): void {
  let tail = <usize>load<u32>(list, LIST_TAIL);
  let n = 0;
  if (tail != 0) n = load<i32>(tail, CHUNK_COUNT);
  if (tail == 0 || n == CHUNK_CAP) {
    const c = chunkTake();
    if (tail == 0) store<u32>(list, <u32>c, LIST_HEAD);
    else store<u32>(tail, <u32>c, CHUNK_NEXT);
    store<u32>(list, <u32>c, LIST_TAIL);
    tail = c;
    n = 0;
  }
  const e = eventAt(tail, n);
  store<f64>(e, time, EV_TIME);
  store<u32>(e, word, EV_WORD);
  store<i32>(tail, n + 1, CHUNK_COUNT);
}

/** Applies one event to its destination's counters (the core owns them; schedulers only read). */
// @ts-ignore: decorator
@inline function fire(word: u32): void {
  const d = <i32>(word >> 1);
  if ((word & EV_ACTIVE_END) != 0) {
    destAddActive(d, -1);
    destAddInactive(d, 1);
  } else {
    destAddInactive(d, -1);
    live--;
  }
  pending--;
  eventsFired++;
}

/** Fires every event of a list (all due) and returns its chunks to the pool. */
function drain(list: usize): void {
  let c = <usize>load<u32>(list, LIST_HEAD);
  if (c == 0) return;
  while (c != 0) {
    const n = load<i32>(c, CHUNK_COUNT);
    for (let i = 0; i < n; i++) fire(load<u32>(eventAt(c, i), EV_WORD));
    const next = <usize>load<u32>(c, CHUNK_NEXT);
    chunkFree(c);
    c = next;
  }
  store<u64>(list, 0);
}

/**
 * Walks a list: events due by `limit` fire; when `spread` ≥ 0, events of coarse tick `spread` move
 * to their fine slot; the rest are packed to the front of the list in place (the write position
 * never passes the read position) and chunks read empty go back to the pool as the walk leaves
 * them. Returns the earliest time left in the list.
 */
function sift(list: usize, limit: f64, spread: i64): f64 {
  let rc = <usize>load<u32>(list, LIST_HEAD);
  if (rc == 0) return Infinity;
  let wc = rc;
  let wn = 0;
  let least = Infinity;
  while (rc != 0) {
    const n = load<i32>(rc, CHUNK_COUNT);
    for (let i = 0; i < n; i++) {
      const e = eventAt(rc, i);
      const time = load<f64>(e, EV_TIME);
      const word = load<u32>(e, EV_WORD);
      if (time <= limit) {
        fire(word);
      } else if (spread >= 0 && <i64>Math.floor(time * coarseScale) == spread) {
        listAppend(fine + (<usize>(<u32><i64>Math.floor(time * fineScale) & FINE_MASK) << LIST_SHIFT), time, word);
      } else {
        if (wn == CHUNK_CAP) {
          store<i32>(wc, CHUNK_CAP, CHUNK_COUNT);
          wc = <usize>load<u32>(wc, CHUNK_NEXT);
          wn = 0;
        }
        const w = eventAt(wc, wn++);
        store<f64>(w, time, EV_TIME);
        store<u32>(w, word, EV_WORD);
        if (time < least) least = time;
      }
    }
    const next = <usize>load<u32>(rc, CHUNK_NEXT);
    if (rc != wc) {
      // every chunk between wc and rc was freed already, so wc.next == rc
      store<u32>(wc, <u32>next, CHUNK_NEXT);
      chunkFree(rc);
    }
    rc = next;
  }
  if (wn == 0) {
    // nothing kept: wc is the head and the only chunk left
    chunkFree(wc);
    store<u64>(list, 0);
  } else {
    store<i32>(wc, wn, CHUNK_COUNT);
    store<u32>(wc, 0, CHUNK_NEXT);
    store<u32>(list, <u32>wc, LIST_TAIL);
  }
  return least;
}

/** Schedules an event: into its coarse slot, or its fine slot if its coarse slot is the current one. */
// @ts-ignore: decorator
@inline function schedule(time: f64, word: u32): void {
  const ct = <i64>Math.floor(time * coarseScale);
  if (ct == curCoarse) {
    const ft = <i64>Math.floor(time * fineScale);
    listAppend(fine + (<usize>(<u32>ft & FINE_MASK) << LIST_SHIFT), time, word);
    if (ft == curFine && time < fineMin) fineMin = time;
  } else {
    listAppend(wheel + (<usize>(<u32>ct & wheelMask) << LIST_SHIFT), time, word);
  }
  pending++;
}

/** Applies every state change due at or before `t` (SPEC 3 "Order"). `t` never decreases. */
// @ts-ignore: decorator
@inline export function advance(t: f64): void {
  if (t > now) now = t;
  const ft = <i64>Math.floor(now * fineScale);
  if (ft == curFine) {
    if (fineMin <= now) fineMin = sift(fine + (<usize>(<u32>ft & FINE_MASK) << LIST_SHIFT), now, -1);
  } else {
    advanceTicks(ft);
  }
}

/** advance() into a later fine slot. */
function advanceTicks(ft: i64): void {
  const ct = ft >> FINE_BITS;
  if (pending == 0) {
    curCoarse = ct;
    curFine = ft;
    fineMin = Infinity;
    return;
  }
  if (ct != curCoarse) {
    // the rest of the current coarse slot is due
    for (let f = <u32>curFine & FINE_MASK; f < FINE_SLOTS; f++) drain(fine + (<usize>f << LIST_SHIFT));
    // coarse slots passed over: what is due fires, later revolutions stay
    const span = ct - curCoarse - 1;
    if (span >= wheelSize) {
      for (let s: u32 = 0; s <= wheelMask; s++) sift(wheel + (<usize>s << LIST_SHIFT), now, -1);
    } else {
      for (let k = curCoarse + 1; k < ct; k++) {
        const list = wheel + (<usize>(<u32>k & wheelMask) << LIST_SHIFT);
        if (load<u32>(list, LIST_HEAD) != 0) sift(list, now, -1);
      }
    }
    curCoarse = ct;
    curFine = ct << FINE_BITS;
    // the new current slot: what is due fires, its own events move to the fine level
    sift(wheel + (<usize>(<u32>ct & wheelMask) << LIST_SHIFT), now, ct);
  }
  for (let f = curFine; f < ft; f++) drain(fine + (<usize>(<u32>f & FINE_MASK) << LIST_SHIFT));
  curFine = ft;
  fineMin = sift(fine + (<usize>(<u32>ft & FINE_MASK) << LIST_SHIFT), now, -1);
}

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
    schedule(end, word | EV_ACTIVE_END);
  } else {
    destAddInactive(d, 1);
    gone = start + SYN_RECV_TIMEOUT;
  }
  schedule(gone, word);
  live++;
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
    if (load<f64>(p, CIDX_GONE) <= now) {
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
    if (load<f64>(p, CIDX_GONE) > now) indexPut(p, entryHash(p));
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
  while (<u32>live > (indexMask + 1) >> 1) indexGrow();
  let sink: u32 = 0;
  const ahead = noTouch ? n : INSERT_AHEAD;
  for (let k = 0; k < min(ahead, n); k++) {
    const q = queue + (<usize>k << CIDX_SHIFT);
    sink += load<u32>(index + (<usize>(load<u32>(q, CIDX_PASS) & indexMask) << CIDX_SHIFT));
  }
  for (let k = 0; k < n; k++) {
    if (k + ahead < n) {
      const qa = queue + (<usize>(k + ahead) << CIDX_SHIFT);
      sink += load<u32>(index + (<usize>(load<u32>(qa, CIDX_PASS) & indexMask) << CIDX_SHIFT));
    }
    const q = queue + (<usize>k << CIDX_SHIFT);
    indexPut(q, load<u32>(q, CIDX_PASS));
  }
  touchSink = sink;
}

/**
 * The destination of a client tuple's live connection at the current time (the latest-expiring
 * one if port reuse left several), or -1; slots examined in lastChainWork().
 */
export function connLookup(proto: u32, src: u32, sport: u32, dst: u32, dport: u32): i32 {
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
