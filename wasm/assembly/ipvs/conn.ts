// Connections (dataplane.md 1.13–1.15, SPEC 3): what opening one does to its destination's counters,
// the expiry events it schedules (expiry.ts), and its entry in the established-path index
// (conn-index.ts: appended as it opens, put into the index's table after the batch).

import { EV_ACTIVE_END, PROTO_UDP, SYN_RECV_TIMEOUT } from './layout';
import { expiryInit, scheduleEvent } from './expiry';
import { indexAppend, indexCommit, indexInit, indexReserve } from './conn-index';
import { destAddActive, destAddInactive, destServing } from './service';

let finTimeout: f64 = 120;
let udpTimeout: f64 = 300;

/** Timing variants (bench only): skip the index, or insert without touching ahead. */
let skipIndex = false;
let noTouch = false;

export function connSetBench(skip: bool, touch: bool): void {
  skipIndex = skip;
  noTouch = !touch;
}

/**
 * Sets up connection state for about `capacity` live connections: the index, the expiry wheel (2^wheelBits far slots of 2^-tickBits s) and the timeouts.
 */
export function connInit(capacity: i32, tickBits: i32, wheelBits: i32, fin: f64, udp: f64): void {
  const cap = max(capacity, 16);
  finTimeout = fin;
  udpTimeout = udp;
  expiryInit(cap, tickBits, wheelBits);
  indexInit(cap);
}

// ── connections ─────────────────────────────────────────────────────────────────────────────────

/**
 * Opens the connection of a new flow to destination `d` at `start` (the current time; SPEC 3):
 * TCP/SCTP to a serving endpoint is active for `duration`, then inactive for the FIN timeout; to a
 * non-serving one inactive for SYN_RECV_TIMEOUT; UDP inactive for duration + udpTimeout. Appends
 * its index entry; returns when it is gone.
 *
 * `settled`: a time expiry will have caught up with before anything reads this destination's
 * counts (-Infinity: none). A connection that is active no later than that counts as inactive at
 * once and needs no event to end it: the counts anyone reads are the same. dispatch.ts passes the
 * batch's last start for schedulers that never read the counts, whose expiry catches up there.
 */
// @ts-ignore: decorator
@inline export function connCreate(proto: u32, src: u32, sport: u32, dst: u32, dport: u32, start: f64, duration: f64,
  d: i32, settled: f64): f64 {
  const word = <u32>d << 1;
  let gone: f64;
  if (proto == PROTO_UDP) {
    destAddInactive(d, 1);
    gone = start + duration + udpTimeout;
  } else if (destServing(d)) {
    const end = start + duration;
    gone = end + finTimeout;
    if (end <= settled) destAddInactive(d, 1);
    else {
      destAddActive(d, 1);
      scheduleEvent(end, word | EV_ACTIVE_END);
    }
  } else {
    destAddInactive(d, 1);
    gone = start + SYN_RECV_TIMEOUT;
  }
  scheduleEvent(gone, word);
  if (!skipIndex) indexAppend(proto, src, sport, dst, dport, gone, d);
  return gone;
}

// ── the batch's index entries ───────────────────────────────────────────────────────────────────

/** Room for the index entries of `count` new connections (called before a batch: may allocate). */
export function connBatchReserve(count: i32): void {
  indexReserve(count);
}

/** Puts the batch's new connections into the index's tables (called after it). */
export function connBatchCommit(): void {
  indexCommit(!noTouch);
}
