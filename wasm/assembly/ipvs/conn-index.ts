// The established-path connection index (dataplane.md 1.15): the live connection of a client
// tuple, found by one lookup. Nothing in a new-flow decision reads it.
//
// Generational. Connections go into the newest generation, an open-addressing table of 2^genBits
// 32-byte entries (layout.ts) that takes at most half that many; a full generation is closed and a
// new one opened, and a generation whose connections are all gone (maxGone ≤ now) is recycled
// whole. Why: one table for millions of live connections put every insert on a random page of
// hundreds of megabytes, and the page walk and cache miss of each cost about 50 ns on the machines
// this runs on, a third of a new flow; a generation is a few megabytes, freshly written when it
// opens, so a batch's inserts land on pages the TLB and the cache hold (about 20 ns).
//
// Lookups walk the generations newest first and stop at the first live match, so they find the
// newest live connection of the tuple, as the kernel's chains (new entries at the bucket head) do.
// The price is paid by lookups of old connections: every older generation is a place the tuple
// may be. Each generation keeps a small filter (FILTER_BITS_PER_SLOT), so a lookup probes only
// those that may hold it; a packet of a connection opened 65 s earlier (some 16 generations back
// at the default workload) costs about 460 ns here, where one big table cost 90–145 ns (without
// the filters, 1.5–1.8 µs). Packets of a connection mostly arrive while it is young, in the
// newest generation, which is tried first (about 30 ns); the product's established-path figures
// come from the conntrack engine, not from this index.
//
// Within a generation, entries free themselves: an entry whose gone time has passed is a free slot,
// and each slot's `pass` (the latest gone time of any entry that probed past it) lets a lookup stop
// without tombstones. An insert that meets a live entry of its own tuple takes that entry's slot
// and carries the older one on, so a tuple's live entries stay in newest-first probe order.

import { tupleHash } from './hash';
import {
  CIDX_DEST_PROTO, CIDX_GONE, CIDX_PASS, CIDX_SHIFT, CIDX_SPORT, CIDX_SRC, GEN_MAX_GONE, GEN_PUT,
  GEN_SHIFT, GEN_TABLE,
} from './layout';
import { simNow } from './expiry';
import { alignedAlloc, keepTouches } from '../cache';

/** Generation sizes: the capacity hint rounded up to a power of two, from 2^6 to 2^17 slots (4 MiB). */
const GEN_BITS_MIN: i32 = 6;
const GEN_BITS_MAX: i32 = 17;
/** The tuple's bytes in the 8-byte word at CIDX_SPORT: both ports and the protocol byte. */
const PORTS_PROTO_MASK: u64 = 0xff_ffff_ffff;
/**
 * Each generation keeps a two-bit-per-entry filter (a Bloom filter, 8 bits per entry it can take,
 * about 5 % false positives) so a lookup of an old connection probes only the generations that may
 * hold it: a filter is a sixty-fourth of its table and stays in cache.
 */
const FILTER_BITS_PER_SLOT: usize = 4;

let genMask: u32 = 0;
let genFill: i32 = 0; // entries a generation takes
let filterBits: u32 = 0; // log2 of a filter's bits
let gens: usize = 0; // generation records, oldest first
let genCount: i32 = 0;
let genCap: i32 = 0;
let freeTables: usize = 0; // recycled tables, chained through their first word
let tablesMade: i32 = 0;

let lookups: u64 = 0;
let lookupSteps: u64 = 0;
let chainWork: i32 = 0; // slots examined by the latest lookup

/** An empty index whose generations suit about `capacity` live connections. */
export function indexInit(capacity: i32): void {
  let bits = GEN_BITS_MIN;
  while (bits < GEN_BITS_MAX && (1 << bits) < capacity) bits++;
  genMask = (<u32>1 << <u32>bits) - 1;
  genFill = 1 << (bits - 1);
  filterBits = <u32>bits + 2; // FILTER_BITS_PER_SLOT = 4 = 2^2
  genCap = 16;
  gens = heap.alloc(<usize>genCap << GEN_SHIFT);
  genCount = 0;
  freeTables = 0;
  tablesMade = 0;
  lookups = 0;
  lookupSteps = 0;
  genOpen();
}

export function indexLookups(): u64 { return lookups; }
export function indexLookupSteps(): u64 { return lookupSteps; }
/** Bytes held by generation tables, in use or recycled. */
export function indexBytes(): f64 { return <f64>tablesMade * <f64>(tableBytes() + filterBytes()); }

/** Bytes of a generation's table of entries; its filter follows it. */
// @ts-ignore: decorator
@inline function tableBytes(): usize { return <usize>(genMask + 1) << CIDX_SHIFT; }
/** Bytes of a generation's filter: FILTER_BITS_PER_SLOT bits per slot. */
// @ts-ignore: decorator
@inline function filterBytes(): usize { return (<usize>(genMask + 1) * FILTER_BITS_PER_SLOT) >> 3; }
/** The two filter bits of hash `h` (bit indices within a filter of genFilterBits bits). */
// @ts-ignore: decorator
@inline function filterBit1(h: u32): u32 { return (h * 0x9e3779b1) >>> (32 - filterBits); }
// @ts-ignore: decorator
@inline function filterBit2(h: u32): u32 { return (h * 0x85ebca77 + 0x27d4eb2f) >>> (32 - filterBits); }
/** Whether the filter at `f` may hold hash `h` (false: no entry of that tuple was ever put in its generation). */
// @ts-ignore: decorator
@inline function filterMay(f: usize, h: u32): bool {
  const a = filterBit1(h);
  const b = filterBit2(h);
  return ((<u32>load<u8>(f + (a >> 3)) >> (a & 7)) & (<u32>load<u8>(f + (b >> 3)) >> (b & 7)) & 1) != 0;
}
// @ts-ignore: decorator
@inline function filterAdd(f: usize, h: u32): void {
  const a = filterBit1(h);
  const b = filterBit2(h);
  store<u8>(f + (a >> 3), <u8>(<u32>load<u8>(f + (a >> 3)) | (<u32>1 << (a & 7))));
  store<u8>(f + (b >> 3), <u8>(<u32>load<u8>(f + (b >> 3)) | (<u32>1 << (b & 7))));
}
// @ts-ignore: decorator
@inline export function lastChainWork(): i32 { return chainWork; }

// @ts-ignore: decorator
@inline function genAt(g: i32): usize { return gens + (<usize>g << GEN_SHIFT); }
// @ts-ignore: decorator
@inline function genTable(g: i32): usize { return <usize>load<u32>(genAt(g), GEN_TABLE); }
// @ts-ignore: decorator
@inline function slotAt(table: usize, i: u32): usize { return table + (<usize>i << CIDX_SHIFT); }

/**
 * Opens a new newest generation on a recycled or new table (between batches: may allocate). A
 * recycled table would be valid as it is (its entries are gone and its pass times past, and time
 * never goes back), but writing it afresh leaves it in cache for the random inserts that follow:
 * measured about 10 ns per insert faster than skipping the write, and as fast as only reading it.
 */
function genOpen(): void {
  if (genCount == genCap) {
    const grown = heap.alloc(<usize>(genCap * 2) << GEN_SHIFT);
    memory.copy(grown, gens, <usize>genCount << GEN_SHIFT);
    heap.free(gens);
    gens = grown;
    genCap *= 2;
  }
  let table = freeTables;
  if (table != 0) freeTables = <usize>load<u32>(table);
  else {
    table = alignedAlloc(tableBytes() + filterBytes());
    tablesMade++;
  }
  for (let i: u32 = 0; i <= genMask; i++) {
    store<f64>(slotAt(table, i), -Infinity, CIDX_GONE);
    store<f64>(slotAt(table, i), -Infinity, CIDX_PASS);
  }
  memory.fill(table + tableBytes(), 0, filterBytes());
  const g = genAt(genCount++);
  store<u32>(g, <u32>table, GEN_TABLE);
  store<i32>(g, 0, GEN_PUT);
  store<f64>(g, -Infinity, GEN_MAX_GONE);
}

/** Recycles every generation but the newest whose connections are all gone (between batches). */
export function indexRecycle(): void {
  const now = simNow();
  let kept = 0;
  for (let g = 0; g < genCount; g++) {
    const rec = genAt(g);
    if (g < genCount - 1 && load<f64>(rec, GEN_MAX_GONE) <= now) {
      const table = genTable(g);
      store<u32>(table, <u32>freeTables);
      freeTables = table;
    } else {
      if (kept != g) {
        store<u64>(genAt(kept), load<u64>(rec));
        store<f64>(genAt(kept), load<f64>(rec, GEN_MAX_GONE), GEN_MAX_GONE);
      }
      kept++;
    }
  }
  genCount = kept;
}

/** The home slot of hash `h` in the newest generation, where a lookup starts: loading it early overlaps the misses of many lookups. */
// @ts-ignore: decorator
@inline export function indexHome(h: u32): usize {
  return slotAt(genTable(genCount - 1), h & genMask);
}

/**
 * Index inserts whose home slots are loaded together, one block ahead of writing them: a loop that
 * only loads keeps all of a block's misses in flight at once, where loads interleaved with the
 * inserts' branches and stores retire too slowly to keep more than a few outstanding.
 */
const INSERT_BLOCK: i32 = 32;

/**
 * Puts the `n` entries at `entries` (entry layout, with the tuple hash in the pass field) into the
 * newest generation, opening the next whenever one fills (between batches: may allocate). With
 * `touchAhead` each block's home slots are loaded a block ahead.
 */
export function indexPutAll(entries: usize, n: i32, touchAhead: bool): void {
  let k = 0;
  while (k < n) {
    let rec = genAt(genCount - 1);
    if (load<i32>(rec, GEN_PUT) == genFill) {
      genOpen();
      rec = genAt(genCount - 1);
    }
    const put = load<i32>(rec, GEN_PUT);
    const end = k + min(n - k, genFill - put);
    const table = <usize>load<u32>(rec, GEN_TABLE);
    let maxGone = load<f64>(rec, GEN_MAX_GONE);
    let sink: u32 = 0;
    if (touchAhead) sink += touchHomes(table, entries, k, min(k + INSERT_BLOCK, end));
    for (let k0 = k; k0 < end; k0 += INSERT_BLOCK) {
      const k1 = min(k0 + INSERT_BLOCK, end);
      if (touchAhead) sink += touchHomes(table, entries, k1, min(k1 + INSERT_BLOCK, end));
      for (let j = k0; j < k1; j++) {
        const q = entries + (<usize>j << CIDX_SHIFT);
        filterAdd(table + tableBytes(), load<u32>(q, CIDX_PASS));
        maxGone = max(maxGone, entryPut(table, q));
      }
    }
    keepTouches(sink);
    store<i32>(rec, put + end - k, GEN_PUT);
    store<f64>(rec, maxGone, GEN_MAX_GONE);
    k = end;
  }
}

/** Loads the home slots in `table` of entries [from, to) in one tight loop. */
// @ts-ignore: decorator
@inline function touchHomes(table: usize, entries: usize, from: i32, to: i32): u32 {
  let sink: u32 = 0;
  for (let j = from; j < to; j++) {
    sink += load<u32>(slotAt(table, load<u32>(entries + (<usize>j << CIDX_SHIFT), CIDX_PASS) & genMask));
  }
  return sink;
}

/**
 * Puts the entry at `q` into `table`: in the first slot of its probe sequence without a live
 * connection, except that a live entry of the same tuple met on the way gives up its slot to the
 * newer one and is carried on itself. Returns the entry's gone time.
 */
// @ts-ignore: decorator
@inline function entryPut(table: usize, q: usize): f64 {
  const now = simNow();
  const newGone = load<f64>(q, CIDX_GONE);
  let gone = newGone;
  const addrs = load<u64>(q, CIDX_SRC);
  let tail = load<u64>(q, CIDX_SPORT);
  let i = load<u32>(q, CIDX_PASS) & genMask;
  while (true) {
    const p = slotAt(table, i);
    const slotGone = load<f64>(p, CIDX_GONE);
    if (slotGone <= now) {
      store<f64>(p, gone, CIDX_GONE);
      store<u64>(p, addrs, CIDX_SRC);
      store<u64>(p, tail, CIDX_SPORT);
      return newGone;
    }
    if (load<u64>(p, CIDX_SRC) == addrs && ((load<u64>(p, CIDX_SPORT) ^ tail) & PORTS_PROTO_MASK) == 0) {
      const olderTail = load<u64>(p, CIDX_SPORT);
      store<f64>(p, gone, CIDX_GONE);
      store<u64>(p, tail, CIDX_SPORT);
      gone = slotGone;
      tail = olderTail;
    }
    if (gone > load<f64>(p, CIDX_PASS)) store<f64>(p, gone, CIDX_PASS);
    i = (i + 1) & genMask;
  }
}

/**
 * The destination of the live connection of (addrs, ports) with hash `h` in generation `g`, or -1
 * (also for a generation whose connections are all gone); counts the slots it examines in chainWork.
 */
// @ts-ignore: decorator
@inline function genProbe(g: i32, h: u32, addrs: u64, ports: u64, now: f64): i32 {
  if (load<f64>(genAt(g), GEN_MAX_GONE) <= now) return -1;
  const table = genTable(g);
  let i = h & genMask;
  for (let step: u32 = 0; step <= genMask; step++) {
    const p = slotAt(table, i);
    chainWork++;
    if (load<f64>(p, CIDX_GONE) > now && load<u64>(p, CIDX_SRC) == addrs &&
      (load<u64>(p, CIDX_SPORT) & PORTS_PROTO_MASK) == ports) {
      return <i32>(load<u32>(p, CIDX_DEST_PROTO) >> 8);
    }
    if (load<f64>(p, CIDX_PASS) <= now) break;
    i = (i + 1) & genMask;
  }
  return -1;
}

/**
 * The destination of a client tuple's newest live connection at the current time, or -1; slots
 * examined in lastChainWork().
 */
export function indexLookup(proto: u32, src: u32, sport: u32, dst: u32, dport: u32): i32 {
  const now = simNow();
  const h = tupleHash(proto, src, sport, dst, dport);
  const addrs = (<u64>dst << 32) | <u64>src;
  const ports = <u64>((sport & 0xffff) | (dport << 16)) | (<u64>proto << 32);
  chainWork = 0;
  // newest first: the newest always (most packets belong to young connections, and its filter
  // read would cost more than it spares), the older ones where their filter may hold the tuple
  const newest = genCount - 1;
  let found = -1;
  for (let g = newest; g >= 0 && found < 0; g--) {
    if (g == newest || filterMay(genTable(g) + tableBytes(), h)) found = genProbe(g, h, addrs, ports, now);
  }
  lookups++;
  lookupSteps += <u64>chainWork;
  return found;
}
