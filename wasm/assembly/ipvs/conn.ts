// Connection table and expiry (dataplane.md 1.13–1.15, SPEC 3), laid out for millions of live
// connections where every random memory access costs a cache and TLB miss:
//
// Records: a ring of 40-byte records swept by an allocation cursor that takes the next free
// record (skipping the few long-lived ones). Records are thus laid out roughly in creation order,
// and since lifetimes are similar (duration + a fixed timeout) they expire roughly in that order:
// expiry walks memory about sequentially. The ring doubles (records never move) when more than
// 3/4 of it is live.
//
// Index: open addressing over 8-byte slots {conn, quantised gone time}, at most 5/8 full of live
// connections. The gone time is fixed when a connection opens, so a slot is free again once it has
// certainly passed: expiry never touches the index, and a new flow costs one index probe sequence
// (usually one cache line). Lookups (established path) stop after the longest insertion distance
// seen and confirm liveness and tuple on the record.
//
// Expiry: a hashed timing wheel driven by simulated time. Each live connection sits in exactly one
// slot, that of its next state change (ACTIVE → INACTIVE at start + duration; gone at
// end + tcpFinTimeout, start + 60 s for a non-serving TCP endpoint, or end + udpTimeout).
// slot = floor(event · 2^tickBits) mod 2^wheelBits; a bitmap of non-empty slots lets advance() skip
// empty stretches and whole revolutions. advance(t) fires every event with time ≤ t in the slots
// between the previous tick and tick(t); the order among events due before one flow is irrelevant
// (counter updates commute), only that all of them and none later are applied.

import { tupleHash } from './hash';
import {
  CIDX_CONN, CIDX_GONE, CIDX_GONE_SCALE, CIDX_SHIFT, CONN_ACTIVE, CONN_DEST, CONN_DPORT, CONN_DST, CONN_EVENT,
  CONN_FREE, CONN_INACTIVE, CONN_PROTO, CONN_SPORT, CONN_SRC, CONN_STATE, CONN_STRIDE, CONN_TMPL, CONN_TMPL_GEN,
  CONN_WHEEL_NEXT, PROTO_UDP, SYN_RECV_TIMEOUT,
} from './layout';
import { tmplDetach } from './persist';
import { destAddActive, destAddInactive, destServing } from './service';

let connBase: usize = 0;
let connCap: i32 = 0;
let fresh: i32 = 0; // records [fresh, connCap) were never used
let cursor: i32 = 0; // sweep position once every record has been used
let live: i32 = 0;

let index: usize = 0;
let indexMask: u32 = 0;
let maxDistance: u32 = 0;

let wheel: usize = 0;
let bitmap: usize = 0;
let wheelMask: u32 = 0;
let wheelSize: i64 = 0;
let tickScale: f64 = 0;
let curTick: i64 = 0;
let now: f64 = -Infinity;
let nowQ: u32 = 0; // ⌊now · 256⌋, saturating

let finTimeout: f64 = 120;
let udpTimeout: f64 = 300;

let chainWork: i32 = 0;
let eventsFired: u64 = 0;
let lookups: u64 = 0;
let lookupSteps: u64 = 0;

export function connInit(capacity: i32, tickBits: i32, wheelBits: i32, fin: f64, udp: f64): void {
  connCap = max(capacity, 16);
  fresh = 0;
  cursor = 0;
  live = 0;
  connBase = heap.alloc(<usize>connCap * CONN_STRIDE);
  let slots: u32 = 32;
  while (slots < <u32>connCap + (<u32>connCap >> 1)) slots <<= 1;
  indexAlloc(slots);
  const w = <usize>1 << <usize>wheelBits;
  wheelMask = <u32>(w - 1);
  wheelSize = <i64>w;
  wheel = heap.alloc(w << 2);
  memory.fill(wheel, 0xff, w << 2);
  bitmap = heap.alloc(max<usize>(w >> 3, 4));
  memory.fill(bitmap, 0, max<usize>(w >> 3, 4));
  tickScale = <f64>(<u64>1 << <u64>tickBits);
  curTick = 0;
  now = -Infinity;
  nowQ = 0;
  finTimeout = fin;
  udpTimeout = udp;
  eventsFired = 0;
  lookups = 0;
  lookupSteps = 0;
}

// @ts-ignore: decorator
@inline function cp(c: i32): usize { return connBase + <usize>c * CONN_STRIDE; }

export function liveConnections(): i32 { return live; }
export function connEventsFired(): u64 { return eventsFired; }
export function connLookups(): u64 { return lookups; }
export function connLookupSteps(): u64 { return lookupSteps; }
// @ts-ignore: decorator
@inline export function lastChainWork(): i32 { return chainWork; }

// ── index ───────────────────────────────────────────────────────────────────────────────────────

function indexAlloc(slots: u32): void {
  index = heap.alloc(<usize>slots << CIDX_SHIFT);
  indexMask = slots - 1;
  maxDistance = 0;
  for (let i: u32 = 0; i < slots; i++) {
    const p = index + (<usize>i << CIDX_SHIFT);
    store<i32>(p, -1, CIDX_CONN);
    store<u32>(p, 0, CIDX_GONE);
  }
}

/** ⌈t · 256⌉ or ⌊t · 256⌋, saturated to u32. */
// @ts-ignore: decorator
@inline function quantise(t: f64, up: bool): u32 {
  const q = up ? Math.ceil(t * CIDX_GONE_SCALE) : Math.floor(t * CIDX_GONE_SCALE);
  return q <= 0 ? 0 : q >= 4294967295.0 ? 0xffffffff : <u32>q;
}

/** When a live record's connection is gone: an ACTIVE one's event is its end. */
// @ts-ignore: decorator
@inline function recordGone(p: usize): f64 {
  const e = load<f64>(p, CONN_EVENT);
  return load<u8>(p, CONN_STATE) == CONN_ACTIVE ? e + finTimeout : e;
}

// @ts-ignore: decorator
@inline function connHash(p: usize): u32 {
  return tupleHash(<u32>load<u8>(p, CONN_PROTO), load<u32>(p, CONN_SRC), <u32>load<u16>(p, CONN_SPORT),
    load<u32>(p, CONN_DST), <u32>load<u16>(p, CONN_DPORT));
}

/** Puts connection `c` (gone at `gone`) into the first free slot of its probe sequence. */
function indexInsert(c: i32, h: u32, gone: f64): void {
  let i = h & indexMask;
  let dist: u32 = 0;
  while (true) {
    const p = index + (<usize>i << CIDX_SHIFT);
    if (load<i32>(p, CIDX_CONN) < 0 || load<u32>(p, CIDX_GONE) <= nowQ) {
      store<i32>(p, c, CIDX_CONN);
      store<u32>(p, quantise(gone, true), CIDX_GONE);
      if (dist > maxDistance) maxDistance = dist;
      return;
    }
    i = (i + 1) & indexMask;
    dist++;
  }
}

/** Doubles the index and re-inserts every live connection (from the ring). */
function indexGrow(): void {
  indexAlloc((indexMask + 1) << 1);
  for (let c = 0; c < fresh; c++) {
    const p = cp(c);
    const state = load<u8>(p, CONN_STATE);
    if (state == CONN_FREE) continue;
    indexInsert(c, connHash(p), recordGone(p));
  }
}

// ── records ─────────────────────────────────────────────────────────────────────────────────────

/** Doubles the ring in place of a copy: existing records keep their index. */
function ringGrow(): void {
  const nc = connCap << 1;
  const nb = heap.alloc(<usize>nc * CONN_STRIDE);
  memory.copy(nb, connBase, <usize>connCap * CONN_STRIDE);
  connBase = nb;
  connCap = nc;
}

/**
 * The next free record: never-used ones first, then a sweep over the ring that skips live
 * stragglers (at most 3/4 of the records are live, so the sweep finds one).
 */
// @ts-ignore: decorator
@inline function recordAlloc(): i32 {
  if (live >= (connCap >> 2) * 3) ringGrow();
  if (fresh < connCap) return fresh++;
  while (true) {
    const c = cursor;
    cursor = cursor + 1 == connCap ? 0 : cursor + 1;
    if (load<u8>(cp(c), CONN_STATE) == CONN_FREE) return c;
  }
  return -1;
}

// ── wheel ───────────────────────────────────────────────────────────────────────────────────────

// @ts-ignore: decorator
@inline function wheelInsert(c: i32, e: f64): void {
  const slot = <u32><i64>Math.floor(e * tickScale) & wheelMask;
  const h = wheel + (<usize>slot << 2);
  store<i32>(cp(c), load<i32>(h), CONN_WHEEL_NEXT);
  store<i32>(h, c);
  const w = bitmap + (<usize>(slot >> 5) << 2);
  store<u32>(w, load<u32>(w) | (<u32>1 << (slot & 31)));
}

/** The connection is gone: counters and template; its index slot frees itself. */
// @ts-ignore: decorator
@inline function connGone(c: i32): void {
  const p = cp(c);
  destAddInactive(load<i32>(p, CONN_DEST), -1);
  const t = load<i32>(p, CONN_TMPL);
  if (t >= 0) tmplDetach(t, load<u32>(p, CONN_TMPL_GEN));
  store<u8>(p, CONN_FREE, CONN_STATE);
  live--;
}

function fire(c: i32, e: f64, t: f64): void {
  eventsFired++;
  const p = cp(c);
  if (load<u8>(p, CONN_STATE) == CONN_ACTIVE) {
    const d = load<i32>(p, CONN_DEST);
    destAddActive(d, -1);
    destAddInactive(d, 1);
    store<u8>(p, CONN_INACTIVE, CONN_STATE);
    const gone = e + finTimeout;
    store<f64>(p, gone, CONN_EVENT);
    if (gone <= t) {
      eventsFired++;
      connGone(c);
    } else {
      wheelInsert(c, gone);
    }
  } else {
    connGone(c);
  }
}

function processSlot(slot: u32, t: f64): void {
  const h = wheel + (<usize>slot << 2);
  let c = load<i32>(h);
  store<i32>(h, -1);
  const w = bitmap + (<usize>(slot >> 5) << 2);
  store<u32>(w, load<u32>(w) & ~(<u32>1 << (slot & 31)));
  while (c >= 0) {
    const p = cp(c);
    const next = load<i32>(p, CONN_WHEEL_NEXT);
    const e = load<f64>(p, CONN_EVENT);
    if (e <= t) fire(c, e, t);
    else wheelInsert(c, e);
    c = next;
  }
}

/** Visits the non-empty slots in [a, b] (a ≤ b). */
function processRange(a: u32, b: u32, t: f64): void {
  const wa = a >> 5;
  const wb = b >> 5;
  for (let wi = wa; wi <= wb; wi++) {
    let bits = load<u32>(bitmap + (<usize>wi << 2));
    if (bits == 0) continue;
    if (wi == wa) bits &= ~0 << (a & 31);
    if (wi == wb && (b & 31) != 31) bits &= (<u32>1 << ((b & 31) + 1)) - 1;
    while (bits != 0) {
      const slot = (wi << 5) + ctz<u32>(bits);
      bits &= bits - 1;
      processSlot(slot, t);
    }
  }
}

// @ts-ignore: decorator
@inline function setNow(t: f64): void {
  if (t > now) {
    now = t;
    nowQ = quantise(t, false);
  }
}

/** Applies every state change due at or before `t` (SPEC 3 "Order"). `t` never decreases. */
export function advance(t: f64): void {
  setNow(t);
  let tt = <i64>Math.floor(t * tickScale);
  if (tt < curTick) tt = curTick;
  if (live == 0) {
    curTick = tt;
    return;
  }
  if (tt - curTick >= wheelSize) {
    processRange(0, wheelMask, t);
  } else {
    const a = <u32>curTick & wheelMask;
    const b = <u32>tt & wheelMask;
    if (a <= b) {
      processRange(a, b, t);
    } else {
      processRange(a, wheelMask, t);
      processRange(0, b, t);
    }
  }
  curTick = tt;
}

/**
 * Opens the connection of a new flow to destination `d` at `start` (SPEC 3): TCP/SCTP to a serving
 * endpoint is active for `duration`; to a non-serving one inactive for SYN_RECV_TIMEOUT; UDP is
 * inactive for duration + udpTimeout.
 */
export function connCreate(proto: u32, src: u32, sport: u32, dst: u32, dport: u32, start: f64, duration: f64,
  d: i32, tmpl: i32, gen: u32): void {
  setNow(start);
  const c = recordAlloc();
  live++;
  if (<u32>live > ((indexMask + 1) >> 3) * 5) indexGrow();
  const p = cp(c);
  store<i32>(p, d, CONN_DEST);
  store<i32>(p, tmpl, CONN_TMPL);
  store<u32>(p, gen, CONN_TMPL_GEN);
  store<u32>(p, src, CONN_SRC);
  store<u32>(p, dst, CONN_DST);
  store<u16>(p, <u16>sport, CONN_SPORT);
  store<u16>(p, <u16>dport, CONN_DPORT);
  store<u8>(p, <u8>proto, CONN_PROTO);
  let e: f64;
  let gone: f64;
  if (proto == PROTO_UDP) {
    destAddInactive(d, 1);
    store<u8>(p, CONN_INACTIVE, CONN_STATE);
    e = start + duration + udpTimeout;
    gone = e;
  } else if (destServing(d)) {
    destAddActive(d, 1);
    store<u8>(p, CONN_ACTIVE, CONN_STATE);
    e = start + duration;
    gone = e + finTimeout;
  } else {
    destAddInactive(d, 1);
    store<u8>(p, CONN_INACTIVE, CONN_STATE);
    e = start + SYN_RECV_TIMEOUT;
    gone = e;
  }
  store<f64>(p, e, CONN_EVENT);
  indexInsert(c, tupleHash(proto, src, sport, dst, dport), gone);
  wheelInsert(c, e);
}

/**
 * The newest live connection of a client tuple at the current time, or -1; index slots examined
 * in lastChainWork().
 */
export function connLookup(proto: u32, src: u32, sport: u32, dst: u32, dport: u32): i32 {
  const h = tupleHash(proto, src, sport, dst, dport);
  let i = h & indexMask;
  let n = 0;
  let found = -1;
  let foundGone: f64 = -Infinity;
  for (let dist: u32 = 0; dist <= maxDistance; dist++) {
    const p = index + (<usize>i << CIDX_SHIFT);
    const c = load<i32>(p, CIDX_CONN);
    if (c < 0) break;
    n++;
    if (load<u32>(p, CIDX_GONE) > nowQ || nowQ == 0xffffffff) {
      const r = cp(c);
      if (load<u8>(r, CONN_STATE) != CONN_FREE && load<u32>(r, CONN_SRC) == src && load<u16>(r, CONN_SPORT) == <u16>sport &&
        load<u32>(r, CONN_DST) == dst && load<u16>(r, CONN_DPORT) == <u16>dport && load<u8>(r, CONN_PROTO) == <u8>proto) {
        // with port reuse several live connections share a tuple: the latest-expiring one wins
        const g = recordGone(r);
        if (found < 0 || g > foundGone) {
          found = c;
          foundGone = g;
        }
      }
    }
    i = (i + 1) & indexMask;
  }
  chainWork = n;
  lookups++;
  lookupSteps += <u64>n;
  return found;
}

/** Destination of a connection. */
// @ts-ignore: decorator
@inline export function connDest(c: i32): i32 { return load<i32>(cp(c), CONN_DEST); }
