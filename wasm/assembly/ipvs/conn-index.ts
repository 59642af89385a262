// The established-path connection index (dataplane.md 1.15): the live connection of a client
// tuple, found by one lookup. Nothing in a new-flow decision reads it.
//
// Generational. A generation is a log of connection entries in the order they opened (layout.ts)
// and a hash table of 4-byte slots pointing into it: a 16-bit tag of the tuple hash and the
// entry's place. A new connection is appended to the newest generation's log as it opens
// (indexAppend); after the batch its slot goes into the table (indexCommit), in one loop that
// loads the slots a block ahead so their misses overlap. A generation takes at most half as many
// entries as its table has slots, then the next one opens; a generation whose connections are all
// gone (maxGone ≤ now) is recycled whole. Why: a new connection costs one sequential append and
// one 4-byte slot in a table of at most 512 KiB, where one table of 32-byte entries for millions
// of live connections put every insert on a random page of hundreds of megabytes.
//
// Entries are never removed from a generation: a lookup reads its tuple's probe run to the first
// empty slot and answers the newest live entry of the tuple in it (the highest place: the log is
// in opening order), so it finds the newest live connection of the tuple, as the kernel's chains
// (new entries at the bucket head) do. Generations are walked newest first. Each keeps a small
// filter (FILTER_BITS_PER_SLOT) so a lookup of an old connection probes only the generations
// that may hold it. Packets of a connection mostly arrive while it is young, in the newest
// generation, which is tried first; the product's established-path figures come from the
// conntrack engine, not from this index.

import {
  CLOG_DEST, CLOG_GONE, CLOG_HASH, CLOG_SHIFT, CLOG_SPORT, CLOG_SRC, GEN_COMMITTED, GEN_FILTER, GEN_LOG, GEN_MAX_GONE,
  GEN_PUT, GEN_SHIFT, GEN_TABLE,
} from './layout';
import { tupleHash } from './hash';
import { simNow } from './expiry';
import { alignedAlloc, keepTouches } from '../cache';

/** Generation tables: the capacity hint rounded up to a power of two, from 2^6 to 2^17 slots (512 KiB). */
const GEN_BITS_MIN: i32 = 6;
const GEN_BITS_MAX: i32 = 17;
/** A slot holds the entry's place + 1 in 16 bits (0: empty slot), so a generation takes fewer than 2^16 entries. */
const GEN_FILL_MAX: i32 = 0xffff;
/** The tuple's bytes in the 8-byte word at CLOG_SPORT: both ports and the protocol byte. */
const PORTS_PROTO_MASK: u64 = 0xff_ffff_ffff;
/**
 * Each generation keeps a filter (a blocked Bloom filter: two bits of one 64-bit word per entry, 8
 * filter bits per entry it can take, about 5 % false positives) so a lookup of an old connection
 * probes only the generations that may hold it; one word is one load to test and one to set.
 */
const FILTER_BITS_PER_SLOT: usize = 4;

let genBits: u32 = 0;
let genMask: u32 = 0;
let genFill: i32 = 0; // entries a generation takes
let filterWordBits: u32 = 0; // log2 of a filter's 64-bit words
let gens: usize = 0; // generation records, oldest first; those after `cur` are opened ahead, still empty
let genCount: i32 = 0;
let genCap: i32 = 0;
let cur: i32 = 0; // the generation taking appends
let freeBlocks: usize = 0; // recycled generation blocks (log, table, filter), chained through their first word
let blocksMade: i32 = 0;

// the current generation's log, for indexAppend
let appendAt: usize = 0;
let appendEnd: usize = 0;

let lookups: u64 = 0;
let lookupSteps: u64 = 0;
let chainWork: i32 = 0; // slots examined by the latest lookup

/** An empty index whose generations suit about `capacity` live connections. */
export function indexInit(capacity: i32): void {
  let bits = GEN_BITS_MIN;
  while (bits < GEN_BITS_MAX && (1 << bits) < capacity) bits++;
  genBits = <u32>bits;
  genMask = (<u32>1 << genBits) - 1;
  genFill = min(1 << (bits - 1), GEN_FILL_MAX);
  filterWordBits = <u32>bits + 2 - 6; // FILTER_BITS_PER_SLOT = 4 = 2^2 bits a slot, 2^6 bits a word
  genCap = 16;
  gens = heap.alloc(<usize>genCap << GEN_SHIFT);
  genCount = 0;
  cur = 0;
  freeBlocks = 0;
  blocksMade = 0;
  lookups = 0;
  lookupSteps = 0;
  genOpen();
  appendStart();
}

export function indexLookups(): u64 { return lookups; }
export function indexLookupSteps(): u64 { return lookupSteps; }
/** Bytes held by generations, in use or recycled. */
export function indexBytes(): f64 { return <f64>blocksMade * <f64>blockBytes(); }

/** Bytes of a generation's log: genFill entries. */
// @ts-ignore: decorator
@inline function logBytes(): usize { return <usize>genFill << CLOG_SHIFT; }
/** Bytes of a generation's table of 4-byte slots. */
// @ts-ignore: decorator
@inline function tableBytes(): usize { return <usize>(genMask + 1) << 2; }
/** Bytes of a generation's filter: FILTER_BITS_PER_SLOT bits per slot. */
// @ts-ignore: decorator
@inline function filterBytes(): usize { return (<usize>(genMask + 1) * FILTER_BITS_PER_SLOT) >> 3; }
// @ts-ignore: decorator
@inline function blockBytes(): usize { return logBytes() + tableBytes() + filterBytes(); }

/** The filter word of hash `h` (its address in the filter at `f`). */
// @ts-ignore: decorator
@inline function filterWord(f: usize, h: u32): usize { return f + (<usize>((h * 0x9e3779b1) >>> (32 - filterWordBits)) << 3); }
/** The two bits of hash `h` in its word (from bits of h that neither the word nor the home slot use up). */
// @ts-ignore: decorator
@inline function filterBits(h: u32): u64 { return (<u64>1 << <u64>(h & 63)) | (<u64>1 << <u64>((h >>> 6) & 63)); }
/** Whether the filter at `f` may hold hash `h` (false: no entry of that tuple was ever put in its generation). */
// @ts-ignore: decorator
@inline function filterMay(f: usize, h: u32): bool {
  const bits = filterBits(h);
  return (load<u64>(filterWord(f, h)) & bits) == bits;
}
// @ts-ignore: decorator
@inline function filterAdd(f: usize, h: u32): void {
  const w = filterWord(f, h);
  store<u64>(w, load<u64>(w) | filterBits(h));
}
// @ts-ignore: decorator
@inline export function lastChainWork(): i32 { return chainWork; }

/** The home slot of hash `h` (its top bits; the tag is its low 16). */
// @ts-ignore: decorator
@inline function homeOf(h: u32): u32 { return h >>> (32 - genBits); }
/** The slot value naming the entry at `place` with tuple hash `h`. */
// @ts-ignore: decorator
@inline function slotValue(h: u32, place: i32): u32 { return (h << 16) | <u32>(place + 1); }

// @ts-ignore: decorator
@inline function genAt(g: i32): usize { return gens + (<usize>g << GEN_SHIFT); }
// @ts-ignore: decorator
@inline function genLog(g: i32): usize { return <usize>load<u32>(genAt(g), GEN_LOG); }
// @ts-ignore: decorator
@inline function genTable(g: i32): usize { return <usize>load<u32>(genAt(g), GEN_TABLE); }
// @ts-ignore: decorator
@inline function genFilter(g: i32): usize { return <usize>load<u32>(genAt(g), GEN_FILTER); }
// @ts-ignore: decorator
@inline function slotAt(table: usize, i: u32): usize { return table + (<usize>i << 2); }
// @ts-ignore: decorator
@inline function entryAt(log: usize, place: i32): usize { return log + (<usize>place << CLOG_SHIFT); }

/** Opens a new empty generation after the last one, on a recycled or new block (between batches: may allocate). */
function genOpen(): void {
  if (genCount == genCap) {
    const grown = heap.alloc(<usize>(genCap * 2) << GEN_SHIFT);
    memory.copy(grown, gens, <usize>genCount << GEN_SHIFT);
    heap.free(gens);
    gens = grown;
    genCap *= 2;
  }
  let block = freeBlocks;
  if (block != 0) freeBlocks = <usize>load<u32>(block);
  else {
    block = alignedAlloc(blockBytes());
    blocksMade++;
  }
  // the log needs no clearing: only its first `put` entries are ever read
  const table = block + logBytes();
  memory.fill(table, 0, tableBytes() + filterBytes());
  const g = genAt(genCount++);
  store<u32>(g, <u32>block, GEN_LOG);
  store<u32>(g, <u32>table, GEN_TABLE);
  store<u32>(g, <u32>(table + tableBytes()), GEN_FILTER);
  store<i32>(g, 0, GEN_PUT);
  store<i32>(g, 0, GEN_COMMITTED);
  store<f64>(g, -Infinity, GEN_MAX_GONE);
}

/** Points the appends at the current generation's free log entries. */
function appendStart(): void {
  const g = genAt(cur);
  appendAt = entryAt(genLog(cur), load<i32>(g, GEN_PUT));
  appendEnd = entryAt(genLog(cur), genFill);
}

/**
 * Makes room for `count` appends before a batch (may allocate): generations are opened ahead
 * until the current one and those after it can take them, and every generation before the
 * current one whose connections are all gone is recycled.
 */
export function indexReserve(count: i32): void {
  indexRecycle();
  let room = genFill - load<i32>(genAt(cur), GEN_PUT) + (genCount - 1 - cur) * genFill;
  while (room < count) {
    genOpen();
    room += genFill;
  }
}

/** Recycles every generation before the current one whose connections are all gone. */
function indexRecycle(): void {
  const now = simNow();
  let kept = 0;
  for (let g = 0; g < genCount; g++) {
    const rec = genAt(g);
    if (g < cur && load<f64>(rec, GEN_MAX_GONE) <= now) {
      const block = genLog(g);
      store<u32>(block, <u32>freeBlocks);
      freeBlocks = block;
    } else {
      if (kept != g) memory.copy(genAt(kept), rec, <usize>1 << GEN_SHIFT);
      kept++;
    }
  }
  cur -= genCount - kept;
  genCount = kept;
}

/** The 8 bytes of an entry at CLOG_SPORT: both ports and the protocol (its pad zero). */
// @ts-ignore: decorator
@inline function tuplePorts(proto: u32, sport: u32, dport: u32): u64 {
  return <u64>((sport & 0xffff) | (dport << 16)) | (<u64>proto << 32);
}

/**
 * Appends a new connection's entry to the current generation's log, moving to the next reserved
 * generation when it is full (indexReserve made room for the batch). Its slot goes into the
 * table at the next indexCommit.
 */
// @ts-ignore: decorator
@inline export function indexAppend(proto: u32, src: u32, sport: u32, dst: u32, dport: u32, gone: f64, d: i32): void {
  if (appendAt == appendEnd) appendNextGen();
  const e = appendAt;
  appendAt += <usize>1 << CLOG_SHIFT;
  store<f64>(e, gone, CLOG_GONE);
  store<u64>(e, (<u64>dst << 32) | <u64>src, CLOG_SRC);
  store<u64>(e, tuplePorts(proto, sport, dport), CLOG_SPORT);
  store<u64>(e, <u64><u32>d | (<u64>tupleHash(proto, src, sport, dst, dport) << 32), CLOG_DEST);
}

/** The current generation is full: its appends are counted and the next reserved one takes over. */
function appendNextGen(): void {
  store<i32>(genAt(cur), genFill, GEN_PUT);
  cur++;
  appendStart();
}

/**
 * Index slots loaded together, one block ahead of writing them: a loop that only loads keeps all
 * of a block's misses in flight at once, where loads interleaved with the inserts' branches and
 * stores retire too slowly to keep more than a few outstanding.
 */
const INSERT_BLOCK: i32 = 32;

/**
 * Puts the slots of the entries appended since the last commit into their generations' tables
 * (after a batch). With `touchAhead` each block's home slots are loaded a block ahead.
 */
export function indexCommit(touchAhead: bool): void {
  // the current generation's appends so far; earlier generations were counted when they filled
  store<i32>(genAt(cur), <i32>((appendAt - genLog(cur)) >> CLOG_SHIFT), GEN_PUT);
  for (let g = 0; g <= cur; g++) {
    const rec = genAt(g);
    const from = load<i32>(rec, GEN_COMMITTED);
    const to = load<i32>(rec, GEN_PUT);
    if (from == to) continue;
    const log = genLog(g);
    const table = genTable(g);
    const filter = genFilter(g);
    let maxGone = load<f64>(rec, GEN_MAX_GONE);
    let sink: u32 = 0;
    if (touchAhead) sink += touchHomes(table, log, from, min(from + INSERT_BLOCK, to));
    for (let k0 = from; k0 < to; k0 += INSERT_BLOCK) {
      const k1 = min(k0 + INSERT_BLOCK, to);
      if (touchAhead) sink += touchHomes(table, log, k1, min(k1 + INSERT_BLOCK, to));
      for (let k = k0; k < k1; k++) {
        const e = entryAt(log, k);
        const h = load<u32>(e, CLOG_HASH);
        filterAdd(filter, h);
        let i = homeOf(h);
        while (load<u32>(slotAt(table, i)) != 0) i = (i + 1) & genMask;
        store<u32>(slotAt(table, i), slotValue(h, k));
        maxGone = max(maxGone, load<f64>(e, CLOG_GONE));
      }
    }
    keepTouches(sink);
    store<i32>(rec, to, GEN_COMMITTED);
    store<f64>(rec, maxGone, GEN_MAX_GONE);
  }
}

/** Loads the home slots in `table` of the entries [from, to) of `log` in one tight loop. */
// @ts-ignore: decorator
@inline function touchHomes(table: usize, log: usize, from: i32, to: i32): u32 {
  let sink: u32 = 0;
  for (let k = from; k < to; k++) sink += load<u32>(slotAt(table, homeOf(load<u32>(entryAt(log, k), CLOG_HASH))));
  return sink;
}

/** The home slot of hash `h` in the current generation, where a lookup starts: loading it early overlaps the misses of many lookups. */
// @ts-ignore: decorator
@inline export function indexHome(h: u32): usize {
  return slotAt(genTable(cur), homeOf(h));
}

/**
 * The destination of the newest live connection of (addrs, ports) with hash `h` in generation
 * `g`, or -1 (also for a generation whose connections are all gone); counts the slots it examines
 * in chainWork.
 */
// @ts-ignore: decorator
@inline function genProbe(g: i32, h: u32, addrs: u64, ports: u64, now: f64): i32 {
  if (load<f64>(genAt(g), GEN_MAX_GONE) <= now) return -1;
  const table = genTable(g);
  const log = genLog(g);
  const tag = h << 16;
  let best = -1;
  let found = -1;
  let i = homeOf(h);
  while (true) {
    const v = load<u32>(slotAt(table, i));
    chainWork++;
    if (v == 0) break;
    if ((v & 0xffff0000) == tag) {
      const place = <i32>(v & 0xffff) - 1;
      const e = entryAt(log, place);
      if (place > best && load<u64>(e, CLOG_SRC) == addrs && (load<u64>(e, CLOG_SPORT) & PORTS_PROTO_MASK) == ports &&
        load<f64>(e, CLOG_GONE) > now) {
        best = place;
        found = load<i32>(e, CLOG_DEST);
      }
    }
    i = (i + 1) & genMask;
  }
  return found;
}

/**
 * The destination of a client tuple's newest live connection at the current time, or -1; slots
 * examined in lastChainWork().
 */
export function indexLookup(proto: u32, src: u32, sport: u32, dst: u32, dport: u32): i32 {
  const now = simNow();
  const h = tupleHash(proto, src, sport, dst, dport);
  const addrs = (<u64>dst << 32) | <u64>src;
  const ports = tuplePorts(proto, sport, dport);
  chainWork = 0;
  // newest first: the current generation always (most packets belong to young connections, and
  // its filter read would cost more than it spares), the older ones where their filter may hold
  // the tuple; generations opened ahead are still empty
  let found = -1;
  for (let g = cur; g >= 0 && found < 0; g--) {
    if (g == cur || filterMay(genFilter(g), h)) found = genProbe(g, h, addrs, ports, now);
  }
  lookups++;
  lookupSteps += <u64>chainWork;
  return found;
}
