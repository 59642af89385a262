// Connections (dataplane.md 1.13–1.15, SPEC 3): what opening one does to its destination's counters,
// the end of its active part (an expiry event, expiry.ts) or, when that is already settled, its
// place in a closing queue (closing.ts), and its entry in the established-path index
// (conn-index.ts: appended as it opens, put into the index's table after the batch).

import { EV_TCP_END, EV_UDP_END, PROTO_UDP, SYN_RECV_TIMEOUT } from './layout';
import { expiryInit, scheduleEvent } from './expiry';
import { CLOSE_FIN, CLOSE_SYN, CLOSE_UDP, closingAppend, closingInit, closingQueue, closingTimeout, connectionOpened } from './closing';
import { indexAppend, indexCommit, indexInit, indexReserve } from './conn-index';
import { destAddActive, destAddInactive, destServing } from './service';

/** Timing variants (bench only): skip the index, or insert without touching ahead. */
let skipIndex = false;
let noTouch = false;

export function connSetBench(skip: bool, touch: bool): void {
  skipIndex = skip;
  noTouch = !touch;
}

/**
 * Sets up connection state for about `capacity` live connections: the index, the expiry wheel
 * (2^wheelBits far slots of 2^-tickBits s) and the closing queues with their timeouts.
 */
export function connInit(capacity: i32, tickBits: i32, wheelBits: i32, fin: f64, udp: f64): void {
  const cap = max(capacity, 16);
  expiryInit(cap, tickBits, wheelBits);
  closingInit(cap, fin, udp, SYN_RECV_TIMEOUT);
  indexInit(cap);
}

// ── connections ─────────────────────────────────────────────────────────────────────────────────

/**
 * Opens the connection of a new flow to destination `d` at `start` (the current time; SPEC 3):
 * TCP/SCTP to a serving endpoint is active for `duration`, then inactive for the FIN timeout; to a
 * non-serving one inactive for SYN_RECV_TIMEOUT; UDP inactive for duration + udpTimeout. Appends
 * its index entry; returns when it is gone.
 *
 * `settled`: a time expiry will have caught up with before anything reads the counts, with no
 * advance before it (-Infinity: none). A connection whose active part ends by then goes straight to
 * its closing queue, counted inactive: the counts anyone reads and the queue's order are the same
 * as if its end had fired then. dispatch.ts passes the batch's last start when no scheduler of the
 * cluster reads the counts, for the flows before that last one.
 */
// @ts-ignore: decorator
@inline export function connCreate(proto: u32, src: u32, sport: u32, dst: u32, dport: u32, start: f64, duration: f64,
  d: i32, settled: f64): f64 {
  const word = <u32>d << 1;
  const end = start + duration;
  let gone: f64;
  connectionOpened();
  if (proto == PROTO_UDP) {
    destAddInactive(d, 1);
    const q = closingQueue(CLOSE_UDP);
    gone = end + closingTimeout(q);
    if (end <= settled) closingAppend(q, gone, d);
    else scheduleEvent(end, word | EV_UDP_END);
  } else if (destServing(d)) {
    const q = closingQueue(CLOSE_FIN);
    gone = end + closingTimeout(q);
    if (end <= settled) {
      destAddInactive(d, 1);
      closingAppend(q, gone, d);
    } else {
      destAddActive(d, 1);
      scheduleEvent(end, word | EV_TCP_END);
    }
  } else {
    destAddInactive(d, 1);
    gone = start + SYN_RECV_TIMEOUT;
    closingAppend(closingQueue(CLOSE_SYN), gone, d);
  }
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
