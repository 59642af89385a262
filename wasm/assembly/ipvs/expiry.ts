// Expiry of connection state by simulated time (dataplane.md 1.13–1.15, SPEC 3 "Order"). A
// connection is known in full when it opens, so it is stored as what will happen to it: the end of
// its active part is an expiry event (layout.ts) that moves its destination's counters when it
// fires and hands the connection to a closing queue (closing.ts), which makes it gone a fixed
// timeout later. This file is the wheel that orders the ends.
//
// Two-level timing wheel. Far slots (2^-tickBits s, default 1 s) hold the events due in them,
// appended in any order; when time enters a far slot its events are spread over NEAR_SLOTS near
// slots; when time enters a near slot its events are sorted by time into one contiguous run, and a
// cursor walks the run: a flow compares its start with one number, the earliest event not yet
// fired. An event due in the current near slot goes straight into the run at its place. Far slots
// of later revolutions keep their events.
//
// Why two levels: appends go to the tails of the lists their times fall in. With one level of
// short slots, the lists being appended to are hundreds of pages apart (events fall a timeout
// ahead, spread by the flows' durations), and every append is a cache and TLB miss. With long far
// slots only a handful of tails are hot, and the near lists are 64 more; each event is moved once
// more, sequentially. The run's sort is a counting sort on sub-slots (as many as events, so about
// one per sub-slot), then an insertion pass on exact times that only meets the few inversions
// left inside a sub-slot. The order among events due before one flow does not matter (counter
// updates commute), only that all of them and none later are applied.
//
// Memory: chunks come from a pool sized at load and grown between flows (connReady/connGrow),
// never inside advance() or scheduleEvent().

import {
  CHUNK_CAP, CHUNK_COUNT, CHUNK_EVENTS, CHUNK_NEXT, CHUNK_SIZE, EV_SHIFT, EV_STRIDE, EV_TCP_END, EV_TIME,
  EV_WORD, LIST_COUNT, LIST_HEAD, LIST_SHIFT, LIST_TAIL, NEAR_BITS, NEAR_MASK, NEAR_SLOTS, SUB_BITS_MAX,
} from './layout';
import { destAddActive, destAddInactive } from './service';
import { alignedAlloc } from '../cache';
import {
  CLOSE_FIN, CLOSE_SYN, CLOSE_UDP, closingAdvance, closingAppend, closingMakeReady, closingQueue, closingReady, closingTimeout,
} from './closing';

/**
 * Free chunks the decision loop keeps in hand before each flow: advance() may open one near tail
 * per near slot while it spreads a far slot (it frees chunks as it reads them), and a new
 * connection appends at most two events.
 */
const POOL_RESERVE: i32 = <i32>NEAR_SLOTS * 2 + 8;

let now: f64 = -Infinity;
let pending: i32 = 0; // events not yet fired
let eventsFired: u64 = 0;

// chunk pool
let freeChunk: usize = 0;
let freeChunks: i32 = 0;
let totalChunks: i32 = 0;

// wheel
let far: usize = 0; // 2^wheelBits event lists
let near: usize = 0; // NEAR_SLOTS event lists: the current far slot
let farMask: u32 = 0;
let farSize: i64 = 0;
let nearScale: f64 = 0; // near slots per second
let curFar: i64 = 0; // absolute far slot whose events are in `near`
let curNear: i64 = 0; // absolute near slot of `now`: its events are in the run
let longestNear: i32 = 0; // most events a near list has held: what the run may have to take at once

// the run: the current near slot's events sorted by time, fired up to the cursor
let run: usize = 0;
let spare: usize = 0; // where a near slot's events are gathered before the sort
let runCap: i32 = 0;
let runCount: i32 = 0;
let runCursor: i32 = 0;
let nextDue: f64 = Infinity; // time of the event at the cursor
const subStart = new StaticArray<i32>((1 << SUB_BITS_MAX) + 1);

/**
 * Empty expiry state for about `capacity` live connections: far slots of 2^-tickBits s, 2^wheelBits
 * of them per revolution.
 */
export function expiryInit(capacity: i32, tickBits: i32, wheelBits: i32): void {
  now = -Infinity;
  pending = 0;
  eventsFired = 0;
  freeChunk = 0;
  freeChunks = 0;
  totalChunks = 0;
  // pending ends are few (most live connections are closing, closing.ts); the pool grows between flows
  poolAdd(POOL_RESERVE * 4);
  const w = <usize>1 << <usize>wheelBits;
  farMask = <u32>(w - 1);
  farSize = <i64>w;
  far = alignedAlloc(w << LIST_SHIFT);
  memory.fill(far, 0, w << LIST_SHIFT);
  near = alignedAlloc(<usize>NEAR_SLOTS << LIST_SHIFT);
  memory.fill(near, 0, <usize>NEAR_SLOTS << LIST_SHIFT);
  nearScale = <f64>(<u64>1 << <u64>(tickBits + NEAR_BITS));
  curFar = 0;
  curNear = 0;
  longestNear = 0;
  runCap = 0;
  runReserve(1024);
  runCount = 0;
  runCursor = 0;
  nextDue = Infinity;
}

export function connEventsFired(): u64 { return eventsFired; }
/** Bytes held by event chunks and the run. */
export function expiryBytes(): f64 { return <f64>totalChunks * <f64>CHUNK_SIZE + <f64>runCap * 2 * <f64>EV_STRIDE; }
/** The simulated time of the latest advance(). */
// @ts-ignore: decorator
@inline export function simNow(): f64 { return now; }

// ── capacity ────────────────────────────────────────────────────────────────────────────────────

/**
 * Whether expiry can take one more flow without allocating: chunks in hand, and a run that can
 * hold any list's events plus the two a flow may add (the decision loop checks before each flow).
 */
// @ts-ignore: decorator
@inline export function expiryReady(): bool {
  // every pending end may hand its connection to a closing queue in one advance, and a flow opens one more
  return freeChunks >= POOL_RESERVE && max(runCount, longestNear) + 2 <= runCap && closingReady(pending + 2, 2);
}

/** Makes expiryReady() true again; called between flows. */
export function expiryGrow(): void {
  if (freeChunks < POOL_RESERVE) poolAdd(max(totalChunks, POOL_RESERVE * 2));
  runReserve(max(runCount, longestNear) + 2);
  closingMakeReady(pending + 2, 2);
}

/**
 * Makes room for the events of `n` flows decided without advance() between them (a batch of a
 * scheduler blind to the counts): their events each fill at most one chunk per 255 and open at
 * most one tail per list, may all go into the run, and each flow may hand its connection to a
 * closing queue as it opens or when its end fires.
 */
export function expiryReserve(n: i32): void {
  const chunks = POOL_RESERVE + n / CHUNK_CAP + <i32>farSize + <i32>NEAR_SLOTS + 2;
  if (freeChunks < chunks) poolAdd(max(totalChunks, chunks));
  runReserve(max(runCount, longestNear) + n + 2);
  closingMakeReady(pending + n + 2, n + 2);
}

/** Adds `n` chunks to the pool. */
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

/** Room for `n` events in the run (keeping its contents) and in the spare. */
function runReserve(n: i32): void {
  if (n <= runCap) return;
  const cap = max(n, runCap * 2);
  const grown = alignedAlloc(<usize>cap << EV_SHIFT);
  if (runCount > 0) memory.copy(grown, run, <usize>runCount << EV_SHIFT);
  run = grown;
  spare = alignedAlloc(<usize>cap << EV_SHIFT);
  runCap = cap;
}

// ── events and lists ────────────────────────────────────────────────────────────────────────────

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

// @ts-ignore: decorator
@inline function eventAt(c: usize, i: i32): usize { return c + CHUNK_EVENTS + (<usize>i << EV_SHIFT); }

// @ts-ignore: decorator
@inline function putEvent(e: usize, time: f64, word: u32): void {
  store<f64>(e, time, EV_TIME);
  store<u32>(e, word, EV_WORD);
}

// @ts-ignore: decorator
@inline function copyEvent(to: usize, from: usize): void {
  putEvent(to, load<f64>(from, EV_TIME), load<u32>(from, EV_WORD));
}

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
  putEvent(eventAt(tail, n), time, word);
  store<i32>(tail, n + 1, CHUNK_COUNT);
}

/** listAppend() to a near list, which counts its events: the run must be able to take them all. */
// @ts-ignore: decorator
@inline function nearAppend(ns: i64, time: f64, word: u32): void {
  const list = nearList(ns);
  listAppend(list, time, word);
  const count = load<i32>(list, LIST_COUNT) + 1;
  store<i32>(list, count, LIST_COUNT);
  if (count > longestNear) longestNear = count;
}

/**
 * Fires the end at `time` of a connection's active part: a TCP connection's destination counts
 * it inactive instead of active (the core owns the counters; schedulers only read), and the
 * connection goes to the closing queue of its timeout.
 */
// @ts-ignore: decorator
@inline function fire(time: f64, word: u32): void {
  const d = <i32>(word >> 1);
  if ((word & EV_TCP_END) != 0) {
    destAddActive(d, -1);
    destAddInactive(d, 1);
    const q = closingQueue(CLOSE_FIN);
    closingAppend(q, time + closingTimeout(q), d);
  } else {
    const q = closingQueue(CLOSE_UDP);
    closingAppend(q, time + closingTimeout(q), d);
  }
  pending--;
  eventsFired++;
}

// @ts-ignore: decorator
@inline function nearList(slot: i64): usize { return near + (<usize>(<u32>slot & NEAR_MASK) << LIST_SHIFT); }
// @ts-ignore: decorator
@inline function farList(slot: i64): usize { return far + (<usize>(<u32>slot & farMask) << LIST_SHIFT); }

/** Fires every event of a list (all due) and returns its chunks to the pool. */
function drain(list: usize): void {
  let c = <usize>load<u32>(list, LIST_HEAD);
  while (c != 0) {
    const n = load<i32>(c, CHUNK_COUNT);
    for (let i = 0; i < n; i++) fire(load<f64>(eventAt(c, i), EV_TIME), load<u32>(eventAt(c, i), EV_WORD));
    const next = <usize>load<u32>(c, CHUNK_NEXT);
    chunkFree(c);
    c = next;
  }
  store<u64>(list, 0);
  store<i32>(list, 0, LIST_COUNT);
}

/** What sift() does with an event that is not due. */
const KEEP: i32 = 0; // far list of a later revolution: stays
const SPREAD: i32 = 1; // far slot being entered: events move to their near lists
const GATHER: i32 = 2; // near slot being entered: events go to the spare for the sort

/**
 * Walks a list: events due by `limit` fire; the others are spread or gathered when `mode` says so
 * and their far slot is `slot`, and otherwise packed to the front of the list in place (the write
 * position never passes the read position). Chunks read empty go back to the pool as the walk
 * leaves them. Returns how many events were gathered.
 */
function sift(list: usize, limit: f64, mode: i32, slot: i64): i32 {
  let rc = <usize>load<u32>(list, LIST_HEAD);
  if (rc == 0) return 0;
  let wc = rc;
  let wn = 0;
  let gathered = 0;
  while (rc != 0) {
    const n = load<i32>(rc, CHUNK_COUNT);
    for (let i = 0; i < n; i++) {
      const e = eventAt(rc, i);
      const time = load<f64>(e, EV_TIME);
      const word = load<u32>(e, EV_WORD);
      if (time <= limit) {
        fire(time, word);
        continue;
      }
      const ns = <i64>Math.floor(time * nearScale);
      if (mode == GATHER) {
        putEvent(spare + (<usize>gathered << EV_SHIFT), time, word);
        gathered++;
      } else if (mode == SPREAD && (ns >> NEAR_BITS) == slot) {
        nearAppend(ns, time, word);
      } else {
        if (wn == CHUNK_CAP) {
          store<i32>(wc, CHUNK_CAP, CHUNK_COUNT);
          wc = <usize>load<u32>(wc, CHUNK_NEXT);
          wn = 0;
        }
        putEvent(eventAt(wc, wn++), time, word);
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
  // a near list is gathered whole; far lists keep no count
  if (mode == GATHER) store<i32>(list, 0, LIST_COUNT);
  return gathered;
}

// ── the run ─────────────────────────────────────────────────────────────────────────────────────

/**
 * Sorts the `n` events gathered from near slot `slot` into the run: a counting sort on 2^bits equal
 * parts of the slot (monotone in time, so inversions are left only inside a part), then an
 * insertion pass on exact times.
 */
function runSort(n: i32, slot: i64): void {
  let bits = 0;
  while (bits < SUB_BITS_MAX && (1 << bits) < n) bits++;
  const parts = <u32>1 << <u32>bits;
  const starts = changetype<usize>(subStart);
  memory.fill(starts, 0, <usize>(parts + 1) << 2);
  const scale = nearScale * <f64>parts;
  const base = <f64>slot * <f64>parts;
  const last = <f64>(parts - 1);
  // starts[p + 1] counts part p; the prefix sum turns starts[p] into where part p begins
  for (let k = 0; k < n; k++) {
    const p = starts + (<usize>partOf(load<f64>(spare + (<usize>k << EV_SHIFT), EV_TIME), scale, base, last) << 2);
    store<i32>(p, load<i32>(p, 4) + 1, 4);
  }
  for (let b: u32 = 1; b <= parts; b++) {
    const p = starts + (<usize>b << 2);
    store<i32>(p, load<i32>(p) + load<i32>(p - 4));
  }
  for (let k = 0; k < n; k++) {
    const from = spare + (<usize>k << EV_SHIFT);
    const p = starts + (<usize>partOf(load<f64>(from, EV_TIME), scale, base, last) << 2);
    const at = load<i32>(p);
    store<i32>(p, at + 1);
    copyEvent(run + (<usize>at << EV_SHIFT), from);
  }
  for (let k = 1; k < n; k++) {
    const e = run + (<usize>k << EV_SHIFT);
    const time = load<f64>(e, EV_TIME);
    if (load<f64>(e - EV_STRIDE, EV_TIME) <= time) continue;
    runPlace(0, k, time, load<u32>(e, EV_WORD));
  }
  runCount = n;
  runCursor = 0;
  nextDue = n > 0 ? load<f64>(run, EV_TIME) : Infinity;
}

/** The part of the current near slot a time falls in, clamped to [0, last]. */
// @ts-ignore: decorator
@inline function partOf(time: f64, scale: f64, base: f64, last: f64): u32 {
  return <u32>min(max(Math.floor(time * scale) - base, 0), last);
}

/**
 * Puts an event in its time order among run positions [lo, at), the place `at` being free: later
 * events move up one. Returns where it went.
 */
// @ts-ignore: decorator
@inline function runPlace(lo: i32, at: i32, time: f64, word: u32): i32 {
  let j = at;
  while (j > lo && load<f64>(run + (<usize>(j - 1) << EV_SHIFT), EV_TIME) > time) {
    copyEvent(run + (<usize>j << EV_SHIFT), run + (<usize>(j - 1) << EV_SHIFT));
    j--;
  }
  putEvent(run + (<usize>j << EV_SHIFT), time, word);
  return j;
}

/** Puts an event of the current near slot into the run at its place (never before the cursor). */
function runInsert(time: f64, word: u32): void {
  const j = runPlace(runCursor, runCount, time, word);
  runCount++;
  if (j == runCursor) nextDue = time;
}

/** Fires the run's events due by `limit`. */
function runFire(limit: f64): void {
  let k = runCursor;
  const n = runCount;
  while (k < n) {
    const e = run + (<usize>k << EV_SHIFT);
    if (load<f64>(e, EV_TIME) > limit) break;
    fire(load<f64>(e, EV_TIME), load<u32>(e, EV_WORD));
    k++;
  }
  runCursor = k;
  nextDue = k < n ? load<f64>(run + (<usize>k << EV_SHIFT), EV_TIME) : Infinity;
}

// ── time ────────────────────────────────────────────────────────────────────────────────────────

/**
 * Schedules the end `word` (destination << 1 | kind) at `time` ≥ the current time: into the run
 * if it falls in the current near slot, else into its near list or its far list.
 */
// @ts-ignore: decorator
@inline export function scheduleEvent(time: f64, word: u32): void {
  const ns = <i64>Math.floor(time * nearScale);
  if (ns <= curNear) runInsert(time, word);
  else if ((ns >> NEAR_BITS) == curFar) nearAppend(ns, time, word);
  else listAppend(farList(ns >> NEAR_BITS), time, word);
  pending++;
}

/** Applies every state change due at or before `t` (SPEC 3 "Order"). `t` never decreases. */
// @ts-ignore: decorator
@inline export function advance(t: f64): void {
  if (t > now) now = t;
  const ns = <i64>Math.floor(now * nearScale);
  if (ns != curNear) enterNear(ns);
  if (nextDue <= now) runFire(now);
  closingAdvance(closingQueue(CLOSE_FIN), now);
  closingAdvance(closingQueue(CLOSE_UDP), now);
  closingAdvance(closingQueue(CLOSE_SYN), now);
}

/** advance() into a later near slot. */
function enterNear(ns: i64): void {
  // the rest of the run is due: its slot has ended
  runFire(Infinity);
  runCount = 0;
  runCursor = 0;
  const fs = ns >> NEAR_BITS;
  if (pending == 0) {
    curFar = fs;
    curNear = ns;
    return;
  }
  let from = curNear + 1;
  if (fs != curFar) {
    // the rest of the current far slot is due
    const end = (curFar + 1) << NEAR_BITS;
    for (let k = from; k < end; k++) drain(nearList(k));
    // far slots passed over: what is due fires, later revolutions stay
    if (fs - curFar - 1 >= farSize) {
      for (let s: u32 = 0; s <= farMask; s++) sift(far + (<usize>s << LIST_SHIFT), now, KEEP, 0);
    } else {
      for (let k = curFar + 1; k < fs; k++) {
        const list = farList(k);
        if (load<u32>(list, LIST_HEAD) != 0) sift(list, now, KEEP, 0);
      }
    }
    curFar = fs;
    // the new far slot: what is due fires, its own events move to the near lists
    sift(farList(fs), now, SPREAD, fs);
    from = fs << NEAR_BITS;
  }
  // near slots passed over are due
  for (let k = from; k < ns; k++) drain(nearList(k));
  curNear = ns;
  runSort(sift(nearList(ns), now, GATHER, fs), ns);
}
