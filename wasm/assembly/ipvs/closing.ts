// Closing queues (dataplane.md 1.13–1.15, SPEC 3): the last part of a connection's life is a fixed
// timeout after something already past, so its gone time needs no timing wheel. A TCP connection
// is gone the FIN timeout after its active part ends, a UDP connection the UDP timeout after its
// last packet, a TCP connection to a non-serving endpoint SYN_RECV_TIMEOUT after it opens. Each
// such connection is appended to the queue of its timeout when that moment passes (expiry.ts
// fires the end, conn.ts appends at opening what is already settled), and is gone when its entry
// fires: its destination's inactive count drops and the live count with it.
//
// Why entries can be fired in queue order, almost: everything appended between two advances (a
// block) ends in (T_prev, T] of those advances, so its gone times lie in (T_prev + timeout,
// T + timeout], after every earlier block's and before every later block's. Inside a block the
// order is what the wheel fired, which is time order unless expiry caught up over several slots
// at once (a batch of flows that never read the counts catches up once). So a block records
// whether its entries are sorted and its least and greatest gone time: a sorted block fires from
// its head while due; an unsorted one fires whole once its greatest is due, and before that, when
// its least is, fires its due entries and keeps the rest. A block that continues the sorted one
// before it is merged into it, so connections that end in time order make one long sorted block.
//
// Memory: entries live in pages of PAGE_ENTRIES, named by a ring of page addresses indexed by
// sequence number (layout.ts); a page fired empty goes back to a pool, and the next page a queue
// needs is the one freed last, still in cache (a ring of entries would write where the entries of
// minutes ago were, missing the cache at every line). Pages, the page rings and the block rings
// grow between flows (closingReserve), never inside an append or a fire.

import {
  BLOCK_END, BLOCK_MAX, BLOCK_MIN, BLOCK_SHIFT, BLOCK_SORTED, CLOSE_DEST, CLOSE_GONE, CLOSE_SHIFT, PAGE_BITS, PAGE_ENTRIES,
  PAGE_SIZE, Q_BHEAD, Q_BLOCKS, Q_BMASK, Q_BTAIL, Q_HEAD, Q_NEXT_DUE, Q_OPEN_MAX, Q_OPEN_MIN, Q_OPEN_SORTED, Q_PAGES, Q_PMASK,
  Q_STRIDE, Q_TAIL, Q_TIMEOUT,
} from './layout';
import { alignedAlloc } from '../cache';
import { destAddInactive } from './service';

/** The queues, one per timeout. */
export const CLOSE_FIN: i32 = 0;
export const CLOSE_UDP: i32 = 1;
export const CLOSE_SYN: i32 = 2;
const QUEUES: i32 = 3;
const queues = new StaticArray<u8>(<i32>Q_STRIDE * QUEUES);

let live: i32 = 0;
let fired: u64 = 0;

// the page pool, shared by the queues (a free page's first word links the next)
let freePage: usize = 0;
let freePages: i32 = 0;
let pagesMade: i32 = 0;

/** The record of queue `k`. */
// @ts-ignore: decorator
@inline export function closingQueue(k: i32): usize { return changetype<usize>(queues) + <usize>k * Q_STRIDE; }

/** Empty queues with the three timeouts, and pages for about `capacity` entries. */
export function closingInit(capacity: i32, fin: f64, udp: f64, synRecv: f64): void {
  live = 0;
  fired = 0;
  freePage = 0;
  freePages = 0;
  pagesMade = 0;
  poolAdd(capacity / PAGE_ENTRIES + 16);
  for (let k = 0; k < QUEUES; k++) {
    const q = closingQueue(k);
    store<f64>(q, k == CLOSE_FIN ? fin : k == CLOSE_UDP ? udp : synRecv, Q_TIMEOUT);
    const pages = pow2(k == CLOSE_FIN ? capacity / PAGE_ENTRIES + 2 : 4);
    store<u32>(q, <u32>alignedAlloc(<usize>pages << 2), Q_PAGES);
    store<u32>(q, <u32>pages - 1, Q_PMASK);
    store<u32>(q, <u32>alignedAlloc(<usize>64 << BLOCK_SHIFT), Q_BLOCKS);
    store<u32>(q, 63, Q_BMASK);
    store<u32>(q, 0, Q_HEAD);
    store<u32>(q, 0, Q_TAIL);
    store<u32>(q, 0, Q_BHEAD);
    store<u32>(q, 0, Q_BTAIL);
    store<f64>(q, Infinity, Q_NEXT_DUE);
    openReset(q);
  }
}

/** Adds `n` pages to the pool. */
function poolAdd(n: i32): void {
  const block = alignedAlloc(<usize>n * PAGE_SIZE, PAGE_SIZE);
  for (let i = n - 1; i >= 0; i--) {
    const p = block + <usize>i * PAGE_SIZE;
    store<u32>(p, <u32>freePage);
    freePage = p;
  }
  freePages += n;
  pagesMade += n;
}

/** Connections opened and not yet gone. */
export function liveConnections(): i32 { return live; }
/** Connections gone so far (each was one fired entry). */
export function closingFired(): u64 { return fired; }
/** Bytes held by pages, in use or free, and by the rings. */
export function closingBytes(): f64 {
  let bytes = <f64>pagesMade * <f64>PAGE_SIZE;
  for (let k = 0; k < QUEUES; k++) {
    const q = closingQueue(k);
    bytes += <f64>(<u64>(load<u32>(q, Q_PMASK) + 1) << 2) + <f64>(<u64>(load<u32>(q, Q_BMASK) + 1) << BLOCK_SHIFT);
  }
  return bytes;
}

/** A new connection is live (conn.ts, as it opens). */
// @ts-ignore: decorator
@inline export function connectionOpened(): void { live++; }

/** The timeout of queue `q`. */
// @ts-ignore: decorator
@inline export function closingTimeout(q: usize): f64 { return load<f64>(q, Q_TIMEOUT); }

function pow2(n: i32): i32 {
  let p = 4;
  while (p < n) p <<= 1;
  return p;
}

/** Where the page of sequence number `seq` is named in queue `q`'s page ring. */
// @ts-ignore: decorator
@inline function pageSlot(q: usize, seq: u32): usize {
  return <usize>load<u32>(q, Q_PAGES) + (<usize>((seq >> PAGE_BITS) & load<u32>(q, Q_PMASK)) << 2);
}
// @ts-ignore: decorator
@inline function entryAt(q: usize, seq: u32): usize {
  return <usize>load<u32>(pageSlot(q, seq)) + (<usize>(seq & (PAGE_ENTRIES - 1)) << CLOSE_SHIFT);
}
// @ts-ignore: decorator
@inline function blockAt(q: usize, b: u32): usize {
  return <usize>load<u32>(q, Q_BLOCKS) + (<usize>(b & load<u32>(q, Q_BMASK)) << BLOCK_SHIFT);
}

function openReset(q: usize): void {
  store<f64>(q, Infinity, Q_OPEN_MIN);
  store<f64>(q, -Infinity, Q_OPEN_MAX);
  store<u32>(q, 1, Q_OPEN_SORTED);
}

/** Appends a connection gone at `gone` (destination `d`) to queue `q` (room was reserved). */
// @ts-ignore: decorator
@inline export function closingAppend(q: usize, gone: f64, d: i32): void {
  const tail = load<u32>(q, Q_TAIL);
  if ((tail & (PAGE_ENTRIES - 1)) == 0) pageTake(q, tail);
  const e = entryAt(q, tail);
  store<f64>(e, gone, CLOSE_GONE);
  store<i32>(e, d, CLOSE_DEST);
  store<u32>(q, tail + 1, Q_TAIL);
  const max = load<f64>(q, Q_OPEN_MAX);
  if (gone >= max) store<f64>(q, gone, Q_OPEN_MAX);
  else store<u32>(q, 0, Q_OPEN_SORTED);
  if (gone < load<f64>(q, Q_OPEN_MIN)) store<f64>(q, gone, Q_OPEN_MIN);
}

/** Gives the page of `seq` (the first of a page) the page freed last. */
function pageTake(q: usize, seq: u32): void {
  const p = freePage;
  freePage = <usize>load<u32>(p);
  freePages--;
  store<u32>(pageSlot(q, seq), <u32>p);
}

/** Returns the pages of queue `q` that lie wholly before sequence number `to` (its new head) from `from` (its old head) on. */
function pagesFree(q: usize, from: u32, to: u32): void {
  for (let s = from & ~(PAGE_ENTRIES - 1); to - s >= PAGE_ENTRIES; s += PAGE_ENTRIES) {
    const p = <usize>load<u32>(pageSlot(q, s));
    store<u32>(p, <u32>freePage);
    freePage = p;
    freePages++;
  }
}

/**
 * Ends the open block at an advance to `now` and fires every entry of queue `q` gone by then
 * (expiry.ts, at the end of every advance).
 */
// @ts-ignore: decorator
@inline export function closingAdvance(q: usize, now: f64): void {
  if (load<f64>(q, Q_OPEN_MAX) != -Infinity) closeBlock(q);
  if (load<f64>(q, Q_NEXT_DUE) <= now) fireDue(q, now);
}

/** Makes the open block a block, or merges it into the last block when both are sorted and it continues that one. */
function closeBlock(q: usize): void {
  const min = load<f64>(q, Q_OPEN_MIN);
  const max = load<f64>(q, Q_OPEN_MAX);
  const sorted = load<u32>(q, Q_OPEN_SORTED);
  const tail = load<u32>(q, Q_TAIL);
  const bhead = load<u32>(q, Q_BHEAD);
  const btail = load<u32>(q, Q_BTAIL);
  openReset(q);
  if (btail != bhead) {
    const last = blockAt(q, btail - 1);
    if (sorted != 0 && load<u32>(last, BLOCK_SORTED) != 0 && load<f64>(last, BLOCK_MAX) <= min) {
      store<u32>(last, tail, BLOCK_END);
      store<f64>(last, max, BLOCK_MAX);
      return;
    }
  }
  const b = blockAt(q, btail);
  store<u32>(b, tail, BLOCK_END);
  store<u32>(b, sorted, BLOCK_SORTED);
  store<f64>(b, min, BLOCK_MIN);
  store<f64>(b, max, BLOCK_MAX);
  store<u32>(q, btail + 1, Q_BTAIL);
  if (btail == bhead) store<f64>(q, min, Q_NEXT_DUE);
}

/** One connection gone. */
// @ts-ignore: decorator
@inline function fireEntry(e: usize): void {
  destAddInactive(load<i32>(e, CLOSE_DEST), -1);
}

/** Fires the entries gone by `now`, block by block from the oldest, and sets nextDue. */
function fireDue(q: usize, now: f64): void {
  let head = load<u32>(q, Q_HEAD);
  let bhead = load<u32>(q, Q_BHEAD);
  const btail = load<u32>(q, Q_BTAIL);
  let nextDue = Infinity;
  let gone = 0;
  while (bhead != btail) {
    const b = blockAt(q, bhead);
    const end = load<u32>(b, BLOCK_END);
    if (load<u32>(b, BLOCK_SORTED) != 0) {
      while (head != end && load<f64>(entryAt(q, head), CLOSE_GONE) <= now) {
        fireEntry(entryAt(q, head));
        head++;
        gone++;
      }
      if (head != end) {
        // the block's later entries are later still, and so is every later block
        nextDue = load<f64>(entryAt(q, head), CLOSE_GONE);
        break;
      }
    } else if (load<f64>(b, BLOCK_MAX) <= now) {
      gone += <i32>(end - head);
      for (; head != end; head++) fireEntry(entryAt(q, head));
    } else {
      // due entries fire, the rest move to the end of the block (later blocks hold none due)
      let keep = end;
      let min = Infinity;
      let k = end;
      while (k != head) {
        k--;
        const e = entryAt(q, k);
        const t = load<f64>(e, CLOSE_GONE);
        if (t <= now) {
          fireEntry(e);
          gone++;
        } else {
          keep--;
          if (keep != k) {
            const to = entryAt(q, keep);
            store<f64>(to, t, CLOSE_GONE);
            store<i32>(to, load<i32>(e, CLOSE_DEST), CLOSE_DEST);
          }
          min = Math.min(min, t);
        }
      }
      head = keep;
      store<f64>(b, min, BLOCK_MIN);
      nextDue = min;
      break;
    }
    bhead++;
  }
  pagesFree(q, load<u32>(q, Q_HEAD), head);
  store<u32>(q, head, Q_HEAD);
  store<u32>(q, bhead, Q_BHEAD);
  store<f64>(q, nextDue, Q_NEXT_DUE);
  live -= gone;
  fired += <u64>gone;
}

/** Pages `n` more appends to queue `q` may take, at most. */
// @ts-ignore: decorator
@inline function pagesFor(n: i32): i32 { return (n >> PAGE_BITS) + 1; }

/**
 * Whether queue `q` can take `n` more appends and one more block without allocating, with
 * `pagesHeld` pages of the pool spoken for by other queues (the decision loop checks before each
 * flow that advances; closingReserve() makes it true).
 */
// @ts-ignore: decorator
@inline export function closingRoom(q: usize, n: i32, pagesHeld: i32): bool {
  return freePages >= pagesHeld + pagesFor(n) &&
    ((load<u32>(q, Q_TAIL) + <u32>n) >> PAGE_BITS) - (load<u32>(q, Q_HEAD) >> PAGE_BITS) + 1 <= load<u32>(q, Q_PMASK) + 1 &&
    load<u32>(q, Q_BTAIL) - load<u32>(q, Q_BHEAD) + 2 <= load<u32>(q, Q_BMASK) + 1;
}

/** Grows the pool and queue `q`'s rings until closingRoom(q, n, pagesHeld) (between flows: may allocate). */
export function closingReserve(q: usize, n: i32, pagesHeld: i32): void {
  const need = pagesHeld + pagesFor(n);
  if (freePages < need) poolAdd(max(need - freePages, pagesMade >> 1));
  const head = load<u32>(q, Q_HEAD);
  const tail = load<u32>(q, Q_TAIL);
  const pmask = load<u32>(q, Q_PMASK);
  const spanned = ((tail + <u32>n) >> PAGE_BITS) - (head >> PAGE_BITS) + 1;
  if (spanned > pmask + 1) {
    let size = (pmask + 1) << 1;
    while (spanned > size) size <<= 1;
    const grown = alignedAlloc(<usize>size << 2);
    // the pages in use: those of head … tail (the page of tail itself once it has an entry)
    for (let s = head & ~(PAGE_ENTRIES - 1); s != ((tail + PAGE_ENTRIES - 1) & ~(PAGE_ENTRIES - 1)); s += PAGE_ENTRIES) {
      store<u32>(grown + (<usize>((s >> PAGE_BITS) & (size - 1)) << 2), load<u32>(pageSlot(q, s)));
    }
    store<u32>(q, <u32>grown, Q_PAGES);
    store<u32>(q, size - 1, Q_PMASK);
  }
  const bhead = load<u32>(q, Q_BHEAD);
  const btail = load<u32>(q, Q_BTAIL);
  const bmask = load<u32>(q, Q_BMASK);
  if (btail - bhead + 2 > bmask + 1) {
    const size = (bmask + 1) << 1;
    const grown = alignedAlloc(<usize>size << BLOCK_SHIFT);
    for (let b = bhead; b != btail; b++) memory.copy(grown + (<usize>(b & (size - 1)) << BLOCK_SHIFT), blockAt(q, b), 1 << BLOCK_SHIFT);
    store<u32>(q, <u32>grown, Q_BLOCKS);
    store<u32>(q, size - 1, Q_BMASK);
  }
}

/**
 * Whether the queues can take, without allocating, what the next flows may append: `ended` to each
 * of the FIN and UDP queues (ends that fire) and `opened` to each queue (connections settled as
 * they open).
 */
// @ts-ignore: decorator
@inline export function closingReady(ended: i32, opened: i32): bool {
  const n = ended + opened;
  return closingRoom(closingQueue(CLOSE_FIN), n, 2 * pagesFor(n)) && closingRoom(closingQueue(CLOSE_UDP), n, 0) &&
    closingRoom(closingQueue(CLOSE_SYN), opened, 2 * pagesFor(n));
}

/** Makes closingReady(ended, opened) true (between flows: may allocate). */
export function closingMakeReady(ended: i32, opened: i32): void {
  const n = ended + opened;
  closingReserve(closingQueue(CLOSE_FIN), n, 2 * pagesFor(n));
  closingReserve(closingQueue(CLOSE_UDP), n, 0);
  closingReserve(closingQueue(CLOSE_SYN), opened, 2 * pagesFor(n));
}
