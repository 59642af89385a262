// Connections (dataplane.md 1.13–1.15, SPEC 3): what opening one does to its destination's counters,
// the expiry events it schedules (expiry.ts), and its entry for the established-path index.
//
// New connections are queued during a batch and put into the established-path index
// (conn-index.ts) after it, in one loop that loads their home slots a block ahead, so the cache
// misses of independent inserts overlap instead of queueing.

import { tupleHash } from './hash';
import {
  CIDX_DEST_PROTO, CIDX_DPORT, CIDX_DST, CIDX_GONE, CIDX_PASS, CIDX_SHIFT, CIDX_SPORT, CIDX_SRC, EV_ACTIVE_END,
  PROTO_UDP, SYN_RECV_TIMEOUT,
} from './layout';
import { expiryInit, scheduleEvent } from './expiry';
import { alignedAlloc } from '../cache';
import { indexInit, indexPutAll, indexRecycle } from './conn-index';
import { destAddActive, destAddInactive, destServing } from './service';

let finTimeout: f64 = 120;
let udpTimeout: f64 = 300;

let queue: usize = 0; // connections of the running batch, in index-entry layout (pass = tuple hash)
let queueCap: i32 = 0;
let queued: i32 = 0;

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
  queueCap = 0;
  queued = 0;
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

// ── queue for the index ─────────────────────────────────────────────────────────────────────────

/** Room for `count` queued connections (called before a batch). */
export function connBatchReserve(count: i32): void {
  if (count > queueCap) {
    queueCap = max(count, 1024);
    queue = alignedAlloc(<usize>queueCap << CIDX_SHIFT);
  }
  queued = 0;
}

/** Inserts the connections queued by the batch (called after it). */
export function connBatchCommit(): void {
  const n = queued;
  queued = 0;
  indexRecycle();
  indexPutAll(queue, n, !noTouch);
}
